import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  BatchNorm,
  L2Normalize,
  L2Pooling2D,
  LocalResponseNorm,
  PairDistance,
  registerModelLayers,
  StackDistances,
} from "../../lib/model/mod.ts";
import { createRng } from "../../lib/random/mod.ts";

await useTestBackend();
registerModelLayers();

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

Deno.test("L2Pooling2D equals the square root of the zero-padded windowed sum of squares", async () => {
  await assertNoLeak(async () => {
    const [h, w, c] = [5, 6, 2];
    const data = randomArray(h * w * c, 1);
    const at = (i: number, j: number, k: number) =>
      i < 0 || j < 0 || i >= h || j >= w ? 0 : data[(i * w + j) * c + k];
    for (const stride of [1, 2]) {
      const x = tf.tensor4d(data, [1, h, w, c]);
      const y = new L2Pooling2D({ poolSize: 3, strides: stride }).apply(x) as tf.Tensor;
      const oh = Math.ceil(h / stride);
      const ow = Math.ceil(w / stride);
      assert.deepEqual(y.shape, [1, oh, ow, c]);
      const got = await y.data();
      // TensorFlow "same" padding: total pad = (out-1)*stride + 3 - in, the smaller half first.
      const top = Math.floor(Math.max((oh - 1) * stride + 3 - h, 0) / 2);
      const left = Math.floor(Math.max((ow - 1) * stride + 3 - w, 0) / 2);
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          for (let k = 0; k < c; k++) {
            let s = 0;
            for (let di = 0; di < 3; di++) {
              for (let dj = 0; dj < 3; dj++) {
                s += at(i * stride - top + di, j * stride - left + dj, k) ** 2;
              }
            }
            const g = got[(i * ow + j) * c + k];
            assert.ok(
              Math.abs(g - Math.sqrt(s)) < 1e-4,
              `(${i},${j},${k}) ${g} vs ${Math.sqrt(s)}`,
            );
          }
        }
      }
      tf.dispose([x, y]);
    }
  });
});

Deno.test("L2Pooling2D has a finite gradient where the input is all zero", async () => {
  await assertNoLeak(async () => {
    const layer = new L2Pooling2D({ poolSize: 3, strides: 1 });
    const x = tf.zeros([1, 4, 4, 1]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(layer.apply(t) as tf.Tensor))(x);
    const v = await g.data();
    assert.ok(v.every(Number.isFinite), "gradient has NaN or Inf");
    tf.dispose([x, g]);
  });
});

Deno.test("LocalResponseNorm divides by (1 + 2e-5·Σ window x²)^0.75 over 5 channels", async () => {
  await assertNoLeak(async () => {
    const c = 7;
    const data = randomArray(2 * c, 2).map((v) => v * 30);
    const x = tf.tensor4d(data, [1, 1, 2, c]);
    const y = new LocalResponseNorm().apply(x) as tf.Tensor;
    const got = await y.data();
    for (let p = 0; p < 2; p++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let j = Math.max(0, k - 2); j <= Math.min(c - 1, k + 2); j++) {
          s += data[p * c + j] ** 2;
        }
        const want = data[p * c + k] / (1 + 2e-5 * s) ** 0.75;
        assert.ok(Math.abs(got[p * c + k] - want) < 1e-3 * Math.abs(want) + 1e-5, `${k}`);
      }
    }
    tf.dispose([x, y]);
  });
});

Deno.test("L2Normalize gives unit rows and leaves a zero row finite", async () => {
  await assertNoLeak(async () => {
    const x = tf.tensor2d([[3, 4], [0, 0]]);
    const y = new L2Normalize().apply(x) as tf.Tensor;
    assert.deepEqual(Array.from(await y.data()), [0.6000000238418579, 0.800000011920929, 0, 0]);
    tf.dispose([x, y]);
  });
});

Deno.test("PairDistance defaults to Euclidean and accepts an object with pairwise()", async () => {
  await assertNoLeak(async () => {
    const a = tf.tensor2d([[0, 0], [1, 1]]);
    const b = tf.tensor2d([[3, 4], [1, 1]]);
    const d = new PairDistance().apply([a, b]) as tf.Tensor;
    assert.deepEqual(d.shape, [2, 1]);
    assert.deepEqual(Array.from(await d.data()), [5, 0]);
    const sq = new PairDistance({
      distance: { name: "squared", pairwise: (p, q) => tf.sum(tf.squaredDifference(p, q), 1) },
    });
    assert.equal(sq.distanceName, "squared");
    const d2 = sq.apply([a, b]) as tf.Tensor;
    assert.deepEqual(Array.from(await d2.data()), [25, 0]);
    const s = new StackDistances().apply([d, d2]) as tf.Tensor;
    assert.deepEqual(s.shape, [2, 2, 1]);
    assert.deepEqual(Array.from(await s.data()), [5, 25, 0, 0]);
    tf.dispose([a, b, d, d2, s]);
  });
});

Deno.test("custom layers round-trip through their registered config", () => {
  const layers = [
    new L2Pooling2D({ poolSize: 3, strides: 2, name: "p" }),
    new LocalResponseNorm({ alpha: 1e-3, name: "n" }),
    new L2Normalize({ name: "l" }),
  ];
  for (const layer of layers) {
    const json = { className: layer.getClassName(), config: layer.getConfig() };
    const back = tf.layers.Layer.fromConfig(
      // deno-lint-ignore no-explicit-any
      tf.serialization.SerializationMap.getMap().classNameMap[json.className][0] as any,
      json.config,
    ) as tf.layers.Layer;
    assert.deepEqual(back.getConfig(), layer.getConfig());
  }
});

Deno.test("BatchNorm matches tf.layers.batchNormalization: outputs, gradients, moving statistics", async () => {
  await assertNoLeak(async () => {
    const x = tf.randomNormal([4, 5, 5, 3], 1, 2, "float32", 1);
    const w = tf.randomNormal([4, 5, 5, 3], 0, 1, "float32", 2);
    const ours = new BatchNorm({ name: "ours" });
    const theirs = tf.layers.batchNormalization({ name: "theirs" });
    const results: number[][][] = [];
    for (const layer of [ours, theirs]) {
      tf.dispose(layer.apply(x) as tf.Tensor); // build
      const init = [
        tf.tensor1d([1, 2, 3]),
        tf.tensor1d([0.1, 0.2, 0.3]),
        tf.zeros([3]),
        tf.ones([3]),
      ];
      layer.setWeights(init);
      tf.dispose(init);
      const f = (t: tf.Tensor) =>
        tf.sum(tf.mul(layer.apply(t, { training: true }) as tf.Tensor, w));
      const vars = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
      const { value, grads } = tf.variableGrads(() => f(x) as tf.Scalar, vars);
      const gx = tf.grad(f)(x);
      const inferred = layer.apply(x) as tf.Tensor;
      const moving = layer.getWeights().slice(2);
      results.push([
        Array.from(await value.data()),
        Array.from(await gx.data()),
        ...(await Promise.all(vars.map(async (v) => Array.from(await grads[v.name].data())))),
        ...(await Promise.all(moving.map(async (t) => Array.from(await t.data())))),
        Array.from(await inferred.data()),
      ]);
      tf.dispose([value, gx, inferred, ...Object.values(grads)]);
      layer.dispose();
    }
    const [a, b] = results;
    a.forEach((arr, i) =>
      arr.forEach((v, j) =>
        assert.ok(
          Math.abs(v - b[i][j]) < 1e-4 * (1 + Math.abs(b[i][j])),
          `${i}/${j}: ${v} vs ${b[i][j]}`,
        )
      )
    );
    tf.dispose([x, w]);
  });
});
