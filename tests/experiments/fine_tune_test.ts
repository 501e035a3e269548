import assert from "node:assert/strict";
import { assertNoLeak, devFacesDir, useTestBackend } from "../_helpers/leak.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { loadModel } from "../../lib/model/mod.ts";
import { fineTune } from "../../experiments/fine_tune.ts";

const trainFaces = new URL("../../../shared/faces/train/lfw-devtrain/", import.meta.url).pathname;
const haveFaces = devFacesDir() !== undefined && (() => {
  try {
    return Deno.statSync(trainFaces).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test({
  name:
    "fine-tune (ci): pretrained, full and frozen-trunk fine-tuning measured on DevTest pairs clean and degraded",
  ignore: !haveFaces,
  async fn() {
    await useTestBackend();
    const outDir = await Deno.makeTempDir({ prefix: "fine_tune_test_" });
    const dataDir = await Deno.makeTempDir({ prefix: "fine_tune_data_" });
    try {
      const r = await assertNoLeak(() =>
        runExperiment(fineTune, {
          preset: "ci",
          outDir,
          dataDir,
          print: () => {},
          progress: "silent",
        })
      );
      const s = r.summary as Record<string, unknown>;
      const ci = fineTune.presets.ci;
      assert.equal(s.flip, false, "no test-time flip unless set");
      const data = s.data as Record<string, number>;
      assert.equal(data.devPairs, ci.devPairs);
      assert.equal(data.trainPeople + data.validationPeople, ci.trainPeople);
      assert.equal(data.validationPairs, ci.validationPairs);
      const sets = s.sets as Record<string, Record<string, { accuracy: number; auc: number }>>;
      assert.deepEqual(Object.keys(sets), [
        "pretrained",
        "fine-tuned (full)",
        "fine-tuned (trunk)",
      ]);
      for (const [model, bySet] of Object.entries(sets)) {
        assert.deepEqual(Object.keys(bySet).sort(), ["dev", "dev-degraded", "val", "val-degraded"]);
        for (const [set, n] of Object.entries(bySet)) {
          assert.ok(n.accuracy >= 0 && n.accuracy <= 1, `${model} ${set} accuracy ${n.accuracy}`);
          assert.ok(n.auc >= 0 && n.auc <= 1, `${model} ${set} AUC ${n.auc}`);
        }
      }
      // The pretrained net tells these 20 clean DevTest pairs apart far better than chance.
      assert.ok(sets.pretrained.dev.auc > 0.8, `pretrained clean AUC ${sets.pretrained.dev.auc}`);
      assert.equal(
        s.dropPoints,
        100 * (sets.pretrained.dev.accuracy - sets.pretrained["dev-degraded"].accuracy),
      );
      const modes = s.modes as Record<string, { steps: number; modelDir: string }>;
      for (
        const [mode, trainable] of [["fine-tuned (full)", 59], ["fine-tuned (trunk)", 5]] as const
      ) {
        assert.equal(modes[mode].steps, ci.steps);
        const model = await loadModel(modes[mode].modelDir);
        assert.equal(model.trainableWeights.length, trainable, `${mode}: trainable weights`);
        assert.equal(model.outputs[0].shape[1], 128);
        model.dispose();
      }
      assert.ok(r.findings!.some((f) => f.includes(`${ci.degrade} costs the pretrained net`)));
      // The recipe is stated, with the distillation weight it ran with.
      assert.ok(
        r.findings!.some((f) =>
          f.startsWith("Recipe: triplet loss") &&
          f.includes(
            `distillation from the frozen pretrained net (λ ${
              ci.distillWeight ?? fineTune.base.distillWeight
            })`,
          )
        ),
      );
      assert.equal(r.table!.rows.length, 3);
    } finally {
      await Deno.remove(outDir, { recursive: true });
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test("fine-tune rejects a bad degradation and mode before any work", () => {
  assert.throws(
    () => fineTune.validate!({ ...fineTune.presets.ci, degrade: "blur" }),
    /unknown degradation 'blur'/,
  );
  assert.throws(
    () => fineTune.validate!({ ...fineTune.presets.ci, degradeFraction: 2 }),
    /'degradeFraction' must be in \[0, 1\], got 2/,
  );
});
