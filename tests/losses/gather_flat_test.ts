import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { gatherFlat } from "../../lib/losses/_gather_flat.ts";

await useTestBackend();

Deno.test("gatherFlat() reads flattened entries and sums the gradient of repeated indices", async () => {
  await assertNoLeak(async () => {
    const m = tf.tensor2d([[1, 2], [3, 4]]);
    const idx = Int32Array.of(3, 0, 3, 1);
    const v = gatherFlat(m, idx);
    assert.deepEqual(Array.from(await v.data()), [4, 1, 4, 2]);
    const w = tf.tensor1d([1, 10, 100, 1000]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherFlat(t, idx), w)))(m);
    assert.deepEqual(Array.from(await g.data()), [10, 1000, 0, 101]);
    const empty = tf.grad((t: tf.Tensor) => tf.sum(gatherFlat(t, new Int32Array(0))))(m);
    assert.deepEqual(Array.from(await empty.data()), [0, 0, 0, 0]);
    tf.dispose([m, v, w, g, empty]);
  });
});

Deno.test("gatherFlat() rejects an index outside the tensor", async () => {
  await assertNoLeak(() => {
    const m = tf.zeros([2, 2]);
    assert.throws(
      () => gatherFlat(m, Int32Array.of(4)),
      /index 4 at position 0 is outside \[0, 4\)/,
    );
    m.dispose();
  });
});
