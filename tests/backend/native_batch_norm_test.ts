import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { kernelNamesAsync, outputsOn, relativeError, seeded } from "../_helpers/compare.ts";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { dnnlUnavailableReason, initBackend, liveNativeObjects } from "../../lib/backend/mod.ts";
import { BATCH_NORM_TRAIN, BatchNorm, ReluActivation } from "../../lib/model/mod.ts";

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

/**
 * y, dx, dγ, dβ of loss Σ y·r, then the moving mean and variance after the step. With `relu`, y is
 * the output of a ReLU layer after a batch norm with `fuseRelu`.
 */
function trainStep(shape: number[], relu = false): tf.Tensor[] {
  const c = shape[3];
  const layer = new BatchNorm({ momentum: 0.9, epsilon: 1e-3, fuseRelu: relu });
  const Activation = ReluActivation();
  const act = new Activation({ activation: "relu" });
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
    const z = layer.apply(xi, { training: true }) as tf.Tensor;
    y = tf.keep(relu ? act.apply(z) as tf.Tensor : z);
    return tf.sum(tf.mul(y, r)) as tf.Scalar;
  })([x, gamma, beta]);
  const [, , movingMean, movingVariance] = layer.getWeights();
  const out = [y!, ...grads, movingMean.clone(), movingVariance.clone()];
  layer.dispose();
  if (relu) act.dispose();
  return out;
}

for (const relu of [false, true]) {
  Deno.test({
    name: relu
      ? "BatchNorm + ReLU training on native fuses the ReLU into oneDNN's batch norm (no Relu kernels) and equals cpu's separate layers"
      : "BatchNorm training on native (oneDNN) equals the ops formula on cpu: y, dx, dγ, dβ, moving stats",
    ignore: reason !== undefined,
    fn: async () => {
      const before = liveNativeObjects();
      for (const shape of [[2, 3, 3, 4], [4, 6, 5, 8], [16, 12, 12, 64]]) {
        await assertNoLeak(async () => {
          const { names: cpuNames, result: ref } = await kernelNamesAsync(() =>
            outputsOn("cpu", () => trainStep(shape, relu))
          );
          const { names, result: got } = await kernelNamesAsync(() =>
            outputsOn("native", () => trainStep(shape, relu))
          );
          assert.equal(cpuNames.includes("Relu"), relu, "cpu runs the ReLU layer's own kernel");
          assert.deepEqual(
            names.filter((n) => /relu|^_BatchNorm/i.test(String(n))),
            [BATCH_NORM_TRAIN, "_BatchNormTrainGrad"],
            "on native only the batch-norm kernels ran (no Relu, no ReLU gradient)",
          );
          assert.deepEqual(got.shapes, ref.shapes, `${shape}: shapes`);
          ["y", "dx", "dγ", "dβ", "moving mean", "moving variance"].forEach((what, i) => {
            const err = relativeError(got.values[i], ref.values[i]);
            assert.ok(err <= 1e-4, `${shape} ${what}: relative error ${err}`);
          });
          if (relu) assert.ok(got.values[0].some((v) => v === 0), "the ReLU clipped something");
        }, `${shape}`);
      }
      // Primitives are cached per shape, not multiplied.
      const after = liveNativeObjects();
      assert.ok(after.primitives > before.primitives, "oneDNN primitives were created");
      await outputsOn("native", () => trainStep([2, 3, 3, 4], relu));
      assert.deepEqual(liveNativeObjects(), after, "a repeated shape reuses its primitives");
    },
  });
}

Deno.test({
  name: "a fused batch norm's ReLU is applied once in inference and on backends without the kernel",
  ignore: reason !== undefined,
  fn: async () => {
    for (const backend of ["native", "cpu"]) {
      await assertNoLeak(async () => {
        const { result } = await kernelNamesAsync(() =>
          outputsOn(backend, () => {
            const layer = new BatchNorm({ fuseRelu: true });
            const Activation = ReluActivation();
            const act = new Activation({ activation: "relu" });
            const x = seeded([2, 3, 3, 4], 7);
            const out = [false, true].map((training) =>
              act.apply(layer.apply(x, { training }) as tf.Tensor) as tf.Tensor
            );
            layer.dispose();
            act.dispose();
            return out;
          })
        );
        for (const v of result.values) {
          assert.ok(v.every((e) => e >= 0) && v.some((e) => e === 0) && v.some((e) => e > 0));
        }
      }, backend);
    }
  },
});
