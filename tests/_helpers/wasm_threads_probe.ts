/**
 * Probe run in a subprocess by tests/backend/wasm_threads_test.ts: starts wasm with the
 * `WASM_THREADS` of its environment, computes a seeded conv layer's forward pass and gradients and
 * a matmul, and prints the thread count and a hash of every result's bytes as JSON.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/backend/mod.ts";

function fnv(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16);
}

const choice = await initBackend("wasm");
const x = tf.randomNormal([4, 20, 20, 16], 0, 1, "float32", 1) as tf.Tensor4D;
const w = tf.randomNormal([3, 3, 16, 32], 0, 0.1, "float32", 2) as tf.Tensor4D;
const a = tf.randomNormal([64, 300], 0, 1, "float32", 3) as tf.Tensor2D;
const b = tf.randomNormal([300, 200], 0, 1, "float32", 4) as tf.Tensor2D;
const f = (xi: tf.Tensor4D, wi: tf.Tensor4D) => tf.sum(tf.square(tf.conv2d(xi, wi, 1, "same")));
const [dx, dw] = tf.grads(f as (...t: tf.Tensor[]) => tf.Tensor)([x, w]);
const y = tf.conv2d(x, w, 2, "same");
const m = tf.matMul(a, b);
const hashes: Record<string, string> = {};
for (const [name, t] of Object.entries({ y, dx, dw, m })) {
  hashes[name] = fnv((await t.data()) as Float32Array);
}
console.log(JSON.stringify({ threads: choice.threads, summary: choice.summary, hashes }));
