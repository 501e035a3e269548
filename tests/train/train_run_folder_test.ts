import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { createModel } from "../../lib/model/mod.ts";
import { readMetrics, trainEmbedding } from "../../lib/train/mod.ts";
import { randomLoader } from "./_golden_cases.ts";

await useTestBackend();

const base = { size: 32, p: 4, k: 3, seed: 11, forensicsEvery: 0 };

Deno.test("trainEmbedding() with outDir writes lib/report's run folder there: config, provenance, metrics, checkpoints, summary, report", async () => {
  const out = await Deno.makeTempDir();
  const model = createModel("tiny", { inputSize: 32, seed: 2 });
  await assertNoLeak(async () => {
    await trainEmbedding({ ...base, model, loader: randomLoader, steps: 3, checkpointEvery: 2 }, {
      outDir: out,
      progress: false,
      stopAfterStep: 2,
    });
    const first = JSON.parse(await Deno.readTextFile(`${out}/provenance.json`));
    assert.equal(first.resumedFromStep, undefined);
    const r = await trainEmbedding({ ...base, model, loader: randomLoader, steps: 3 }, {
      outDir: out,
      progress: false,
      resume: true,
    });
    assert.equal(r.startStep, 2);
    const names = [];
    for await (const e of Deno.readDir(out)) names.push(e.name);
    assert.deepEqual(names.sort(), [
      "checkpoints",
      "config.json",
      "metrics.jsonl",
      "provenance.json",
      "report.html",
      "summary.json",
    ]);
    const config = JSON.parse(await Deno.readTextFile(`${out}/config.json`));
    assert.equal(config.model, model.name);
    assert.equal(config.steps, 3);
    assert.ok(!("data" in config), "unset fields are left out");
    const provenance = JSON.parse(await Deno.readTextFile(`${out}/provenance.json`));
    assert.equal(provenance.resumedFromStep, 2);
    assert.equal(typeof provenance.gitRevision, "string");
    const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    assert.equal(summary.step, 3);
    assert.equal(summary.lastStep.loss, r.history[r.history.length - 1].loss);
    const steps = (await readMetrics(`${out}/metrics.jsonl`)).filter((x) => x.type === "step");
    assert.deepEqual(steps.map((s) => s.step), [1, 2, 3]);
    const html = await Deno.readTextFile(`${out}/report.html`);
    assert.ok(html.includes("train: completed at step 3"), "the report's title");
  });
  model.dispose();
  await Deno.remove(out, { recursive: true });
});
