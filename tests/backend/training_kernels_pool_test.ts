import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { outputsOn, relativeError } from "../_helpers/compare.ts";
import { registerTrainingKernels } from "../../lib/backend/mod.ts";
import { createRng } from "../../lib/random/mod.ts";

// wasm's MaxPoolGrad kernel called with and without the forward output (tfjs's gradient passes
// it; other callers may not) against the cpu backend's own kernel, ties included.
await useTestBackend();
await import("@tensorflow/tfjs-backend-wasm");
registerTrainingKernels("wasm");

async function valuesOn(backend: "wasm" | "cpu", f: () => tf.Tensor): Promise<Float32Array> {
  return (await outputsOn(backend, f)).values[0] as Float32Array;
}

Deno.test("MaxPoolGrad on wasm equals cpu's with and without the forward output", async () => {
  await assertNoLeak(async () => {
    const rng = createRng(51);
    for (
      const [filterSize, stride, pad] of [[3, 2, "same"], [3, 1, "same"], [2, 2, "valid"]] as const
    ) {
      const shape: [number, number, number, number] = [
        1 + rng.int(2),
        4 + rng.int(4),
        4 + rng.int(4),
        1 + rng.int(6),
      ];
      const seed = rng.int(1e6);
      for (const withOutput of [true, false]) {
        const f = () => {
          // relu makes ties (zeros), which must go to the first maximum as on cpu
          const x = tf.relu(tf.randomNormal(shape, 0, 1, "float32", seed)) as tf.Tensor4D;
          const y = tf.maxPool(x, filterSize, stride, pad);
          const dy = tf.randomNormal(y.shape, 0, 1, "float32", seed + 1);
          const inputs: tf.NamedTensorMap = withOutput
            ? { dy, input: x, output: y }
            : { dy, input: x };
          return tf.engine().runKernel("MaxPoolGrad", inputs, {
            filterSize,
            strides: stride,
            pad,
          }) as tf.Tensor;
        };
        const ref = await valuesOn("cpu", f);
        const got = await valuesOn("wasm", f);
        const what =
          `${filterSize}×${filterSize} s${stride} ${pad} [${shape}] output ${withOutput}`;
        // overlapping windows sum in another order than cpu's: equal within float rounding
        assert.equal(got.length, ref.length, what);
        const e = relativeError(got, ref);
        assert.ok(e <= 1e-5, `${what}: relative error ${e}`);
      }
    }
  });
});

Deno.test("MaxPoolGrad (given the output) and AvgPoolGrad in wasm SIMD, channels a multiple of 4, equal cpu's, ties and clipped windows included", async () => {
  await assertNoLeak(async () => {
    const rng = createRng(52);
    const geometries = [[3, 2, "same"], [3, 1, "same"], [2, 2, "valid"], [3, 2, "valid"], [
      5,
      3,
      "same",
    ]] as const;
    for (const [filterSize, stride, pad] of geometries) {
      const shape: [number, number, number, number] = [
        1 + rng.int(4),
        4 + rng.int(6),
        4 + rng.int(6),
        4 * (1 + rng.int(4)),
      ];
      const seed = rng.int(1e6);
      for (const kind of ["MaxPoolGrad", "AvgPoolGrad"] as const) {
        const f = () => {
          const x = tf.relu(tf.randomNormal(shape, 0, 1, "float32", seed)) as tf.Tensor4D;
          const y = kind === "MaxPoolGrad"
            ? tf.maxPool(x, filterSize, stride, pad)
            : tf.avgPool(x, filterSize, stride, pad);
          const dy = tf.randomNormal(y.shape, 0, 1, "float32", seed + 1);
          const inputs: tf.NamedTensorMap = kind === "MaxPoolGrad"
            ? { dy, input: x, output: y }
            : { dy, input: x };
          return tf.engine().runKernel(kind, inputs, {
            filterSize,
            strides: stride,
            pad,
          }) as tf.Tensor;
        };
        const ref = await valuesOn("cpu", f);
        const got = await valuesOn("wasm", f);
        const what = `${kind} ${filterSize}×${filterSize} s${stride} ${pad} [${shape}]`;
        assert.equal(got.length, ref.length, what);
        const e = relativeError(got, ref);
        assert.ok(e <= 1e-5, `${what}: relative error ${e}`);
      }
    }
  });
});
