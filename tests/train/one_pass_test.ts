/**
 * The one-pass step (`viewAndGradients`): mining and gradients from one training-mode forward pass
 * give the tuples, loss and gradients of the two-pass step (no-gradient view, then gradients), move
 * batch norm's moving statistics once, and the trainer uses it for whole-batch matrix mining.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { createModel } from "../../lib/model/mod.ts";
import { createDistance, createLoss, createReducer } from "../../lib/losses/mod.ts";
import { createRng } from "../../lib/random/mod.ts";
import {
  createGradientStrategy,
  disposeBatchView,
  onePassBackend,
  type TrainConfig,
  trainEmbedding,
  viewBatch,
  wholeBatchGradients,
} from "../../lib/train/mod.ts";
import { randomLoader } from "./_golden_cases.ts";

await useTestBackend();

/** A batch-norm tiny net, a semi-hard whole-batch strategy over it, and a batch. */
async function setup(seed = 6) {
  const model = createModel("tiny", { inputSize: 32, seed, norm: "batch" });
  const distance = createDistance("euclidean");
  const loss = createLoss("triplet", { distance, margin: 0.2 });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const strategy = createGradientStrategy(
    { model, variables, loss, reducer: createReducer("meanNonZero") },
    {
      mode: "online",
      distance,
      margin: 0.2,
      miner: "semihard",
      microBatch: 0,
      tripletsPerStep: 0,
      rng: createRng(3),
    },
  );
  const batch = (await randomLoader(5).next())!;
  return { model, distance, strategy, images: batch.images, labels: Int32Array.from(batch.labels) };
}

/** Counts `model.apply` calls while `fn` runs. */
async function countApplies<T>(model: tf.LayersModel, fn: () => Promise<T>): Promise<[T, number]> {
  const original = model.apply.bind(model);
  let calls = 0;
  model.apply = (...args: Parameters<typeof original>) => (calls++, original(...args));
  try {
    return [await fn(), calls];
  } finally {
    model.apply = original;
  }
}

/** The moving means of every batch-norm layer, flattened. */
function movingMeans(model: tf.LayersModel): number[] {
  return model.weights.filter((w) => /moving_mean/.test(w.originalName ?? w.name))
    .flatMap((w) => Array.from(w.read().dataSync()));
}

Deno.test("one pass gives the two-pass step's tuples, loss and gradients with one forward pass", async () => {
  const a = await setup(), b = await setup();
  const one = a.strategy.viewAndGradients!;
  assert.ok(one, "a whole-batch strategy with a matrix miner offers viewAndGradients");
  await assertNoLeak(async () => {
    const [r1, passes1] = await countApplies(
      a.model,
      () => one({ images: a.images, labels: a.labels }, { distance: a.distance }),
    );
    const [[view2, r2], passes2] = await countApplies(b.model, async () => {
      const view = await viewBatch(b.model, b.images, { distance: b.distance });
      return [view, await b.strategy.gradients({ images: b.images, labels: b.labels, view })];
    });
    assert.equal(passes1, 1);
    assert.equal(passes2, 2);
    assert.deepEqual(r1.tuples, r2.tuples);
    assert.ok(r1.loss && r2.loss);
    const [l1, l2] = [r1.loss.dataSync()[0], r2.loss.dataSync()[0]];
    assert.ok(l1 > 0, `the batch trains (loss ${l1})`);
    assert.ok(Math.abs(l1 - l2) <= 1e-6 * Math.max(1, Math.abs(l2)), `loss ${l1} vs ${l2}`);
    // the two models' variables differ in name only (a suffix): pair them by position
    const names = (m: tf.LayersModel) =>
      m.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    const [n1, n2] = [names(a.model), names(b.model)];
    assert.deepEqual(Object.keys(r1.grads).sort(), [...n1].sort());
    assert.deepEqual(Object.keys(r2.grads).sort(), [...n2].sort());
    for (const [i, name] of n1.entries()) {
      const x = r1.grads[name].dataSync(), y = r2.grads[n2[i]].dataSync();
      const scale = Math.max(1e-6, ...Array.from(y, Math.abs));
      const err = Math.max(...Array.from(x, (v, i) => Math.abs(v - y[i])));
      assert.ok(err <= 1e-4 * scale, `${name}: max error ${err} against max |g| ${scale}`);
    }
    const m1 = r1.view.values, m2 = view2.values;
    assert.equal(m1.length, a.labels.length ** 2);
    for (let i = 0; i < m1.length; i++) assert.ok(Math.abs(m1[i] - m2[i]) <= 1e-5, `matrix[${i}]`);
    for (const r of [r1, r2]) tf.dispose([r.loss!, ...Object.values(r.grads)]);
    disposeBatchView(r1.view);
    disposeBatchView(view2);
  });
  for (const s of [a, b]) (s.images.dispose(), s.model.dispose());
});

Deno.test("one pass moves batch norm's moving statistics once per step (two passes moved them twice)", async () => {
  const a = await setup(), b = await setup(), c = await setup();
  const before = movingMeans(a.model);
  const r1 = await a.strategy.viewAndGradients!({ images: a.images, labels: a.labels }, {
    distance: a.distance,
  });
  const view = await viewBatch(b.model, b.images, { distance: b.distance });
  const r2 = await b.strategy.gradients({ images: b.images, labels: b.labels, view });
  tf.tidy(() => c.model.apply(c.images, { training: true }) as tf.Tensor); // one training-mode pass
  const once = movingMeans(c.model), one = movingMeans(a.model), two = movingMeans(b.model);
  assert.ok(once.some((v, i) => v !== before[i]), "a training-mode pass moves the moving means");
  assert.deepEqual(one, once);
  assert.ok(two.some((v, i) => Math.abs(v - once[i]) > 1e-7), "two passes moved them further");
  for (const r of [r1, r2]) tf.dispose([r.loss!, ...Object.values(r.grads)]);
  disposeBatchView(r1.view);
  disposeBatchView(view);
  for (const s of [a, b, c]) (s.images.dispose(), s.model.dispose());
});

Deno.test("one pass with nothing to mine returns the view, no loss and no gradients, and leaks nothing", async () => {
  const a = await setup();
  const distinct = Int32Array.from(a.labels, (_, i) => i); // no positives: no triplets
  await assertNoLeak(async () => {
    const r = await a.strategy.viewAndGradients!({ images: a.images, labels: distinct }, {
      distance: a.distance,
    });
    assert.equal(r.loss, undefined);
    assert.deepEqual(r.grads, {});
    assert.equal(r.microBatches, 0);
    assert.equal(r.view.values.length, distinct.length ** 2);
    assert.deepEqual(r.view.embeddings.shape, [distinct.length, 128]);
    disposeBatchView(r.view);
  });
  a.images.dispose();
  a.model.dispose();
});

Deno.test("the trainer takes one forward pass per whole-batch step, two with embedChunk or an eval-mode view; its metrics say which", async () => {
  const passes = async (extra: Record<string, unknown>) => {
    const model = createModel("tiny", { inputSize: 32, seed: 2 });
    const [r, calls] = await countApplies(model, () =>
      trainEmbedding({
        model,
        loader: (s: number) => randomLoader(s),
        size: 32,
        p: 4,
        k: 3,
        steps: 3,
        seed: 1,
        forensicsEvery: 0,
        ...extra,
      } as TrainConfig, { progress: false }));
    model.dispose();
    for (const h of r.history) {
      assert.ok(h.loadMs >= 0 && h.loadMs <= h.mineMs, `loadMs ${h.loadMs}, mineMs ${h.mineMs}`);
      assert.ok(h.gradMs > 0 && h.gradMs <= h.stepMs, `gradMs ${h.gradMs}, stepMs ${h.stepMs}`);
    }
    return [calls, r.history.map((h) => h.passes)];
  };
  assert.deepEqual(await passes({}), [3, [1, 1, 1]]);
  // two chunks for the view, one pass for the gradients
  assert.deepEqual(await passes({ embedChunk: 6 }), [9, [2, 2, 2]]);
  assert.deepEqual(await passes({ miningTraining: false }), [6, [2, 2, 2]]);
});

Deno.test("one-pass steps only on backends whose synchronous reads are copies", () => {
  for (const b of ["cpu", "wasm", "native", "tensorflow"]) assert.ok(onePassBackend(b), b);
  for (const b of ["webgl", "webgpu"]) assert.ok(!onePassBackend(b), b);
});

Deno.test("one pass with a distillation weight and no targets is refused before the tape starts (nothing leaks)", async () => {
  const a = await setup();
  const strategy = wholeBatchGradients(
    {
      model: a.model,
      variables: a.model.trainableWeights.map((w) => w.read() as tf.Variable),
      loss: createLoss("triplet", { distance: a.distance, margin: 0.2 }),
      reducer: createReducer("mean"),
      distillWeight: 0.5,
    },
    {
      select: () => Promise.reject(new Error("unused")),
      selectMatrix: () => ({
        anchors: new Int32Array(),
        positives: new Int32Array(),
        negatives: new Int32Array(),
      }),
    },
  );
  await assertNoLeak(async () => {
    await assert.rejects(
      () =>
        strategy.viewAndGradients!({ images: a.images, labels: a.labels }, {
          distance: a.distance,
        }),
      /'distillWeight' > 0 needs batches with 'targets'/,
    );
  });
  a.images.dispose();
  a.model.dispose();
});
