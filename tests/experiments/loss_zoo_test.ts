import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { lossSettings, runExperiment } from "../../lib/experiment/mod.ts";
import { lossZoo } from "../../experiments/loss_zoo.ts";

Deno.test("loss-zoo (ci) trains every loss at one budget with finite losses and a verification accuracy each", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir();
  try {
    const r = await assertNoLeak(() =>
      runExperiment(lossZoo, { preset: "ci", outDir, print: () => {}, progress: "silent" })
    );
    const { losses, steps } = lossZoo.presets.ci;
    const results = r.summary.results;
    assert.deepEqual(Object.keys(results), losses);
    for (const [loss, v] of Object.entries(results)) {
      assert.ok(Number.isFinite(v.finalLoss), `${loss}: final loss ${v.finalLoss}`);
      // held-out verification: balanced pairs of 4 identities never trained on, with an interval
      const acc = v.verificationAccuracy, ci = v.heldOutCi!;
      assert.ok(acc >= 0 && acc <= 1, `${loss}: verification accuracy ${acc}`);
      assert.equal(v.heldOutChance, 0.5, loss);
      assert.ok(ci[0] <= acc && acc <= ci[1], `${loss}: ${acc} outside ${ci}`);
      assert.equal(typeof v.collapsed, "boolean");
      assert.equal(typeof v.mechanism, "string");
    }
    // The hinge forms are ≥ 0; only "nohinge" may go negative.
    for (const form of ["triplet-hinge", "triplet-squaredHinge", "triplet-softplus"]) {
      assert.ok((results[form].finalLoss as number) >= 0, form);
    }
    // ranked by held-out accuracy, highest first; the best is named against chance
    assert.equal(r.summary.ranking.length, losses.length);
    const byAcc = [...losses].sort((a, b) =>
      results[b].verificationAccuracy - results[a].verificationAccuracy
    );
    assert.deepEqual(r.summary.ranking.map((x) => x.split(" ")[0]), byAcc);
    assert.equal(r.summary.bestLoss, byAcc[0]);
    assert.equal(r.summary.chance, 0.5);
    assert.match(r.summary.best, new RegExp(`^Best by held-out verification: ${byAcc[0]}, `));
    assert.match(
      r.summary.evaluation,
      /pairs of 4 identities never trained on \(chance 0\.500\); each loss trained on the other 12/,
    );
    const logged = (await Deno.readTextFile(`${r.dir}/metrics.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    for (const loss of losses) {
      assert.equal(logged.filter((l) => l.variant === loss && l.step !== undefined).length, steps);
      // trained on identities disjoint from those of the evaluated pairs
      const d = logged.find((l) => l.type === "data" && l.variant === loss);
      const trained = new Set(d.trainIdentities as string[]);
      assert.equal(trained.size, 12);
      assert.deepEqual((d.evaluatedIdentities as string[]).filter((id) => trained.has(id)), []);
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
