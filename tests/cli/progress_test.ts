import assert from "node:assert/strict";
import { createProgress, formatDuration, inJupyter } from "../../lib/cli/mod.ts";

Deno.test("formatDuration() writes m:ss and h:mm:ss", () => {
  assert.equal(formatDuration(65), "1:05");
  assert.equal(formatDuration(3661), "1:01:01");
  assert.equal(formatDuration(NaN), "?");
});

Deno.test("createProgress() counts ticks, failures and resumed work", () => {
  const p = createProgress(10, { mode: "silent", initial: 4 });
  p.tick(2);
  p.fail();
  p.done();
  assert.equal(p.count, 6);
  assert.equal(p.failures, 1);
  assert.equal(inJupyter(), false);
});
