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

Deno.test("experiment --set with a value outside its choices exits 2 at once, naming the valid ones", async () => {
  const started = performance.now();
  const { code, stderr } = await cli("mining", "--preset", "ci", "--set", "miners=semihard,foo");
  assert.equal(code, 2);
  assert.match(stderr, /'miners' cannot be "foo"; valid choices: .*semihard.*hardest/);
  assert.doesNotMatch(stderr, /synth|backend/); // nothing was generated or started
  assert.ok(performance.now() - started < 30_000);
});

Deno.test("experiment --shard k/n runs its cells; --merge --json analyses the cached cells", async () => {
  const out = await Deno.makeTempDir();
  try {
    const args = ["distance-eps", "--preset", "ci", "--set", "steps=2", "--out", out];
    const early = await cli(...args, "--merge");
    assert.equal(early.code, 1);
    assert.match(early.stderr, /cannot merge: 1 of 1 cells are not in/);
    const shard = await cli(...args, "--shard", "1/1", "--json");
    assert.equal(shard.code, 0, shard.stderr);
    assert.deepEqual(JSON.parse(shard.stdout).ran, ["run"]);
    const merged = await cli(...args, "--merge", "--json");
    assert.equal(merged.code, 0, merged.stderr);
    const summary = JSON.parse(merged.stdout);
    assert.equal(summary.experiment, "distance-eps");
    assert.deepEqual(summary.nanGradientAtZeroSeparation, ["euclidean"]);
    const bad = await cli(...args, "--shard", "2/1");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /expected 'k\/n' with 1 ≤ k ≤ n/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a sweep killed with SIGKILL resumes from its finished cells when run again with the same --out", async () => {
  const out = await Deno.makeTempDir();
  try {
    const args = ["mining", "--preset", "ci", "--set", "steps=2", "--out", out];
    const cells = `${out}/mining/cells`;
    const count = () => {
      try {
        return [...Deno.readDirSync(cells)].filter((e) => e.name.endsWith(".json")).length;
      } catch {
        return 0;
      }
    };
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...TASK_PERMISSIONS, MAIN, ...args],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const deadline = Date.now() + 120_000;
    while (count() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGKILL");
    await child.status;
    const done = count();
    assert.ok(done >= 2 && done < 8, `killed after ${done} of 8 cells`);
    const again = await cli(...args, "--json");
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`${done} of 8 cells read from`));
    assert.equal(count(), 8);
    assert.equal(Object.keys(JSON.parse(again.stdout).miners).length, 4);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
