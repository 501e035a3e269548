/**
 * Embedding distillation: per-sample squared Euclidean distance between a student's embeddings and
 * a teacher's (targets), Σ_d (e_id − t_id)². Used as an extra term beside a metric-learning loss
 * (lib/train's `distillWeight`): a teacher embedding the clean photo pulls the student's embedding of
 * the degraded photo towards it (cross-resolution distillation), and the student's embedding of the
 * clean photo stays where the teacher's was, so clean faces are not forgotten.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { distillationLoss } from "./distillation_loss.ts";
 * const e = tf.tensor2d([[1, 0], [0, 1]]), t = tf.tensor2d([[1, 0], [1, 1]]);
 * const v = distillationLoss(e, t);
 * const [same, off] = await v.array();
 * console.assert(same === 0 && off === 1);
 * tf.dispose([e, t, v]);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Per-sample Σ_d (embeddings − targets)², shape [N]. Differentiable with respect to `embeddings`;
 * `targets` are constants (a frozen teacher's output). Throws, naming both shapes, when they differ.
 */
export function distillationLoss(embeddings: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor1D {
  const a = embeddings.shape, b = targets.shape;
  if (a.length !== 2 || b.length !== 2 || a[0] !== b[0] || a[1] !== b[1]) {
    throw new Error(
      `distillationLoss: embeddings [${a}] and targets [${b}] must have the same [N, D] shape`,
    );
  }
  return tf.tidy(() => tf.sum(tf.square(tf.sub(embeddings, targets)), 1) as tf.Tensor1D);
}
