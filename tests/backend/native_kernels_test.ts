import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { outputsOn as run, relativeError, seeded } from "../_helpers/compare.ts";
import { assertNoLeak, slowTests, useTestBackend } from "../_helpers/leak.ts";
import {
  dnnlUnavailableReason,
  initBackend,
  liveNativeObjects,
  NativeBackend,
} from "../../lib/backend/mod.ts";
import { convForward } from "../../lib/backend/native/conv_primitives.ts";
import { createRng } from "../../lib/random/mod.ts";
import { createModel, disposeModel } from "../../lib/model/mod.ts";

// Every case runs on the native backend (oneDNN) and on the cpu backend, which is the reference;
// wasm stays the active backend between tests. Without libdnnl.so.2 the suite is skipped, saying why.
await useTestBackend();
const reason = dnnlUnavailableReason();
if (reason) console.log(`native backend tests skipped: ${reason}`);
else {
  await initBackend("native");
  await initBackend("wasm");
}
const ignore = reason !== undefined;

const TOLERANCE = 1e-4;

/** Asserts native's outputs equal cpu's (shape, and values within TOLERANCE). */
async function assertMatchesCpu(what: string, f: () => tf.Tensor | tf.Tensor[]) {
  await assertNoLeak(async () => {
    const ref = await run("cpu", f);
    const got = await run("native", f);
    assert.deepEqual(got.shapes, ref.shapes, `${what}: shapes`);
    ref.values.forEach((v, i) => {
      const err = relativeError(got.values[i], v);
      assert.ok(err <= TOLERANCE, `${what} output ${i}: relative error ${err}`);
    });
  }, what);
}

interface ConvCase {
  batch: number;
  size: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: "same" | "valid";
}

// Filters 1/3/5/7, strides 1/2, same/valid, batch 1…32, drawn from a seeded generator.
const CONV_CASES: ConvCase[] = (() => {
  const rng = createRng(13);
  const cases: ConvCase[] = [];
  for (const k of [1, 3, 5, 7]) {
    for (const stride of [1, 2]) {
      for (const pad of ["same", "valid"] as const) {
        cases.push({
          batch: [1, 2, 5, 32][rng.int(4)],
          size: k + 2 + rng.int(8),
          cin: 1 + rng.int(12),
          cout: 1 + rng.int(20),
          k,
          stride,
          pad,
        });
      }
    }
  }
  return cases;
})();

Deno.test({
  name: "native Conv2D, FusedConv2D (bias + ReLU) and both gradients match cpu on 16 geometries",
  ignore,
  async fn() {
    for (const [i, c] of CONV_CASES.entries()) {
      const what = `conv ${JSON.stringify(c)}`;
      const x = () => seeded([c.batch, c.size, c.size + 1, c.cin], 100 + i) as tf.Tensor4D;
      const w = () => seeded([c.k, c.k, c.cin, c.cout], 200 + i) as tf.Tensor4D;
      const b = () => seeded([c.cout], 300 + i) as tf.Tensor1D;
      await assertMatchesCpu(`${what} forward`, () => tf.conv2d(x(), w(), c.stride, c.pad));
      await assertMatchesCpu(`${what} fused`, () =>
        tf.fused.conv2d({
          x: x(),
          filter: w(),
          bias: b(),
          activation: "relu",
          strides: c.stride,
          pad: c.pad,
        }));
      await assertMatchesCpu(`${what} gradients`, () => {
        const loss = (xi: tf.Tensor, wi: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, c.stride, c.pad)));
        return tf.grads(loss)([x(), w()]);
      });
    }
  },
});

Deno.test({
  name: "native depthwise and separable convolutions match cpu",
  ignore,
  async fn() {
    const cases: [number, number, number, "same" | "valid"][] = [
      [3, 1, 1, "same"],
      [3, 2, 2, "same"],
      [5, 2, 1, "valid"],
    ];
    for (const [k, mult, stride, pad] of cases) {
      await assertMatchesCpu(`depthwise ${k}/${mult}/${stride}/${pad}`, () => [
        tf.depthwiseConv2d(
          seeded([3, 12, 10, 5], k) as tf.Tensor4D,
          seeded([k, k, 5, mult], 40 + k) as tf.Tensor4D,
          stride,
          pad,
        ),
        tf.separableConv2d(
          seeded([2, 9, 9, 4], 50) as tf.Tensor4D,
          seeded([k, k, 4, mult], 51) as tf.Tensor4D,
          seeded([1, 1, 4 * mult, 6], 52) as tf.Tensor4D,
          stride,
          pad,
        ),
      ]);
    }
  },
});

Deno.test({
  name: "native MaxPool, AvgPool, their gradients and LRN forward/backward match cpu",
  ignore,
  async fn() {
    const x = () => seeded([3, 11, 9, 6], 7) as tf.Tensor4D;
    const pools: [number, number, "same" | "valid"][] = [
      [3, 2, "same"],
      [3, 1, "same"],
      [2, 2, "valid"],
      [3, 1, "valid"],
    ];
    for (const [k, s, p] of pools) {
      const what = `pool ${k}/${s}/${p}`;
      await assertMatchesCpu(`${what} max`, () => {
        const g = tf.grad((a: tf.Tensor) =>
          tf.sum(tf.square(tf.maxPool(a as tf.Tensor4D, k, s, p)))
        );
        return [tf.maxPool(x(), k, s, p), g(x())];
      });
      await assertMatchesCpu(`${what} avg`, () => {
        const g = tf.grad((a: tf.Tensor) =>
          tf.sum(tf.square(tf.avgPool(a as tf.Tensor4D, k, s, p)))
        );
        return [tf.avgPool(x(), k, s, p), g(x())];
      });
    }
    for (const [r, bias, alpha, beta] of [[2, 1, 1e-4, 0.75], [1, 2, 0.3, 0.5], [3, 1, 0.1, 1]]) {
      await assertMatchesCpu(`lrn ${r}`, () => {
        const f = (a: tf.Tensor) =>
          tf.localResponseNormalization(a as tf.Tensor4D, r, bias, alpha, beta);
        const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), seeded([3, 11, 9, 6], 8))));
        return [f(x()), g(x())];
      });
    }
  },
});

Deno.test({
  name: "native matMul (transposes, batches), fused bias + ReLU, and Dense gradients match cpu",
  ignore,
  async fn() {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      await assertMatchesCpu(`matMul ${ta} ${tb}`, () => {
        const a = seeded(ta ? [4, 7, 5] : [4, 5, 7], 1) as tf.Tensor3D;
        const b = seeded(tb ? [4, 3, 7] : [4, 7, 3], 2) as tf.Tensor3D;
        return tf.matMul(a, b, ta, tb);
      });
    }
    await assertMatchesCpu("fused matMul", () =>
      tf.fused.matMul({
        a: seeded([9, 16], 3) as tf.Tensor2D,
        b: seeded([16, 5], 4) as tf.Tensor2D,
        bias: seeded([5], 5),
        activation: "relu",
      }));
    await assertMatchesCpu(
      "matMul gradients",
      () =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.square(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)))
        )([seeded([6, 9], 6), seeded([9, 4], 7)]),
    );
  },
});

Deno.test({
  name:
    "native typed-array Slice, SplitV, PadV2, broadcast arithmetic, Sum and unary ops match cpu",
  ignore,
  async fn() {
    const x = () => seeded([2, 5, 4, 6], 11);
    await assertMatchesCpu("slice", () => [
      tf.slice(x(), [1, 2, 0, 1], [1, 3, -1, 4]),
      tf.slice(x(), [1], [1]),
      tf.slice(x(), [0, 0, 0, 5], [-1, -1, -1, 1]),
    ]);
    await assertMatchesCpu("split", () => tf.split(x(), [1, 3, 2], 3));
    await assertMatchesCpu("concat", () => [
      tf.concat([x(), seeded([2, 5, 4, 2], 27), seeded([2, 5, 4, 0], 28)], 3),
      tf.concat([x(), seeded([1, 5, 4, 6], 29)], 0),
      tf.concat([x(), seeded([2, 5, 3, 6], 30)], 2),
    ]);
    await assertMatchesCpu("pad", () => [
      tf.pad(x(), [[0, 0], [1, 2], [0, 1], [0, 0]]),
      tf.pad(x(), [[1, 0], [0, 0], [2, 2], [1, 1]], -0.5),
    ]);
    await assertMatchesCpu("binary", () => [
      tf.add(x(), seeded([6], 12)),
      tf.sub(2, x()),
      tf.sub(x(), seeded([4, 6], 13)),
      tf.div(seeded([1, 6], 14), x()),
      tf.mul(x(), x()),
      tf.mul(x(), seeded([5, 1, 6], 15)), // broadcast along a middle axis
      tf.div(seeded([2, 1, 1, 6], 24), x()),
      tf.sub(seeded([2, 1], 25), seeded([1, 3], 26)), // both broadcast
      tf.squaredDifference(x(), seeded([1, 1, 1, 6], 16)),
      tf.squaredDifference(seeded([6], 17), x()),
    ]);
    await assertMatchesCpu("sum", () => [
      tf.sum(x(), [0, 1, 2]),
      tf.sum(x(), [2, 3], true),
      tf.sum(x()),
      tf.sum(x(), [1, 3]), // not contiguous: the cpu kernel
      tf.sum(x(), [1, 2], true),
      tf.mean(x(), [1, 2]),
      tf.mean(x(), [0, 1, 2], true),
      tf.mean(x(), -1),
      tf.moments(x(), [0, 1, 2]).variance,
    ]);
    // Large enough for the oneDNN element-wise primitives (ELEMENTWISE_MIN elements).
    const big = () => seeded([8, 32, 32, 24], 18);
    await assertMatchesCpu("large element-wise", () => [
      tf.add(big(), seeded([24], 19)),
      tf.sub(big(), seeded([1, 32, 1, 24], 20)),
      tf.mul(seeded([24], 21), big()),
      tf.div(big(), seeded([1], 22)),
      tf.sub(3, big()), // swapped: the typed-array loop
      tf.squaredDifference(seeded([24], 23), big()),
      tf.relu(big()),
      tf.sqrt(tf.abs(big())),
      tf.square(big()),
    ]);
    await assertMatchesCpu("unary", () => [
      tf.relu(x()),
      tf.step(x(), 0.25),
      tf.sqrt(tf.abs(x())),
      tf.square(x()),
    ]);
  },
});

Deno.test({
  name:
    "native ClipByValue, Relu6, LeakyRelu, Round and FusedBatchNorm match cpu (loops and oneDNN)",
  ignore,
  async fn() {
    // Halves (…, -1.5, -0.5, 0.5, 1.5, …) test round's half-to-even; NaN and ±∞ pass through.
    const halves = (n: number) =>
      tf.tensor(
        Float32Array.from({ length: n }, (_, i) =>
          (i - n / 2) / 2 + (i % 7 === 0 ? 0 : 0.25 * (i % 3))),
      );
    const specialValues = [NaN, Infinity, -Infinity, -0, 0, 6, 6.5, -2.5, 2.5];
    const special = (n: number) =>
      tf.tensor(Float32Array.from({ length: n }, (_, i) => specialValues[i % 9]));
    for (const n of [1000, 300_000]) { // small: typed-array loops; ≥ ELEMENTWISE_MIN: oneDNN
      const x = () => tf.mul(seeded([n], 40 + n), 4);
      await assertMatchesCpu(`unary activations (${n})`, () => [
        tf.clipByValue(x(), -1.25, 3),
        tf.clipByValue(x(), 0, 6),
        tf.relu6(x()),
        tf.leakyRelu(x(), 0.1),
        tf.round(x()),
        tf.round(halves(n)),
      ]);
    }
    const cases = [[2, 7, 5, 16], [1, 128, 128, 8], [3, 10]];
    for (const shape of cases) {
      const c = shape[shape.length - 1];
      const pos = (seed: number) => tf.add(tf.abs(seeded([c], seed)), 0.1);
      await assertMatchesCpu(`batchNorm ${shape}`, () => [
        tf.batchNorm(seeded(shape, 50), seeded([c], 51), pos(52), seeded([c], 53), pos(54), 1e-3),
        tf.batchNorm(seeded(shape, 55), seeded([c], 56), pos(57)), // no offset or scale
        tf.batchNorm(seeded(shape, 58), tf.scalar(0.5), tf.scalar(1.5), undefined, tf.scalar(2)),
      ]);
    }
    // NaN and ±∞ as the cpu kernels give them (compared directly: relativeError would be NaN).
    for (
      const f of [
        (t: tf.Tensor) => tf.clipByValue(t, -1, 3),
        (t: tf.Tensor) => tf.relu6(t),
        (t: tf.Tensor) => tf.leakyRelu(t, 0.2),
        (t: tf.Tensor) => tf.round(t),
      ]
    ) {
      for (const n of [9, 135_000]) {
        const ref = await run("cpu", () => f(special(n)));
        const got = await run("native", () => f(special(n)));
        const [a, b] = [got.values[0], ref.values[0]];
        const bad = a.findIndex((v, i) => !Object.is(v, b[i]));
        assert.equal(bad, -1, `${f} (${n}): at ${bad}, ${a[bad]} where cpu gives ${b[bad]}`);
      }
    }
  },
});

Deno.test({
  name: "ReLU's one-pass gradient on native equals the stock formula (NaN, ±0, ∞ included)",
  ignore,
  async fn() {
    const special = [NaN, 0, -0, 1, -1, Infinity, -Infinity, 2.5];
    const ref = await run(
      "cpu",
      () =>
        tf.grad((a: tf.Tensor) => tf.mul(tf.relu(a), tf.tensor1d(special)))(
          tf.tensor1d([1, NaN, 2, 0, -0, -3, 4, -Infinity]),
        ),
    );
    const got = await run(
      "native",
      () =>
        tf.grad((a: tf.Tensor) => tf.mul(tf.relu(a), tf.tensor1d(special)))(
          tf.tensor1d([1, NaN, 2, 0, -0, -3, 4, -Infinity]),
        ),
    );
    assert.deepEqual([...got.values[0]], [...ref.values[0]]);
    // Large (oneDNN's ReLU backward) with NaN, ±0 and ±∞ among the inputs.
    const withSpecial = () => {
      const v = seeded([8, 32, 32, 24], 33).dataSync().slice();
      special.forEach((s, i) => (v[i * 1000] = s));
      return tf.tensor(v, [8, 32, 32, 24]);
    };
    const bigRef = await run(
      "cpu",
      () => tf.grad((a: tf.Tensor) => tf.sum(tf.relu(a)))(withSpecial()),
    );
    const bigGot = await run(
      "native",
      () => tf.grad((a: tf.Tensor) => tf.sum(tf.relu(a)))(withSpecial()),
    );
    assert.deepEqual([...bigGot.values[0]], [...bigRef.values[0]]);
    await assertMatchesCpu(
      "relu gradient",
      () =>
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), seeded([8, 32, 32, 24], 31))))(
          seeded([8, 32, 32, 24], 32),
        ),
    );
    // wasm keeps the stock gradient
    const onWasm = tf.tidy(() =>
      tf.grad((a: tf.Tensor) => tf.sum(tf.relu(a)))(tf.tensor1d([-1, 2])).arraySync()
    );
    assert.deepEqual(onWasm, [0, 1]);
  },
});

Deno.test({
  name: "a small NN2-family training step's gradients agree between native and cpu",
  ignore,
  async fn() {
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      try {
        const model = createModel("nn2", { inputSize: 32, widthMultiplier: 0.25, seed: 3 });
        const x = seeded([2, 32, 32, 3], 21);
        // The embedding is L2-normalised, so a loss of its squares would be constant: project it
        // onto fixed random directions instead.
        const target = seeded([2, 128], 23);
        const { value, grads } = tf.variableGrads(() =>
          tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, target)) as tf.Scalar
        );
        const names = Object.keys(grads).sort();
        const out = {
          loss: (await value.data())[0],
          names,
          values: await Promise.all(names.map((n) => grads[n].data())),
        };
        tf.dispose([x, target, value, ...Object.values(grads)]);
        disposeModel(model);
        return out;
      } finally {
        await tf.setBackend("wasm");
      }
    };
    await assertNoLeak(async () => {
      const ref = await grads("cpu");
      const got = await grads("native");
      assert.ok(Math.abs(got.loss - ref.loss) <= TOLERANCE * Math.abs(ref.loss), "loss");
      assert.equal(got.names.length, ref.names.length);
      assert.ok(ref.names.length > 50, `nn2 has ${ref.names.length} weight tensors`);
      ref.values.forEach((v, i) => {
        const err = relativeError(got.values[i] as Float32Array, v as Float32Array);
        assert.ok(err <= TOLERANCE, `gradient of ${ref.names[i]}: relative error ${err}`);
      });
    }, "nn2 training step");
  },
});

Deno.test({
  name: `${
    slowTests ? 100 : 3
  } more native training steps leak no tensors and create no new oneDNN objects (SLOW=1: 100)`,
  ignore,
  async fn() {
    await tf.setBackend("native");
    try {
      const model = createModel("nn2", { inputSize: 32, widthMultiplier: 0.25, seed: 4 });
      const x = seeded([2, 32, 32, 3], 22);
      const opt = tf.train.sgd(1e-3);
      const step = () => {
        const loss = opt.minimize(
          () => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
          true,
        )!;
        loss.dispose();
      };
      step(); // builds the primitives
      const objects = liveNativeObjects();
      assert.ok(objects.primitives > 10, `${objects.primitives} primitives built`);
      await assertNoLeak(() => {
        for (let i = 0; i < (slowTests ? 100 : 3); i++) step();
      }, "native training steps");
      assert.deepEqual(liveNativeObjects(), objects);
      tf.dispose(x);
      opt.dispose();
      disposeModel(model);
    } finally {
      await tf.setBackend("wasm");
    }
  },
});

Deno.test({
  name: "disposing a native backend frees its oneDNN primitives and memory objects",
  ignore,
  fn() {
    const before = liveNativeObjects();
    const backend = new NativeBackend();
    const g = {
      x: [1, 6, 6, 2],
      filter: [3, 3, 2, 4],
      y: [1, 6, 6, 4],
      strides: [1, 1],
      pads: [1, 1, 1, 1],
    } as const;
    const y = new Float32Array(144);
    convForward(backend.primitives, g, {
      x: new Float32Array(72).fill(1),
      filter: new Float32Array(72).fill(1),
      y,
    });
    // an interior output sums 3·3·2 ones
    assert.equal(y[(1 * 6 + 1) * 4], 18);
    assert.ok(liveNativeObjects().primitives > before.primitives);
    backend.dispose();
    assert.deepEqual(liveNativeObjects(), before);
  },
});

Deno.test({
  name: "tf.removeBackend('native') frees its primitives and initBackend('native') starts afresh",
  ignore,
  async fn() {
    await tf.setBackend("native");
    tf.tidy(() =>
      tf.conv2d(
        seeded([1, 5, 5, 2], 1) as tf.Tensor4D,
        seeded([3, 3, 2, 2], 2) as tf.Tensor4D,
        1,
        "same",
      )
    );
    assert.ok(liveNativeObjects().primitives > 0);
    await tf.setBackend("wasm");
    tf.removeBackend("native");
    assert.deepEqual(liveNativeObjects(), { primitives: 0, memories: 0 });
    const again = await initBackend("native");
    assert.equal(again.name, "native");
    await assertMatchesCpu(
      "conv after re-registration",
      () =>
        tf.conv2d(
          seeded([2, 6, 6, 3], 3) as tf.Tensor4D,
          seeded([3, 3, 3, 4], 4) as tf.Tensor4D,
          1,
          "same",
        ),
    );
    await tf.setBackend("wasm");
  },
});
