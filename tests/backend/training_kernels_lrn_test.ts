import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { outputsOn, relativeError } from "../_helpers/compare.ts";
import {
  registerTrainingKernels,
  trainingKernelNames,
  unregisterTrainingKernels,
} from "../../lib/backend/mod.ts";
import { createRng } from "../../lib/random/mod.ts";

// The toolkit's LRN and LRNGrad on wasm against the cpu backend's own kernels.
await useTestBackend();
await import("@tensorflow/tfjs-backend-wasm");
registerTrainingKernels("wasm");

const TOLERANCE = 1e-4;

async function valuesOn(backend: "wasm" | "cpu", f: () => tf.Tensor[]): Promise<Float32Array[]> {
  return (await outputsOn(backend, f)).values as Float32Array[];
}

Deno.test("LRN and LRNGrad on wasm equal the cpu backend's on random shapes and attributes", async () => {
  assert.ok(trainingKernelNames("wasm").includes("LRNGrad"), "LRNGrad not registered on wasm");
  await assertNoLeak(async () => {
    const rng = createRng(31);
    const cases: [[number, number, number, number], number, number, number, number][] = [
      [[2, 5, 4, 16], 2, 1, 2e-5, 0.75], // the toolkit's models' attributes
      [[1, 3, 3, 7], 2, 1, 1e-2, 0.75], // a strong normalisation: the cross term matters
      [[3, 2, 5, 3], 5, 2, 0.1, 0.5], // radius beyond the channel count
      [[1, 4, 4, 9], 1, 0.5, 0.3, 0.6], // a general exponent
      [[2, 3, 3, 1], 2, 1, 0.5, 1], // one channel
      // β = 0.75 and channels a multiple of 4: the wasm SIMD loops
      [[4, 6, 6, 64], 2, 1, 1e-4, 0.75], // nn2's attributes, several images per thread
      [[1, 3, 3, 8], 5, 1, 0.1, 0.75], // radius beyond the channel count
      [[3, 2, 2, 4], 1, 0.5, 0.5, 0.75], // a strong normalisation, 4 channels
    ];
    for (const [shape, r, bias, alpha, beta] of cases) {
      const seedX = rng.int(1e6);
      const seedDy = rng.int(1e6);
      const f = () => {
        const x = tf.randomNormal(shape, 0, 2, "float32", seedX) as tf.Tensor4D;
        const dy = tf.randomNormal(shape, 0, 1, "float32", seedDy) as tf.Tensor4D;
        const lrn = (v: tf.Tensor) =>
          tf.localResponseNormalization(v as tf.Tensor4D, r, bias, alpha, beta);
        return [lrn(x), tf.grad(lrn)(x, dy)];
      };
      const ref = await valuesOn("cpu", f);
      const got = await valuesOn("wasm", f);
      ["LRN", "LRNGrad"].forEach((name, i) => {
        const e = relativeError(got[i], ref[i]);
        const what = `${name} [${shape}] r=${r} bias=${bias} alpha=${alpha} beta=${beta}`;
        assert.ok(e <= TOLERANCE, `${what}: relative error ${e.toExponential(2)}`);
      });
    }
  });
});

Deno.test("unregisterTrainingKernels() restores wasm's own LRNGrad, which agrees", async () => {
  const shape: [number, number, number, number] = [1, 3, 3, 6];
  const f = () => {
    const x = tf.randomNormal(shape, 0, 2, "float32", 5) as tf.Tensor4D;
    const dy = tf.randomNormal(shape, 0, 1, "float32", 6) as tf.Tensor4D;
    return [tf.grad((v: tf.Tensor) => tf.localResponseNormalization(v as tf.Tensor4D))(x, dy)];
  };
  const ours = await valuesOn("wasm", f);
  const fast = tf.getKernel("LRNGrad", "wasm");
  unregisterTrainingKernels("wasm");
  try {
    assert.notEqual(tf.getKernel("LRNGrad", "wasm"), fast, "stock LRNGrad not restored");
    const stock = await valuesOn("wasm", f);
    const e = relativeError(ours[0], stock[0]);
    assert.ok(e <= TOLERANCE, `toolkit vs stock LRNGrad: relative error ${e.toExponential(2)}`);
  } finally {
    registerTrainingKernels("wasm");
  }
});
