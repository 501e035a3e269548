import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  arcFaceLoss,
  type ClassWeightLoss,
  cosFaceLoss,
  createLoss,
  meanReducer,
} from "../../lib/losses/mod.ts";
import { assertClose, f32, finiteDifference, pkLabels, randomBatch } from "./_reference.ts";

await useTestBackend();

const LABELS = pkLabels(3, 3);

/** Float64 reference of both softmax-margin losses. */
function ref(
  kind: "arc" | "cos",
  rows: number[][],
  w: number[][],
  labels: number[],
  m: number,
  s: number,
): number[] {
  const c = w[0].length;
  const colNorm = Array.from({ length: c }, (_, j) => Math.hypot(...w.map((r) => r[j])));
  return rows.map((x, i) => {
    const xn = Math.hypot(...x);
    const logits = Array.from({ length: c }, (_, j) => {
      let cos = 0;
      for (let k = 0; k < x.length; k++) cos += (x[k] / xn) * (w[k][j] / colNorm[j]);
      cos = Math.min(Math.max(cos, -1 + 1e-7), 1 - 1e-7);
      if (j !== labels[i]) return s * cos;
      if (kind === "cos") return s * (cos - m);
      const phi = cos * Math.cos(m) - Math.sqrt(1 - cos * cos) * Math.sin(m);
      return s * (cos > Math.cos(Math.PI - m) ? phi : cos - Math.sin(Math.PI - m) * m);
    });
    const max = Math.max(...logits);
    const lse = max + Math.log(logits.reduce((t, l) => t + Math.exp(l - max), 0));
    return lse - logits[labels[i]];
  });
}

const MAKERS = {
  arc: (seed: number, margin: number, scale: number) =>
    arcFaceLoss({ numClasses: 3, embeddingDim: 4, seed, margin, scale }),
  cos: (seed: number, margin: number, scale: number) =>
    cosFaceLoss({ numClasses: 3, embeddingDim: 4, seed, margin, scale }),
};

for (const kind of ["arc", "cos"] as const) {
  const title = kind === "arc" ? "arcFaceLoss()" : "cosFaceLoss()";
  Deno.test(`${title} equals the float64 reference per sample and its gradient finite differences`, async () => {
    await assertNoLeak(async () => {
      const loss: ClassWeightLoss = MAKERS[kind](3, 0.3, 4);
      const rows = f32(randomBatch(9, 4, 61));
      const w = (await loss.weights.array()) as number[][];
      const x = tf.tensor2d(rows);
      const v = loss.compute(x, LABELS);
      assertClose(await v.data(), ref(kind, rows, w, LABELS, 0.3, 4), 1e-5, title);
      const g = tf.grad((t: tf.Tensor) => tf.sum(loss.compute(t as tf.Tensor2D, LABELS)))(x);
      const f = (r: number[][]) => ref(kind, r, w, LABELS, 0.3, 4).reduce((a, b) => a + b, 0);
      assertClose(await g.data(), finiteDifference(f, rows).flat(), 1e-3, `${title} gradient`);
      tf.dispose([x, v, g]);
      loss.dispose();
    });
  });

  Deno.test(`${title} exposes its class weights to an optimiser, which lowers the loss`, async () => {
    await assertNoLeak(async () => {
      const loss = MAKERS[kind](4, kind === "arc" ? 0.5 : 0.35, 16);
      assert.deepEqual(loss.weights.shape, [4, 3]);
      assert.deepEqual(loss.trainableWeights, [loss.weights]);
      const x = tf.tensor2d(f32(randomBatch(9, 4, 62)));
      const opt = tf.train.sgd(0.05);
      const value = () => meanReducer().reduce(loss.compute(x as tf.Tensor2D, LABELS));
      const read = async () => {
        const t = tf.tidy(value);
        const out = (await t.data())[0];
        t.dispose();
        return out;
      };
      const before = await read();
      for (let i = 0; i < 20; i++) opt.minimize(value, false, [loss.weights])?.dispose();
      const after = await read();
      assert.ok(after < before - 0.1, `loss ${before} → ${after}`);
      opt.dispose();
      x.dispose();
      loss.dispose();
    });
  });
}

Deno.test("arcFaceLoss() and cosFaceLoss() reject labels outside the classes and bad options", async () => {
  assert.throws(
    () => arcFaceLoss({ numClasses: 1, embeddingDim: 4 }),
    /'numClasses' must be an integer ≥ 2, got 1/,
  );
  assert.throws(
    () => arcFaceLoss({ numClasses: 3, embeddingDim: 4, margin: 2 }),
    /'margin' must be in \[0, π\/2\)/,
  );
  assert.throws(() => createLoss("cosface"), /'numClasses' and 'embeddingDim' are required/);
  await assertNoLeak(() => {
    const loss = cosFaceLoss({ numClasses: 2, embeddingDim: 3 });
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    assert.throws(() => loss.compute(x, [0, 2]), /labels\[1\] = 2 is outside the classes \[0, 2\)/);
    const y = tf.zeros([2, 5]) as tf.Tensor2D;
    assert.throws(
      () => loss.compute(y, [0, 1]),
      /embeddings have dimension 5, the class weights 3/,
    );
    tf.dispose([x, y]);
    loss.dispose();
  });
});
