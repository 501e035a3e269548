/**
 * Local response normalisation across channels (the FaceNet/GoogLeNet "norm"), as a Keras-style
 * layer over `tf.localResponseNormalization`: x / (bias + alpha · Σ x²)^beta over
 * 2·depthRadius+1 neighbouring channels. Defaults are Torch's SpatialCrossMapLRN(5, 1e-4, 0.75)
 * used by OpenFace (Torch divides alpha by the window size; here alpha = 1e-4 / 5).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { LocalResponseNorm } from "./local_response_norm.ts";
 * const y = new LocalResponseNorm().apply(tf.ones([1, 2, 2, 8])) as tf.Tensor;
 * console.assert(y.shape[3] === 8);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Arguments of {@link LocalResponseNorm}. */
export interface LocalResponseNormArgs {
  /** Half-width of the channel window. Default 2 (window 5). */
  depthRadius?: number;
  /** Default 1. */
  bias?: number;
  /** Default 2e-5 (Torch's 1e-4 over a window of 5). */
  alpha?: number;
  /** Default 0.75. */
  beta?: number;
  /** Layer name. */
  name?: string;
}

/** Cross-channel local response normalisation layer. */
export class LocalResponseNorm extends tf.layers.Layer {
  /** Registered class name (serialisation). */
  static className = "LocalResponseNorm";
  readonly depthRadius: number;
  readonly bias: number;
  readonly alpha: number;
  readonly beta: number;

  constructor(args: LocalResponseNormArgs = {}) {
    super({ name: args.name });
    this.depthRadius = args.depthRadius ?? 2;
    this.bias = args.bias ?? 1;
    this.alpha = args.alpha ?? 1e-4 / 5;
    this.beta = args.beta ?? 0.75;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      return tf.localResponseNormalization(x, this.depthRadius, this.bias, this.alpha, this.beta);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      depthRadius: this.depthRadius,
      bias: this.bias,
      alpha: this.alpha,
      beta: this.beta,
    };
  }
}
