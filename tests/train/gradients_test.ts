import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  addWeightDecay,
  clipByGlobalNorm,
  isKernelName,
  layerGradNorms,
  layerOfVariable,
} from "../../lib/train/gradients.ts";

await useTestBackend();

Deno.test("clipByGlobalNorm() scales every gradient by maxNorm/‖g‖ when the norm is larger", async () => {
  await assertNoLeak(async () => {
    const g = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) };
    const r = clipByGlobalNorm(g, 1);
    assert.ok(Math.abs((await r.norm.data())[0] - 5) < 1e-6);
    const a = await r.grads.a.data(), b = await r.grads.b.data();
    assert.ok(Math.abs(a[0] - 0.6) < 1e-6 && Math.abs(b[1] - 0.8) < 1e-6);
    const off = clipByGlobalNorm(g, 0);
    assert.equal((await off.grads.b.data())[1], 4);
    tf.dispose([
      g.a,
      g.b,
      r.norm,
      ...Object.values(r.grads),
      off.norm,
      ...Object.values(off.grads),
    ]);
  });
});

Deno.test("addWeightDecay() adds decay·w to kernels only", async () => {
  await assertNoLeak(async () => {
    const k = tf.tidy(() => tf.variable(tf.tensor1d([2]), true, "conv1/kernel"));
    const b = tf.tidy(() => tf.variable(tf.tensor1d([2]), true, "conv1/bias"));
    const g = { [k.name]: tf.tensor1d([1]), [b.name]: tf.tensor1d([1]) };
    const out = addWeightDecay(g, [k, b], 0.5);
    assert.equal((await out[k.name].data())[0], 2);
    assert.equal((await out[b.name].data())[0], 1);
    tf.dispose([k, b, ...Object.values(g), ...Object.values(out)]);
  });
});

Deno.test("layerGradNorms() groups variables by layer name", async () => {
  assert.equal(layerOfVariable("block/conv1/kernel"), "block/conv1");
  assert.ok(isKernelName("dense_1/kernel") && !isKernelName("dense_1/bias"));
  await assertNoLeak(async () => {
    const g = {
      "l1/kernel": tf.tensor1d([3]),
      "l1/bias": tf.tensor1d([4]),
      "l2/kernel": tf.tensor1d([1]),
    };
    const n = await layerGradNorms(g);
    assert.ok(Math.abs(n.l1 - 5) < 1e-6 && Math.abs(n.l2 - 1) < 1e-6);
    tf.dispose(Object.values(g));
  });
});
