import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { modelEmbedder } from "../../lib/eval/mod.ts";
import { createModel } from "../../lib/model/mod.ts";
import { createRng } from "../../lib/random/mod.ts";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";

/** Sets every batch-norm layer's moving statistics to seeded non-trivial values. */
function perturbBatchNorm(model: tf.LayersModel, seed: number): number {
  const rng = createRng(seed);
  let count = 0;
  for (const layer of model.layers) {
    // tf.layers.batchNormalization or the model's own batch-norm layer: both keep moving statistics.
    if (!layer.weights.some((w) => /moving_mean/.test(w.originalName))) continue;
    const weights = layer.getWeights();
    const names = layer.weights.map((w) => w.originalName);
    const next = weights.map((w, i) => {
      const values = Float32Array.from({ length: w.size }, () => rng.normal());
      if (/moving_variance/.test(names[i])) {
        values.forEach((v, k) => (values[k] = 0.5 + Math.abs(v)));
      }
      return tf.tensor(values, w.shape);
    });
    layer.setWeights(next);
    tf.dispose(next);
    count++;
  }
  return count;
}

Deno.test("modelEmbedder() gives an image the same vector alone and inside a batch (batch norm in inference mode)", async () => {
  await useTestBackend();
  const model = createModel("tiny", { norm: "batch", embeddingDim: 16, seed: 3 });
  assert.ok(perturbBatchNorm(model, 4) > 0, "the model has batch-norm layers");
  await assertNoLeak(async () => {
    const embedder = modelEmbedder(model);
    const s = embedder.inputSize;
    const batch = tf.randomNormal([6, s, s, 3], 0, 1, "float32", 11) as tf.Tensor4D;
    const alone = batch.slice([2, 0, 0, 0], [1, s, s, 3]);
    const inBatch = await embedder.embed(batch);
    const single = await embedder.embed(alone);
    const row = inBatch.slice([2, 0], [1, 16]);
    const a = await single.data();
    const b = await row.data();
    for (let i = 0; i < a.length; i++) {
      assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `coordinate ${i}: alone ${a[i]} vs in batch ${b[i]}`);
    }
    // Control: in training mode the same image's embedding does depend on its batch.
    const trainBatch = tf.tidy(() =>
      (model.apply(batch, { training: true }) as tf.Tensor2D).slice([2, 0], [1, 16])
    );
    const trainPair = tf.tidy(() =>
      (model.apply(tf.concat([alone, batch.slice([0, 0, 0, 0], [1, s, s, 3])]), {
        training: true,
      }) as tf.Tensor2D)
        .slice([0, 0], [1, 16])
    );
    const t1 = await trainBatch.data(), t2 = await trainPair.data();
    const maxDiff = Math.max(...Array.from(t1, (v, i) => Math.abs(v - t2[i])));
    assert.ok(maxDiff > 1e-3, `training mode should depend on the batch (max diff ${maxDiff})`);
    tf.dispose([batch, alone, inBatch, row, single, trainBatch, trainPair]);
  }, "modelEmbedder batch independence");
  model.dispose();
});

Deno.test("modelEmbedder() rejects images of the wrong size and names the shapes", async () => {
  await useTestBackend();
  const model = createModel("tiny", { embeddingDim: 8 });
  await assertNoLeak(() => {
    const embedder = modelEmbedder(model, { name: "tiny" });
    assert.equal(embedder.inputSize, 32);
    const wrong = tf.zeros([1, 16, 16, 3]) as tf.Tensor4D;
    assert.throws(
      () => embedder.embed(wrong),
      /tiny: expects images \[N,32,32,3\], got \[1,16,16,3\]/,
    );
    wrong.dispose();
  });
  model.dispose();
});
