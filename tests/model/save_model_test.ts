import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  createModel,
  createTripletModel,
  disposeModel,
  getBuildOptions,
  loadModel,
  type ModelOptions,
  saveModel,
  summarizeModel,
} from "../../lib/model/mod.ts";

await useTestBackend();

async function roundTrip(options: ModelOptions, size: number): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "model_test_" });
  try {
    await assertNoLeak(async () => {
      const model = createModel("tiny", { ...options, inputSize: size });
      const x = tf.randomUniform([4, size, size, 3], -1, 1, "float32", 11);
      // One training step first, so batch-norm statistics are not at their initial values.
      const opt = tf.train.sgd(0.1);
      opt.minimize(() =>
        tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar
      );
      opt.dispose();
      const before = model.predict(x) as tf.Tensor;
      await saveModel(model, dir);
      const loaded = await loadModel(dir);
      const after = loaded.predict(x) as tf.Tensor;
      assert.deepEqual(await after.data(), await before.data(), "embeddings differ after load");
      assert.deepEqual(getBuildOptions(loaded), getBuildOptions(model));
      assert.deepEqual(summarizeModel(loaded).rows, summarizeModel(model).rows);
      tf.dispose([x, before, after]);
      model.dispose();
      loaded.dispose();
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("saveModel/loadModel round-trips tiny (LRN, L2 pooling, L2 norm) bit-identically", async () => {
  await roundTrip({ seed: 2 }, 32);
});

Deno.test("saveModel/loadModel round-trips batch-norm statistics bit-identically", async () => {
  await roundTrip({ seed: 3, norm: "batch", l2Pooling: "max", finalL2: false }, 40);
});

Deno.test("saveModel writes model.json and weights.bin with the build options", async () => {
  const dir = await Deno.makeTempDir({ prefix: "model_test_" });
  try {
    await assertNoLeak(async () => {
      const model = createModel("tiny", { widthMultiplier: 0.5, seed: 4 });
      await saveModel(model, dir);
      const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
      assert.deepEqual(names, ["model.json", "weights.bin"]);
      const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
      assert.equal(json.userDefinedMetadata.facenet.buildOptions.widthMultiplier, 0.5);
      const bytes = (await Deno.stat(`${dir}/weights.bin`)).size;
      assert.equal(bytes, 4 * model.countParams());
      model.dispose();
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadModel() names the directory it cannot read", async () => {
  await assert.rejects(
    () => loadModel("/nonexistent/model_dir"),
    /\/nonexistent\/model_dir\/model\.json/,
  );
});

Deno.test("a triplet model with the default distance saves and loads", async () => {
  const dir = await Deno.makeTempDir({ prefix: "model_test_" });
  try {
    await assertNoLeak(async () => {
      const embedder = createModel("tiny");
      const triplet = createTripletModel(embedder);
      await saveModel(triplet, dir);
      const loaded = await loadModel(dir);
      assert.deepEqual(loaded.outputNames, ["pos_dist", "neg_dist", "stacked_dists"]);
      disposeModel(triplet);
      disposeModel(loaded);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
