import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { kernelNamesAsync, outputsOn, relativeError, seeded } from "../_helpers/compare.ts";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { dnnlUnavailableReason, initBackend, liveNativeObjects } from "../../lib/backend/mod.ts";
import { BATCH_NORM_TRAIN, BatchNorm } from "../../lib/model/mod.ts";

// The BatchNorm layer in training mode on the native backend (oneDNN's batch normalisation,
// `_BatchNormTrain` and its gradient) against the same layer on cpu (TensorFlow.js ops with the
// closed-form gradient): output, input/γ/β gradients and the moving statistics it updates.
await useTestBackend();
const reason = dnnlUnavailableReason();
if (reason) console.log(`native batch-norm tests skipped: ${reason}`);
else {
  await initBackend("native");
  await initBackend("wasm");
}

/** y, dx, dγ, dβ of loss Σ y·r, then the moving mean and variance after the step. */
function trainStep(shape: number[]): tf.Tensor[] {
  const c = shape[3];
  const layer = new BatchNorm({ momentum: 0.9, epsilon: 1e-3 });
  const x = seeded(shape, 1, 0.5, 2);
  layer.apply(x, { training: false }); // builds the weights
  layer.setWeights([
    seeded([c], 2, 1, 0.3),
    seeded([c], 3),
    seeded([c], 4),
    tf.abs(seeded([c], 5, 1)),
  ]);
  const r = seeded(shape, 6);
  const [gamma, beta] = layer.trainableWeights.map((w) => w.read());
  let y: tf.Tensor | undefined;
  const { grads } = tf.valueAndGrads((xi: tf.Tensor, _g: tf.Tensor, _b: tf.Tensor) => {
    y = tf.keep(layer.apply(xi, { training: true }) as tf.Tensor);
    return tf.sum(tf.mul(y, r)) as tf.Scalar;
  })([x, gamma, beta]);
  const [, , movingMean, movingVariance] = layer.getWeights();
  const out = [y!, ...grads, movingMean.clone(), movingVariance.clone()];
  layer.dispose();
  return out;
}

Deno.test({
  name:
    "BatchNorm training on native (oneDNN) equals the ops formula on cpu: y, dx, dγ, dβ, moving stats",
  ignore: reason !== undefined,
  fn: async () => {
    const before = liveNativeObjects();
    for (const shape of [[2, 3, 3, 4], [4, 6, 5, 8], [16, 12, 12, 64]]) {
      await assertNoLeak(async () => {
        const ref = await outputsOn("cpu", () => trainStep(shape));
        const { names, result: got } = await kernelNamesAsync(() =>
          outputsOn("native", () => trainStep(shape))
        );
        assert.deepEqual(
          names.filter((n) => String(n).startsWith("_BatchNorm")),
          [BATCH_NORM_TRAIN, "_BatchNormTrainGrad"],
          "the native kernels ran",
        );
        assert.deepEqual(got.shapes, ref.shapes, `${shape}: shapes`);
        ["y", "dx", "dγ", "dβ", "moving mean", "moving variance"].forEach((what, i) => {
          const err = relativeError(got.values[i], ref.values[i]);
          assert.ok(err <= 1e-4, `${shape} ${what}: relative error ${err}`);
        });
      }, `${shape}`);
    }
    // Primitives are cached per shape, not multiplied.
    const after = liveNativeObjects();
    assert.ok(after.primitives > before.primitives, "oneDNN primitives were created");
    await outputsOn("native", () => trainStep([2, 3, 3, 4]));
    assert.deepEqual(liveNativeObjects(), after, "a repeated shape reuses its primitives");
  },
});
