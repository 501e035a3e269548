import assert from "node:assert/strict";
import { assertNoLeak, devFacesDir, useTestBackend } from "../_helpers/leak.ts";
import { preloadFaceApi } from "../../lib/data/mod.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { loadModel } from "../../lib/model/mod.ts";
import { lfwScratch, RECIPE_VARIANTS } from "../../experiments/lfw_scratch.ts";

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
    "lfw-scratch (ci): trains on DevTrain people, chooses on validation people, measures DevTest pairs beside face-api",
  ignore: !haveFaces,
  async fn() {
    await useTestBackend();
    const outDir = await Deno.makeTempDir({ prefix: "lfw_scratch_test_" });
    const dataDir = await Deno.makeTempDir({ prefix: "lfw_scratch_data_" });
    try {
      // face-api keeps its weights once loaded: load them before the leak check.
      await preloadFaceApi({ detector: "ssd", recognition: true });
      await preloadFaceApi({ detector: "tiny" });
      const r = await assertNoLeak(() =>
        runExperiment(lfwScratch, {
          preset: "ci",
          outDir,
          dataDir,
          print: () => {},
          progress: "silent",
        })
      );
      const s = r.summary as Record<string, unknown>;
      const ci = lfwScratch.presets.ci;
      assert.equal(s.chosen, "base");
      assert.equal(s.steps, ci.steps);
      const data = s.data as Record<string, number>;
      assert.equal(data.trainPeople + data.validationPeople, ci.trainPeople);
      assert.equal(data.devPairs, ci.devPairs);
      for (const k of ["devAccuracy", "devAuc"] as const) {
        const v = s[k] as number;
        assert.ok(v >= 0 && v <= 1, `${k} ${v}`);
      }
      // face-api's own pipeline separates these 20 DevTest pairs almost perfectly.
      const faceapi = s.faceapi as { accuracy: number; auc: number; pairs: number };
      assert.equal(faceapi.pairs, ci.devPairs);
      assert.ok(faceapi.auc > 0.9, `face-api AUC ${faceapi.auc}`);
      const variant =
        (s.variants as Record<string, { training: { modelDir: string; curve: unknown[] } }>).base;
      assert.equal(variant.training.curve.length, 1, "one measurement, at the end");
      // The final numbers both ways; the chosen ones follow the preset's test-time flip.
      assert.equal(s.flip, ci.flip ?? lfwScratch.base.flip);
      const byFlip = (s.variants as Record<string, {
        sets: Record<string, { accuracy: number }>;
        byFlip: Record<"flip" | "plain", Record<string, { accuracy: number; pairs: number }>>;
      }>).base;
      for (const way of ["flip", "plain"] as const) {
        assert.equal(byFlip.byFlip[way].dev.pairs, ci.devPairs);
        assert.equal(byFlip.byFlip[way].val.pairs, ci.validationPairs);
      }
      assert.deepEqual(byFlip.sets, byFlip.byFlip[s.flip ? "flip" : "plain"]);
      assert.ok(r.findings!.some((f) => f.startsWith("Test-time flip (")));
      const model = await loadModel(variant.training.modelDir);
      assert.deepEqual(model.inputs[0].shape, [null, ci.size, ci.size, 3]);
      model.dispose();
      assert.equal(r.table!.rows.length, 2);
      assert.ok(r.findings!.some((f) => f.startsWith("Chosen on the validation people")));
    } finally {
      await Deno.remove(outDir, { recursive: true });
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "lfw-scratch (ci, cosface + singletons): one class per training person, people with one photo added to training only",
  ignore: !haveFaces,
  async fn() {
    await useTestBackend();
    const outDir = await Deno.makeTempDir({ prefix: "lfw_scratch_cls_" });
    const dataDir = await Deno.makeTempDir({ prefix: "lfw_scratch_cls_data_" });
    try {
      const ci = lfwScratch.presets.ci;
      const r = await assertNoLeak(() =>
        runExperiment(lfwScratch, {
          preset: "ci",
          outDir,
          dataDir,
          set: { variants: ["cosface"], singletons: true, faceapi: false },
          print: () => {},
          progress: "silent",
        })
      );
      const s = r.summary as Record<string, unknown>;
      assert.equal(s.chosen, "cosface");
      assert.equal(s.steps, ci.steps);
      const data = s.data as Record<string, number>;
      // the first trainPeople people with one photo join the training people, never validation
      assert.equal(data.singletonPeople, ci.trainPeople);
      assert.equal(data.trainPeople + data.validationPeople, 2 * ci.trainPeople);
      const training =
        (s.variants as Record<string, { training: { finalLoss: number } }>).cosface.training;
      // CosFace's cross-entropy over the classes is positive and finite from the first step
      assert.ok(
        Number.isFinite(training.finalLoss) && training.finalLoss > 0,
        `loss ${training.finalLoss}`,
      );
    } finally {
      await Deno.remove(outDir, { recursive: true });
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test("lfw-scratch rejects singletons without a class loss, and one photo per person, before any work", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "lfw_scratch_bad_" });
  try {
    for (
      const [set, message] of [
        [
          { variants: ["base"], singletons: true },
          /variant 'base': 'singletons' needs a class loss/,
        ],
        [{ variants: ["cosface"], k: 1 }, /variant 'cosface' needs 'k' ≥ 2/],
      ] as [Record<string, string[] | boolean | number>, RegExp][]
    ) {
      await assert.rejects(
        () =>
          runExperiment(lfwScratch, {
            preset: "ci",
            outDir,
            set,
            print: () => {},
            progress: "silent",
          }),
        message,
      );
    }
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("lfw-scratch names its recipe variants and rejects unknown ones before any work", async () => {
  assert.ok("base" in RECIPE_VARIANTS && "no-augment" in RECIPE_VARIANTS);
  const outDir = await Deno.makeTempDir({ prefix: "lfw_scratch_bad_" });
  try {
    await assert.rejects(
      () =>
        runExperiment(lfwScratch, {
          preset: "ci",
          outDir,
          set: { variants: ["magic"] },
          print: () => {},
          progress: "silent",
        }),
      /magic/,
    );
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
