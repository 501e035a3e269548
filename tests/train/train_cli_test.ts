import assert from "node:assert/strict";
import { tinySynth } from "./_fixtures.ts";

const bin = new URL("../../bin/train.ts", import.meta.url).pathname;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--no-check", bin, ...args],
    stdout: "piped",
    stderr: "piped",
  });
  const r = await cmd.output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("deno task train rejects an unknown flag with a clear error and exit code 2", async () => {
  const r = await run(["--data", "x", "--out", "y", "--steps", "1", "--batchsize", "3"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown flag '--batchsize'/);
});

Deno.test("deno task train trains tiny on held-out synthetic identities and writes model, metrics and summary", async () => {
  const data = await tinySynth();
  const out = await Deno.makeTempDir();
  const r = await run([
    "--data",
    data,
    "--out",
    out,
    "--model",
    "tiny",
    "--size",
    "32",
    "--steps",
    "3",
    "--p",
    "3",
    "--k",
    "3",
    "--holdout",
    "0.25",
    "--eval-count",
    "16",
    "--eval-every",
    "2",
    "--backend",
    "wasm",
    "--progress",
    "silent",
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /train: completed at step 3/);
  assert.match(r.out, /eval: 16 pairs among 2 held-out identities/);
  const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
  assert.equal(summary.step, 3);
  assert.deepEqual(summary.callbackResults.map((c: { step: number }) => c.step), [2, 3]);
  assert.ok((await Deno.stat(`${out}/model`)).isDirectory);
  // the run folder is lib/report's: provenance and a report beside config, metrics and summary
  const provenance = JSON.parse(await Deno.readTextFile(`${out}/provenance.json`));
  assert.ok(provenance.args.includes("--out"), "provenance records the command line");
  assert.equal(JSON.parse(await Deno.readTextFile(`${out}/config.json`)).steps, 3);
  assert.match(await Deno.readTextFile(`${out}/report.html`), /train: completed at step 3/);
  await Deno.remove(out, { recursive: true });
});
