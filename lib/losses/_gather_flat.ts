/**
 * Internal: a differentiable gather from a flattened matrix whose gradient uses scatterND, so it
 * runs on backends without UnsortedSegmentSum (tfjs-backend-wasm).
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * values.flatten()[indices] as a [T] tensor. The gradient scatters dy back (duplicates summed).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { gatherFlat } from "./_gather_flat.ts";
 * const g = gatherFlat(tf.tensor2d([[1, 2], [3, 4]]), Int32Array.from([3, 0]));
 * console.assert((await g.data())[0] === 4);
 * ```
 */
export function gatherFlat(values: tf.Tensor, indices: Int32Array): tf.Tensor1D {
  const size = values.size;
  for (let i = 0; i < indices.length; i++) {
    if (!(indices[i] >= 0 && indices[i] < size)) {
      throw new Error(`gatherFlat: index ${indices[i]} at position ${i} is outside [0, ${size})`);
    }
  }
  const shape = values.shape;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const value = tf.tidy(() => {
      const idx = tf.tensor1d(indices, "int32");
      return tf.gather(tf.reshape(x, [size]), idx);
    });
    const gradFunc = (dy: tf.Tensor) =>
      tf.tidy(() => {
        if (indices.length === 0) return tf.zeros(shape);
        const idx = tf.tensor2d(indices, [indices.length, 1], "int32");
        return tf.reshape(tf.scatterND(idx, dy, [size]), shape);
      });
    return { value, gradFunc };
  });
  return op(values) as tf.Tensor1D;
}
