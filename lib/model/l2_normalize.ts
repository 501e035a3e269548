/**
 * L2 normalisation of each row (FaceNet's last layer: embeddings on the unit hypersphere).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { L2Normalize } from "./l2_normalize.ts";
 * const y = new L2Normalize().apply(tf.tensor2d([[3, 4]])) as tf.Tensor;
 * console.assert(y.shape[1] === 2);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Arguments of {@link L2Normalize}. */
export interface L2NormalizeArgs {
  /** Lower bound of the squared norm (keeps zero rows finite). Default 1e-12. */
  epsilon?: number;
  /** Layer name. */
  name?: string;
}

/** Divides each row by its L2 norm, along the last axis. */
export class L2Normalize extends tf.layers.Layer {
  /** Registered class name (serialisation). */
  static className = "L2Normalize";
  readonly epsilon: number;

  constructor(args: L2NormalizeArgs = {}) {
    super({ name: args.name });
    this.epsilon = args.epsilon ?? 1e-12;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const sq = tf.sum(tf.square(x), -1, true);
      return tf.mul(x, tf.rsqrt(tf.maximum(sq, this.epsilon)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
