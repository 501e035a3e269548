import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { createLoss, createReducer, distillationLoss } from "../../lib/losses/mod.ts";
import { degradeBatches, teacherTargets, trainOnFaces } from "../../lib/real_faces/mod.ts";
import {
  type BatchView,
  type TrainBatch,
  validateTrainConfig,
  wholeBatchGradients,
} from "../../lib/train/mod.ts";

await useTestBackend();

/** A linear net over flattened 2×2×3 images: [N, 2, 2, 3] → [N, 2]. */
function linearNet(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [2, 2, 3] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({
    units: 2,
    kernelInitializer: tf.initializers.randomNormal({ seed }),
    biasInitializer: "zeros",
  }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** One batch of n images whose image i is filled with (i + 1)/n, in colour (red negated). */
function batchOf(n: number): TrainBatch {
  const images = tf.tidy(() => {
    const v = tf.mul(tf.ones([n, 2, 2, 1]), tf.reshape(tf.linspace(1 / n, 1, n), [n, 1, 1, 1]));
    return tf.concat([tf.neg(v), v, v], 3);
  }) as tf.Tensor4D;
  return { images, labels: Array.from({ length: n }, (_, i) => i % 2) };
}

const none = {
  anchors: new Int32Array(0),
  positives: new Int32Array(0),
  negatives: new Int32Array(0),
};

Deno.test("distillationLoss: per-sample Σ(e − t)²; mismatched shapes named", async () => {
  await assertNoLeak(() => {
    const e = tf.tensor2d([[1, 2], [3, 4], [0, 0]]), t = tf.tensor2d([[1, 2], [1, 1], [0, 2]]);
    const v = distillationLoss(e, t);
    assert.deepEqual(Array.from(v.dataSync()), [0, 4 + 9, 4]);
    const bad = tf.zeros([3, 3]) as tf.Tensor2D;
    assert.throws(() => distillationLoss(e, bad), /embeddings \[3,2\] and targets \[3,3\]/);
    tf.dispose([e, t, v, bad]);
  });
});

Deno.test("teacherTargets before degradeBatches: targets are the teacher's embeddings of the CLEAN images", async () => {
  const teacher = linearNet(3);
  await assertNoLeak(async () => {
    const clean = batchOf(4);
    const want = teacher.predict(clean.images) as tf.Tensor2D;
    const inner = { next: () => Promise.resolve(batchOf(4)) };
    const b = (await degradeBatches(teacherTargets(inner, teacher), "grey").next())!;
    const targets = b.targets!;
    assert.deepEqual(targets.shape, [4, 2]);
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(targets, want))));
    assert.ok(d.dataSync()[0] < 1e-6, "targets equal the teacher on the clean batch");
    // The images themselves were degraded (greyscale: the red channel no longer negated).
    const changed = tf.tidy(() => tf.max(tf.abs(tf.sub(b.images, clean.images))));
    assert.ok(changed.dataSync()[0] > 0.1);
    tf.dispose([clean.images, want, b.images, targets, d, changed]);
  });
  teacher.dispose();
});

Deno.test("teacherTargets: a teacher whose input does not fit the images is named, and the batch freed", async () => {
  const input = tf.input({ shape: [3, 3, 3] });
  const out = tf.layers.dense({ units: 2 }).apply(
    tf.layers.flatten().apply(input),
  ) as tf.SymbolicTensor;
  const teacher = tf.model({ inputs: input, outputs: out });
  await assertNoLeak(async () => {
    const inner = { next: () => Promise.resolve(batchOf(2)) };
    await assert.rejects(
      () => teacherTargets(inner, teacher).next(),
      /teacher takes \[,3,3,3\] but the batch's images are \[2,2,2,3\]/,
    );
  });
  teacher.dispose();
});

Deno.test("wholeBatchGradients with distillWeight: loss and bias gradient are λ·mean‖e − t‖² and its derivative; no tuples needed", async () => {
  const model = linearNet(5);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const lambda = 2;
  const strategy = wholeBatchGradients(
    {
      model,
      variables,
      loss: createLoss("triplet", { margin: 0.2 }),
      reducer: createReducer("mean"),
      distillWeight: lambda,
    },
    { select: () => Promise.resolve(none) },
  );
  await assertNoLeak(async () => {
    const b = batchOf(4);
    const targets = tf.tensor2d([[1, 0], [0, 1], [1, 1], [-1, 2]]);
    const g = await strategy.gradients({
      images: b.images,
      labels: Int32Array.from(b.labels),
      view: {} as BatchView,
      targets,
    });
    const e = model.predict(b.images) as tf.Tensor2D;
    const diff = tf.sub(e, targets);
    const read = (t: tf.Tensor) => {
      const v = t.dataSync().slice();
      t.dispose();
      return v;
    };
    const want = lambda * read(tf.tidy(() => tf.mean(tf.sum(tf.square(diff), 1))))[0];
    assert.ok(Math.abs(g.loss!.dataSync()[0] - want) < 1e-5, "loss value");
    // d/db of λ·mean_i Σ_d (e_id − t_id)² = λ·(2/N)·Σ_i (e_i − t_i)
    const wantBias = read(tf.tidy(() => tf.mul(lambda * 2 / 4, tf.sum(diff, 0))));
    const biasName = variables[1].name;
    const gotBias = g.grads[biasName].dataSync();
    for (let j = 0; j < 2; j++) assert.ok(Math.abs(gotBias[j] - wantBias[j]) < 1e-5, `bias ${j}`);
    tf.dispose([b.images, targets, e, diff, g.loss!, ...Object.values(g.grads)]);
  });
  await assertNoLeak(async () => {
    const b = batchOf(2);
    await assert.rejects(
      () =>
        strategy.gradients({
          images: b.images,
          labels: Int32Array.from(b.labels),
          view: {} as BatchView,
        }),
      /'distillWeight' > 0 needs batches with 'targets'/,
    );
    b.images.dispose();
  });
  model.dispose();
});

Deno.test("distillWeight is refused up front where it cannot work", async () => {
  const loader = () => ({ next: () => Promise.resolve(undefined) });
  assert.throws(
    () => validateTrainConfig({ steps: 1, distillWeight: 1, mode: "triplet-model", loader }),
    /'distillWeight' needs whole-batch online training/,
  );
  assert.throws(
    () => validateTrainConfig({ steps: 1, distillWeight: 1, microBatch: 8, loader }),
    /'distillWeight' needs whole-batch online training/,
  );
  assert.throws(
    () => validateTrainConfig({ steps: 1, distillWeight: -1, loader }),
    /distillWeight/,
  );
  const ds = {
    root: "faces",
    identities: ["a", "b"],
    items: [{ path: "a/1.jpg", label: 0 }, { path: "b/1.jpg", label: 1 }],
  };
  await assert.rejects(
    () => trainOnFaces(ds as never, { config: { steps: 1, distillWeight: 1 } }),
    /'distillWeight' 1 needs a 'teacher' model/,
  );
});
