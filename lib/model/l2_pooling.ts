/**
 * L2 pooling: the square root of the sum of squares over each window (FaceNet's "L2" pools).
 * Windows are zero-padded ("same" padding), so the sum at the borders is over the real pixels.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { L2Pooling2D } from "./l2_pooling.ts";
 * const y = new L2Pooling2D({ poolSize: 3, strides: 1 }).apply(tf.ones([1, 4, 4, 2])) as tf.Tensor;
 * console.assert(y.shape[1] === 4);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Arguments of {@link L2Pooling2D}. */
export interface L2Pooling2DArgs {
  /** Square window side. Default 3. */
  poolSize?: number;
  /** Stride. Default 1. */
  strides?: number;
  /** Layer name. */
  name?: string;
  /** Added under the square root so the gradient stays finite at zero. Default 1e-12. */
  epsilon?: number;
}

/** L2 pooling layer (sqrt of the windowed sum of squares), "same" padding. */
export class L2Pooling2D extends tf.layers.Layer {
  /** Registered class name (serialisation). */
  static className = "L2Pooling2D";
  readonly poolSize: number;
  readonly strides: number;
  readonly epsilon: number;

  constructor(args: L2Pooling2DArgs = {}) {
    super({ name: args.name });
    this.poolSize = args.poolSize ?? 3;
    this.strides = args.strides ?? 1;
    this.epsilon = args.epsilon ?? 1e-12;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const out = (n: number | null) => (n == null ? null : Math.ceil(n / this.strides));
    return [s[0], out(s[1]), out(s[2]), s[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [, h, w] = x.shape;
      const k = this.poolSize;
      const s = this.strides;
      // TensorFlow's "same" padding, with zeros, then a "valid" average pool times the window size.
      const padFor = (n: number) => Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
      const ph = padFor(h);
      const pw = padFor(w);
      const sq = tf.square(x);
      const padded = ph || pw
        ? tf.pad(sq, [[0, 0], [ph >> 1, ph - (ph >> 1)], [pw >> 1, pw - (pw >> 1)], [0, 0]])
        : sq;
      const sum = tf.mul(tf.avgPool(padded as tf.Tensor4D, k, s, "valid"), k * k);
      return tf.sqrt(tf.add(sum, this.epsilon));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      poolSize: this.poolSize,
      strides: this.strides,
      epsilon: this.epsilon,
    };
  }
}
