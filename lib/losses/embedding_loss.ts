/**
 * The `EmbeddingLoss` interface.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Pairs, Triplets } from "./miners/tuples.ts";
import type { Distance } from "./distances/distance.ts";
import type { LossName } from "./loss_registry.ts";

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
  /**
   * Distance-based losses (triplet, contrastive): the distance they measure with. With it, a caller
   * that already holds `distance.matrix(embeddings)` can use {@link EmbeddingLoss.fromMatrix}.
   */
  readonly distance?: Distance;
  /**
   * Distance-based losses: per-element values from a precomputed [N,N] matrix of `distance` (what
   * `compute` does after computing the matrix itself), so one matrix can serve mining, the loss and
   * diagnostics. Differentiable with respect to `matrix`.
   */
  fromMatrix?(
    matrix: tf.Tensor2D,
    labels: ArrayLike<number>,
    mined?: Triplets | Pairs,
  ): tf.Tensor1D;
  /**
   * Losses defined on triplets' distances (triplet, contrastive): per-element values from d_ap and
   * d_an, each [T] — what the monograph's three-input triplet model outputs. The triplet loss gives
   * [T] values, the contrastive loss [2T] (the anchor-positive pairs, then the anchor-negative ones).
   */
  fromTripletDistances?(dap: tf.Tensor1D, dan: tf.Tensor1D): tf.Tensor1D;
  /** Trainable variables the loss owns (ArcFace / CosFace class weights); empty otherwise. */
  readonly trainableWeights?: tf.Variable[];
  /** Releases variables the loss owns (no-op for losses without any). */
  dispose?(): void;
}
