import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { createModel, getBuildOptions, MODEL_NAMES } from "../../lib/model/mod.ts";

await useTestBackend();

/** Deterministic standardised-looking input. */
function images(n: number, size: number, seed = 1): tf.Tensor4D {
  return tf.randomUniform([n, size, size, 3], -1, 1, "float32", seed) as tf.Tensor4D;
}

async function rowNorms(y: tf.Tensor): Promise<number[]> {
  const n = tf.tidy(() => tf.norm(y, 2, 1));
  const v = Array.from(await n.data());
  n.dispose();
  return v;
}

Deno.test("createModel('tiny') maps [N,32,32,3] to unit-norm [N,128] rows", async () => {
  await assertNoLeak(async () => {
    const model = createModel("tiny");
    const x = images(3, 32);
    const y = model.predict(x) as tf.Tensor;
    assert.deepEqual(y.shape, [3, 128]);
    for (const n of await rowNorms(y)) assert.ok(Math.abs(n - 1) < 1e-5, `norm ${n}`);
    tf.dispose([x, y]);
    model.dispose();
  });
});

Deno.test("createModel() with the same seed gives the same weights, another seed others", async () => {
  await assertNoLeak(async () => {
    const a = createModel("tiny", { seed: 7 });
    const b = createModel("tiny", { seed: 7 });
    const c = createModel("tiny", { seed: 8 });
    const wa = await a.getWeights()[0].data();
    const wb = await b.getWeights()[0].data();
    const wc = await c.getWeights()[0].data();
    assert.deepEqual(wa, wb);
    assert.notDeepEqual(wa, wc);
    // Two layers of the same shape in one model get different kernels.
    const k1 = await a.getLayer("inception_3a_1x1").getWeights()[0].data();
    const k2 = await a.getLayer("inception_3a_3x3_reduce").getWeights()[0].data();
    assert.notDeepEqual(k1, k2);
    for (const m of [a, b, c]) m.dispose();
  });
});

Deno.test("tiny completes a training step that changes its weights and lowers a loss", async () => {
  await assertNoLeak(async () => {
    const model = createModel("tiny", { norm: "batch", seed: 3 });
    const x = images(8, 32, 2);
    const target = tf.randomNormal([8, 128], 0, 1, "float32", 4);
    const opt = tf.train.sgd(0.5);
    const lossFn = () =>
      tf.mean(
        tf.squaredDifference(model.apply(x, { training: true }) as tf.Tensor, target),
      ) as tf.Scalar;
    const before = await model.getLayer("fc").getWeights()[0].data();
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const loss = opt.minimize(lossFn, true) as tf.Scalar;
      losses.push((await loss.data())[0]);
      loss.dispose();
    }
    const after = await model.getLayer("fc").getWeights()[0].data();
    assert.notDeepEqual(before, after);
    assert.ok(losses[2] < losses[0], `loss did not fall: ${losses}`);
    tf.dispose([x, target]);
    opt.dispose();
    model.dispose();
  });
});

Deno.test("nn4-small2 has about 3.7M parameters and maps 96×96 to [N,128]", async () => {
  await assertNoLeak(() => {
    const model = createModel("nn4-small2");
    const p = model.countParams();
    assert.ok(p > 3.6e6 && p < 3.8e6, `params ${p}`);
    const x = images(1, 96);
    const y = model.predict(x) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 128]);
    tf.dispose([x, y]);
    model.dispose();
  });
});

Deno.test("widthMultiplier scales every filter count but not the embedding", async () => {
  await assertNoLeak(() => {
    const full = createModel("nn4-small2");
    const quarter = createModel("nn4-small2", { widthMultiplier: 0.25, inputSize: 64 });
    const filters = (m: tf.LayersModel, name: string) => m.getLayer(name).outputShape.at(-1);
    assert.equal(filters(full, "conv1"), 64);
    assert.equal(filters(quarter, "conv1"), 16);
    assert.equal(filters(quarter, "inception_3a_concat"), 64);
    assert.deepEqual(quarter.outputs[0].shape, [null, 128]);
    assert.ok(quarter.countParams() < full.countParams() / 10);
    const x = images(2, 64);
    const y = quarter.predict(x) as tf.Tensor;
    assert.deepEqual(y.shape, [2, 128]);
    tf.dispose([x, y]);
    full.dispose();
    quarter.dispose();
  });
});

Deno.test("getBuildOptions() returns the filled-in options the model was built with", () => {
  const model = createModel("nn4-small2", { widthMultiplier: 0.5, seed: 9, finalL2: false });
  assert.deepEqual(getBuildOptions(model), {
    name: "nn4-small2",
    inputSize: 96,
    embeddingDim: 128,
    norm: "batch",
    l2Pooling: "l2",
    finalL2: false,
    embeddingActivation: "linear",
    inputScaling: "standardized",
    widthMultiplier: 0.5,
    seed: 9,
  });
  model.dispose();
});

Deno.test("every variant builds with its default input size and embedding options", () => {
  for (const name of MODEL_NAMES) {
    const model = createModel(name, { embeddingDim: 64 });
    const size = getBuildOptions(model)!.inputSize;
    assert.deepEqual(model.inputs[0].shape, [null, size, size, 3], name);
    assert.deepEqual(model.outputs[0].shape, [null, 64], name);
    model.dispose();
  }
});

Deno.test("norm, l2Pooling and finalL2 options change the layers as the monograph's fixes", async () => {
  await assertNoLeak(async () => {
    const kinds = (m: tf.LayersModel) => new Set(m.layers.map((l) => l.getClassName()));
    const paper = createModel("tiny");
    assert.ok(kinds(paper).has("LocalResponseNorm"));
    assert.ok(kinds(paper).has("L2Pooling2D"));
    assert.ok(kinds(paper).has("L2Normalize"));
    assert.ok(!kinds(paper).has("BatchNorm"));
    const fixed = createModel("tiny", { norm: "batch", l2Pooling: "max", finalL2: false });
    assert.ok(kinds(fixed).has("BatchNorm"));
    assert.ok(!kinds(fixed).has("LocalResponseNorm"));
    assert.ok(!kinds(fixed).has("L2Pooling2D"));
    assert.ok(!kinds(fixed).has("L2Normalize"));
    const x = images(2, 32);
    const y = fixed.predict(x) as tf.Tensor;
    const norms = await rowNorms(y);
    assert.ok(norms.some((n) => Math.abs(n - 1) > 1e-3), `rows still unit norm: ${norms}`);
    tf.dispose([x, y]);
    paper.dispose();
    fixed.dispose();
  });
});

Deno.test("createModel() names the option and the value it rejects", () => {
  assert.throws(
    () => createModel("nn2", { inputSize: 16 }),
    /nn2: 'inputSize' must be .*≥ 32, got 16/,
  );
  assert.throws(() => createModel("tiny", { widthMultiplier: 0 }), /'widthMultiplier'.*got 0/);
  assert.throws(() => createModel("tiny", { norm: "group" as "lrn" }), /'norm'.*"group"/);
  assert.throws(() => createModel("nn5" as "nn2"), /unknown model.*nn2, nn3/);
});

Deno.test("a forward pass of nn2 at 224 gives unit-norm [N,128] rows", async () => {
  await assertNoLeak(async () => {
    const model = createModel("nn2");
    const x = images(1, 224);
    const y = model.predict(x) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 128]);
    for (const n of await rowNorms(y)) assert.ok(Math.abs(n - 1) < 1e-5, `norm ${n}`);
    tf.dispose([x, y]);
    model.dispose();
  });
});
