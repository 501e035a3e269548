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

/** Images [N,S,S,3] as nested rows, mirrored left–right in plain JS (independent of tf.reverse). */
function mirrorValues(values: Float32Array, n: number, s: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        for (let c = 0; c < 3; c++) {
          out[((i * s + y) * s + x) * 3 + c] = values[((i * s + y) * s + (s - 1 - x)) * 3 + c];
        }
      }
    }
  }
  return out;
}

/** A dense layer over the flattened image: its embedding depends on left and right. */
function sidedModel(s: number, dim: number): tf.LayersModel {
  const input = tf.input({ shape: [s, s, 3] });
  const flat = tf.layers.flatten().apply(input);
  const out = tf.layers.dense({
    units: dim,
    kernelInitializer: tf.initializers.randomNormal({ seed: 5 }),
  }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) =>
  Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

Deno.test("modelEmbedder({ flip }) averages an image with its mirror: the same vector for both, the L2-normalised sum of the two plain rows", async () => {
  await useTestBackend();
  const s = 6, n = 3, dim = 5;
  const model = sidedModel(s, dim);
  await assertNoLeak(async () => {
    const plain = modelEmbedder(model);
    const flipped = modelEmbedder(model, { flip: true });
    assert.equal(flipped.name, `${plain.name}+flip`);
    const images = tf.randomNormal([n, s, s, 3], 0, 1, "float32", 7) as tf.Tensor4D;
    const values = await images.data() as Float32Array;
    const mirrored = tf.tensor4d(mirrorValues(values, n, s), [n, s, s, 3]);
    const outs = [
      await plain.embed(images),
      await plain.embed(mirrored),
      await flipped.embed(images),
      await flipped.embed(mirrored),
    ];
    const [p, pm, f, fm] = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
    // Control: this model tells an image from its mirror.
    assert.ok(
      maxAbsDiff(p, pm) > 0.1,
      `plain rows of an image and its mirror differ (${maxAbsDiff(p, pm)})`,
    );
    assert.ok(
      maxAbsDiff(f, fm) < 1e-5,
      `flip rows of an image and its mirror (${maxAbsDiff(f, fm)})`,
    );
    const expected = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      let sq = 0;
      for (let j = 0; j < dim; j++) sq += (p[i * dim + j] + pm[i * dim + j]) ** 2;
      for (let j = 0; j < dim; j++) {
        expected[i * dim + j] = (p[i * dim + j] + pm[i * dim + j]) / Math.sqrt(sq);
      }
    }
    assert.ok(maxAbsDiff(f, expected) < 1e-5, `flip = normalised sum (${maxAbsDiff(f, expected)})`);
    tf.dispose([images, mirrored, ...outs]);
  }, "modelEmbedder flip");
  model.dispose();
});

Deno.test("modelEmbedder({ flip }) of a mirror-invariant model is its plain embedding L2-normalised", async () => {
  await useTestBackend();
  const input = tf.input({ shape: [4, 4, 3] });
  const gap = tf.model({
    inputs: input,
    outputs: tf.layers.globalAveragePooling2d({}).apply(input) as tf.SymbolicTensor,
  });
  await assertNoLeak(async () => {
    const images = tf.randomUniform([4, 4, 4, 3], 0.1, 1, "float32", 3) as tf.Tensor4D;
    const plain = await modelEmbedder(gap).embed(images);
    const flipped = await modelEmbedder(gap, { flip: true }).embed(images);
    const normalised = tf.tidy(() => tf.div(plain, tf.norm(plain, "euclidean", 1, true)));
    const [a, b] = [await flipped.data(), await normalised.data()] as Float32Array[];
    assert.ok(maxAbsDiff(a, b) < 1e-6, `max diff ${maxAbsDiff(a, b)}`);
    tf.dispose([images, plain, flipped, normalised]);
  });
  gap.dispose();
});

Deno.test("modelEmbedder() rejects a non-boolean 'flip' before any work", () => {
  const model = sidedModel(4, 2);
  assert.throws(
    () => modelEmbedder(model, { flip: "yes" as unknown as boolean }),
    /modelEmbedder: 'flip' must be a boolean, got "yes"/,
  );
  model.dispose();
});
