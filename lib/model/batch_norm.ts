/**
 * Batch normalisation over the last (channel) axis with a closed-form gradient.
 *
 * Same computation and weights as `tf.layers.batchNormalization` (gamma, beta, moving_mean,
 * moving_variance; biased batch variance; momentum 0.99, epsilon 1e-3), but training mode is one
 * `tf.customGrad` node whose backward pass is the textbook formula
 * dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)). tfjs's own FusedBatchNorm gradient tiles the
 * scale to the full tensor and back-propagates through the batch moments, which on the wasm backend
 * made a batch-norm net's training step about 2.5× slower. Where the active backend registers
 * {@link BATCH_NORM_TRAIN} (the native backend: oneDNN's batch normalisation, forward and
 * backward), training mode runs that kernel instead.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { BatchNorm } from "./batch_norm.ts";
 * const y = new BatchNorm().apply(tf.ones([2, 3, 3, 4]), { training: true }) as tf.Tensor;
 * console.assert(y.shape[3] === 4);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The kernel a backend may register for training-mode batch normalisation over the last axis of
 * an NHWC float32 tensor (inputs `x`, `gamma`, `beta`; attribute `epsilon`; outputs
 * `[y, mean, variance]`, the variance biased), with a registered gradient. With attribute
 * `relu: true` it also applies a ReLU (y = max(0, ·)) and has a fourth output, the backend's
 * record of where the ReLU passed (for its gradient; opaque). The native backend registers it
 * (oneDNN, the ReLU fused into the same pass); where the active backend does not, {@link BatchNorm}
 * uses TensorFlow.js ops.
 */
export const BATCH_NORM_TRAIN = "_BatchNormTrain";

/** Outputs of batch-norm layers that already applied the following ReLU (see `fuseRelu`). */
const reluDone = new WeakSet<tf.Tensor>();

/**
 * Whether `t` came from a {@link BatchNorm} with `fuseRelu` that applied the ReLU itself (training
 * on a backend whose {@link BATCH_NORM_TRAIN} kernel fuses it): the ReLU layer after it passes
 * such a tensor through.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { reluAppliedBy } from "./batch_norm.ts";
 * console.assert(!reluAppliedBy(tf.ones([1])));
 * ```
 */
export function reluAppliedBy(t: tf.Tensor): boolean {
  return reluDone.has(t);
}

/** Arguments of {@link BatchNorm}. */
export interface BatchNormArgs {
  /** Moving-average momentum. Default 0.99. */
  momentum?: number;
  /** Added to the variance. Default 1e-3. */
  epsilon?: number;
  /** Layer name. */
  name?: string;
  /** Whether gamma and beta train. Default true. */
  trainable?: boolean;
  /**
   * A ReLU layer follows (lib/model's `ReluActivation`): in training, on a backend whose
   * {@link BATCH_NORM_TRAIN} kernel fuses the ReLU, this layer applies it and that layer passes
   * the result through (one pass instead of two, forward and backward). Elsewhere the output is
   * the plain normalisation, as without it. Default false.
   */
  fuseRelu?: boolean;
}

type LayerVariable = ReturnType<tf.layers.Layer["addWeight"]>;

/** Batch normalisation over the channel (last) axis. */
export class BatchNorm extends tf.layers.Layer {
  /** Registered class name (serialisation). */
  static className = "BatchNorm";
  readonly momentum: number;
  readonly epsilon: number;
  readonly fuseRelu: boolean;
  private gamma?: LayerVariable;
  private beta?: LayerVariable;
  private movingMean?: LayerVariable;
  private movingVariance?: LayerVariable;

  constructor(args: BatchNormArgs = {}) {
    super({ name: args.name, trainable: args.trainable });
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.fuseRelu = args.fuseRelu ?? false;
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = s[s.length - 1];
    if (c == null) throw new Error(`BatchNorm '${this.name}': the channel axis must be known`);
    this.gamma = this.addWeight("gamma", [c], "float32", tf.initializers.ones(), undefined, true);
    this.beta = this.addWeight("beta", [c], "float32", tf.initializers.zeros(), undefined, true);
    this.movingMean = this.addWeight(
      "moving_mean",
      [c],
      "float32",
      tf.initializers.zeros(),
      undefined,
      false,
    );
    this.movingVariance = this.addWeight(
      "moving_variance",
      [c],
      "float32",
      tf.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const gamma = this.gamma!.read();
    const beta = this.beta!.read();
    if (!kwargs?.training) {
      return tf.tidy(() => {
        const scale = tf.mul(gamma, tf.rsqrt(tf.add(this.movingVariance!.read(), this.epsilon)));
        const shift = tf.sub(beta, tf.mul(this.movingMean!.read(), scale));
        return tf.add(tf.mul(x, scale), shift);
      });
    }
    let stats: { mean: tf.Tensor; variance: tf.Tensor } | undefined;
    let y: tf.Tensor;
    if (x.rank === 4 && x.dtype === "float32" && tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend())) {
      // The backend's own kernel (the native backend's oneDNN batch normalisation), whose
      // registered gradient is its backward kernel.
      const [out, mean, variance, mask] = tf.engine().runKernel(
        BATCH_NORM_TRAIN,
        { x, gamma, beta },
        { epsilon: this.epsilon, relu: this.fuseRelu },
      ) as tf.Tensor[];
      mask?.dispose(); // the gradient keeps its own reference
      y = out;
      if (this.fuseRelu) reluDone.add(y);
      stats = { mean, variance };
    } else {
      y = this.#normalizeWithOps(x, gamma, beta, (s) => stats = s);
    }
    if (stats) {
      const { mean, variance } = stats;
      tf.tidy(() => {
        const m = this.momentum;
        this.movingMean!.write(tf.add(tf.mul(this.movingMean!.read(), m), tf.mul(mean, 1 - m)));
        this.movingVariance!.write(
          tf.add(tf.mul(this.movingVariance!.read(), m), tf.mul(variance, 1 - m)),
        );
      });
      tf.dispose([mean, variance]);
    }
    return y;
  }

  /** Training-mode normalisation as TensorFlow.js ops with the closed-form gradient. */
  #normalizeWithOps(
    x: tf.Tensor,
    gamma: tf.Tensor,
    beta: tf.Tensor,
    onStats: (s: { mean: tf.Tensor; variance: tf.Tensor }) => void,
  ): tf.Tensor {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const count = x.size / (x.shape[x.shape.length - 1] as number);
    const eps = this.epsilon;
    const normalize = tf.customGrad((...args: (tf.Tensor | ((t: tf.Tensor[]) => void))[]) => {
      const [xi, g, b] = args as tf.Tensor[];
      const save = args[3] as (t: tf.Tensor[]) => void;
      const { mean, variance } = tf.moments(xi, axes);
      const invStd = tf.rsqrt(tf.add(variance, eps));
      const xhat = tf.mul(tf.sub(xi, mean), invStd);
      save([xhat, invStd, g]);
      onStats({ mean: tf.keep(mean), variance: tf.keep(variance) });
      return {
        value: tf.add(tf.mul(xhat, g), b),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xh, inv, gm] = saved;
          const dBeta = tf.sum(dy, axes);
          const dGamma = tf.sum(tf.mul(dy, xh), axes);
          const centred = tf.sub(dy, tf.div(dBeta, count));
          const dx = tf.mul(
            tf.sub(centred, tf.mul(xh, tf.div(dGamma, count))),
            tf.mul(gm, inv),
          );
          return [dx, dGamma, dBeta];
        },
      };
    });
    return normalize(x, gamma, beta) as tf.Tensor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      momentum: this.momentum,
      epsilon: this.epsilon,
      ...(this.fuseRelu ? { fuseRelu: true } : {}),
    };
  }
}
