import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { registerTrainingKernels, trainingKernelNames } from "../../lib/backend/mod.ts";

// wasm's Identity (tf.clone, the gradient tape's saved copies) shares its input's data.
await useTestBackend();
await import("@tensorflow/tfjs-backend-wasm");
registerTrainingKernels("wasm");

Deno.test("Identity on wasm shares the data with one more reference, and each tensor stays valid alone", async () => {
  assert.ok(trainingKernelNames("wasm").includes("Identity"));
  const before = tf.getBackend();
  await tf.setBackend("wasm");
  try {
    await assertNoLeak(() => {
      const backend = tf.backend() as unknown as { refCount(id: object): number };
      const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
      const y = tf.clone(x);
      assert.equal(backend.refCount(x.dataId), 2, "one buffer, two references");
      assert.equal(y.dataId, x.dataId);
      x.dispose();
      assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4, 5, 6], "the clone outlives x");
      assert.equal(backend.refCount(y.dataId), 1);
      y.dispose();
      const str = tf.tensor1d(["a", "b"], "string");
      const s = tf.clone(str);
      assert.deepEqual(s.dataSync(), ["a", "b"]);
      tf.dispose([str, s]);
    });
    // A variable made from a tensor and then assigned leaves the tensor as it was.
    await assertNoLeak(() => {
      const t = tf.tensor1d([1, 2]);
      const v = tf.variable(t);
      tf.tidy(() => v.assign(tf.tensor1d([5, 6])));
      assert.deepEqual(Array.from(t.dataSync()), [1, 2]);
      assert.deepEqual(Array.from(v.dataSync()), [5, 6]);
      tf.dispose([t, v]);
    });
  } finally {
    await tf.setBackend(before);
  }
});
