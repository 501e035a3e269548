/**
 * Internal: a sum that is exactly 0 for an empty tensor. (tfjs-backend-wasm's Sum of an empty tensor
 * returns uninitialised memory, e.g. 3.6e-41, instead of 0.)
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Σ values, 0 (still connected to `values` for gradients) when `values` is empty. */
export function safeSum(values: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() =>
    tf.sum(values.size === 0 ? tf.concat([values, tf.zeros([1])]) : values) as tf.Scalar
  );
}
