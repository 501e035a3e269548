import assert from "node:assert/strict";

const script = new URL("../../bin/model.ts", import.meta.url).pathname;

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--no-check", script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("`deno task model nn2 --format json` prints Table 2's rows and totals", async () => {
  const { code, stdout, stderr } = await run("nn2", "--format", "json", "--backend", "cpu");
  assert.equal(code, 0, stderr);
  const json = JSON.parse(stdout);
  assert.equal(json.rows.length, 17);
  assert.deepEqual(json.rows[0].outputSize, [112, 112, 64]);
  assert.equal(json.rows[0].type, "conv1 (7×7×3, 2)");
  for (const r of json.rows) {
    assert.ok(Number.isInteger(r.params) && Number.isInteger(r.flops), r.type);
  }
  assert.equal(json.total.weights, 7_448_256);
  assert.ok(Math.abs(json.total.flops - 1.6e9) < 0.08e9);
});

Deno.test("`deno task model` text output has the paper's columns; bad options exit 2", async () => {
  const ok = await run("nn4-small2", "--input-size", "64", "--width", "0.5", "--backend", "cpu");
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^type\s+output size\s+depth\s+#1×1\s+#3×3 reduce/);
  assert.match(ok.stdout, /inception \(5b\)\s+2×2×368/);
  const bad = await run("nn2", "--input-size", "16", "--backend", "cpu");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /'inputSize' must be an integer ≥ 32, got 16/);
});
