import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { lossSettings, runExperiment } from "../../lib/experiment/mod.ts";
import { lossZoo } from "../../experiments/loss_zoo.ts";
import { assertBehaviourUnchanged } from "./_behaviour.ts";

Deno.test("loss-zoo (ci) trains every loss at one budget with finite losses and a verification accuracy each", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir();
  try {
    const r = await assertNoLeak(() =>
      runExperiment(lossZoo, { preset: "ci", outDir, print: () => {}, progress: "silent" })
    );
    assertBehaviourUnchanged("loss-zoo", r.summary);
    const { losses, steps } = lossZoo.presets.ci;
    const results = r.summary.results;
    assert.deepEqual(Object.keys(results), losses);
    for (const [loss, v] of Object.entries(results)) {
      assert.ok(Number.isFinite(v.finalLoss), `${loss}: final loss ${v.finalLoss}`);
      const acc = v.verificationAccuracy as number;
      assert.ok(acc >= 0.4 && acc <= 1, `${loss}: verification accuracy ${acc}`);
      assert.equal(typeof v.collapsed, "boolean");
      assert.equal(typeof v.mechanism, "string");
    }
    // The hinge forms are ≥ 0; only "nohinge" may go negative.
    for (const form of ["triplet-hinge", "triplet-squaredHinge", "triplet-softplus"]) {
      assert.ok((results[form].finalLoss as number) >= 0, form);
    }
    assert.equal((r.summary.ranking as string[]).length, losses.length);
    const logged = (await Deno.readTextFile(`${r.dir}/metrics.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    for (const loss of losses) {
      assert.equal(logged.filter((l) => l.variant === loss && l.step !== undefined).length, steps);
    }
    assert.equal(r.figures?.length, 4);
    assert.ok((await Deno.stat(`${r.dir}/report.html`)).size > 1000);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("lossSettings() maps each loss spec to its loss, margin and options, and rejects unknown ones", () => {
  const c = lossZoo.presets.ci;
  assert.deepEqual(lossSettings("triplet-softplus", c, 5).lossOptions, { form: "softplus" });
  assert.equal(lossSettings("contrastive", c, 5).margin, c.contrastiveMargin);
  assert.deepEqual(lossSettings("arcface", c, 5).lossOptions, {
    numClasses: 5,
    embeddingDim: c.embeddingDim,
    scale: c.scale,
    seed: c.seed,
  });
  assert.equal(lossSettings("cosface", c, 5).margin, c.cosMargin);
  assert.throws(() => lossSettings("triplet-cubic", c, 5), /unknown triplet form/);
  assert.throws(() => lossSettings("npair", c, 5), /unknown loss 'npair'/);
});
