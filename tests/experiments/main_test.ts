import assert from "node:assert/strict";
import { registry } from "../../experiments/registry.ts";
import { TASK_PERMISSIONS } from "../../lib/cli/mod.ts";

const MAIN = new URL("../../experiments/main.ts", import.meta.url).pathname;

async function cli(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...TASK_PERMISSIONS, MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("experiment --list prints one line per registered experiment", async () => {
  const { code, stdout } = await cli("--list");
  assert.equal(code, 0);
  const lines = stdout.trim().split("\n");
  assert.equal(lines.length, Object.keys(registry).length);
  for (const name of Object.keys(registry)) {
    assert.ok(lines.some((l) => l.startsWith(name + " ")), name);
  }
});

Deno.test("experiment with an unknown --set key exits 2 naming the key and the valid ones", async () => {
  const { code, stderr } = await cli("distance-eps", "--preset", "ci", "--set", "nope=1");
  assert.equal(code, 2);
  assert.match(stderr, /unknown config key 'nope'; valid keys: seed, dims, eps/);
});

Deno.test("experiment --show-config applies --preset, --set and --seed", async () => {
  const { code, stdout } = await cli(
    "distance-eps",
    "--preset",
    "ci",
    "--set",
    "steps=3",
    "--seed",
    "5",
    "--show-config",
  );
  assert.equal(code, 0, stdout);
  const config = JSON.parse(stdout);
  assert.equal(config.steps, 3);
  assert.equal(config.seed, 5);
  assert.equal(config.dims, registry["distance-eps"].presets.ci.dims);
});

Deno.test("experiment with an unknown name or preset exits 2 and says what is known", async () => {
  const a = await cli("no-such-thing");
  assert.equal(a.code, 2);
  assert.match(a.stderr, /unknown experiment 'no-such-thing'; known: .*distance-eps/);
  const b = await cli("distance-eps", "--preset", "huge");
  assert.equal(b.code, 2);
  assert.match(b.stderr, /unknown preset 'huge'/);
});
