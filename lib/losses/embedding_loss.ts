/**
 * The `EmbeddingLoss` interface.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Pairs, Triplets } from "./miners/tuples.ts";

/** Names of the built-in losses. */
export type LossName = "triplet" | "contrastive" | "arcface" | "cosface";

/**
 * A metric-learning loss (pytorch-metric-learning's separation): it takes the embeddings, the labels
 * and optionally mined indices, and returns per-element values (per triplet, per pair or per sample);
 * a {@link Reducer} makes the scalar. Differentiable: use inside `tf.variableGrads` or
 * `optimizer.minimize`.
 */
export interface EmbeddingLoss {
  /** The loss's name. */
  readonly name: LossName;
  /** Per-element loss values: [T] for T triplets, [P] for P pairs, [N] per sample. */
  compute(
    embeddings: tf.Tensor2D,
    labels: ArrayLike<number>,
    mined?: Triplets | Pairs,
  ): tf.Tensor1D;
  /** Trainable variables the loss owns (ArcFace / CosFace class weights); empty otherwise. */
  readonly trainableWeights?: tf.Variable[];
  /** Releases variables the loss owns (no-op for losses without any). */
  dispose?(): void;
}
