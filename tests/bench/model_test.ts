import assert from "node:assert/strict";
import { median } from "../../bench/model.ts";

Deno.test("bench model's median: the middle value, the mean of the middle two for an even count", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([0.9, 1.2, 0.7, 1.1]), 1);
  assert.equal(median([5]), 5);
});

Deno.test("bench model rejects --repeats and --seconds it cannot use, before starting a backend", async () => {
  for (const [flag, value] of [["--repeats", "0"], ["--repeats", "1.5"], ["--seconds", "-1"]]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-P=bench", "bench/main.ts", "model", flag, value, "--no-torch"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, err);
    assert.match(err, new RegExp(`${flag} must be`));
    assert.doesNotMatch(new TextDecoder().decode(out.stdout), /backend:|threads/);
  }
});
