import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { registerTrainingKernels } from "../../lib/backend/mod.ts";
import { conv2dBackpropFilterByIm2col } from "../../lib/backend/_conv_backprop_filter.ts";
import { createRng } from "../../lib/random/mod.ts";

// wasm's filter gradient by a transposed im2col copy (whole batch and chunked) against the cpu
// backend's own Conv2DBackpropFilter, on shapes whose windows leave the image on every side.
await useTestBackend();
await import("@tensorflow/tfjs-backend-wasm");
registerTrainingKernels("wasm");

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, "length mismatch");
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

Deno.test("the im2col filter gradient equals cpu's own, whole and chunked over the batch", async () => {
  await assertNoLeak(async () => {
    const rng = createRng(71);
    type Shape = [number, number, number, number];
    const cases: [Shape, number, number, number, "same" | "valid"][] = [
      [[3, 9, 7, 3], 7, 5, 2, "same"], // filter wider than the image in one axis
      [[2, 8, 8, 4], 3, 6, 1, "same"],
      [[2, 9, 10, 2], 5, 3, 2, "valid"],
      [[4, 5, 6, 3], 3, 4, 2, "same"],
      [[1, 4, 4, 2], 2, 3, 1, "valid"],
    ];
    for (const [shape, k, co, stride, pad] of cases) {
      const seed = rng.int(1e6);
      await tf.setBackend("cpu");
      const info = tf.backend_util.computeConv2DInfo(
        shape,
        [k, k, shape[3], co],
        stride,
        1,
        pad,
      );
      const dyShape: Shape = [shape[0], info.outHeight, info.outWidth, co];
      const make = () => ({
        x: tf.randomNormal(shape, 0, 1, "float32", seed) as tf.Tensor4D,
        dy: tf.randomNormal(dyShape, 0, 1, "float32", seed + 1) as tf.Tensor4D,
      });
      const ref = tf.tidy(() => {
        const { x, dy } = make();
        return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
          strides: stride,
          pad,
          dataFormat: "NHWC",
          filterShape: [k, k, shape[3], co],
        }) as tf.Tensor;
      });
      const want = await ref.data();
      ref.dispose();
      await tf.setBackend("wasm");
      const g = {
        strides: [stride, stride] as [number, number],
        padTop: info.padInfo.top,
        padLeft: info.padInfo.left,
        filterHeight: k,
        filterWidth: k,
      };
      const perImage = k * k * shape[3] * info.outHeight * info.outWidth;
      for (const maxChunkElements of [undefined, perImage]) {
        const got = tf.tidy(() => {
          const { x, dy } = make();
          return conv2dBackpropFilterByIm2col(x, dy, g, { maxChunkElements });
        });
        const e = relativeError(await got.data(), want);
        assert.deepEqual(got.shape, [k, k, shape[3], co]);
        got.dispose();
        const what = `x[${shape}] ${k}×${k} s${stride} ${pad} chunk ${maxChunkElements ?? "all"}`;
        assert.ok(e <= 1e-4, `${what}: relative error ${e.toExponential(2)}`);
      }
    }
  });
});
