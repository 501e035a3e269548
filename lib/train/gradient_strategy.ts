/**
 * The interface of a gradient strategy: how one step turns a batch into the tuples it trains on,
 * a loss value and the gradients of the trainable variables. Three implementations, one a file:
 * whole batch (whole_batch_gradients.ts), micro-batches with accumulated gradients
 * (micro_batch_gradients.ts) and the monograph's three-input triplet model
 * (triplet_model_gradients.ts).
 *
 * @example
 * ```ts
 * import type { GradientStrategy } from "./gradient_strategy.ts";
 * const names: GradientStrategy["name"][] = ["wholeBatch", "microBatch", "tripletModel"];
 * console.assert(names.length === 3);
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { EmbeddingLoss, Pairs, Reducer, Triplets } from "../losses/mod.ts";
import type { BatchView } from "./batch_view.ts";

/** What a strategy gets each step. Nothing here is disposed by the strategy. */
export interface StepBatch {
  /** The batch's images. */
  images: tf.Tensor4D;
  /** The batch's labels. */
  labels: Int32Array;
  /** The no-gradient embeddings and their one distance matrix. */
  view: BatchView;
  /** A teacher's embeddings of the images (the distillation term's targets), when given. */
  targets?: tf.Tensor2D;
}

/** What a strategy returns. The caller disposes `loss` and `grads`. */
export interface StepGradients {
  /** The tuples trained on (mined, or drawn for the triplet model). */
  tuples: Triplets | Pairs;
  /** `performance.now()` once the tuples were chosen. */
  chosenAt: number;
  /** The reduced loss (undefined when there were no tuples: no gradient step). */
  loss?: tf.Scalar;
  /** Gradients keyed by variable name (empty without tuples). */
  grads: Record<string, tf.Tensor>;
  /** Gradient passes this step (0 without tuples, 1 without micro-batching). */
  microBatches: number;
  /** Micro-batches the tuples split into (more than `microBatches` when capped). */
  microBatchesMined: number;
}

/** Chooses a step's tuples from its batch (a miner over the shared matrix, or random triplets). */
export type TupleSelector = (batch: StepBatch) => Promise<Triplets | Pairs>;

/** One way of computing a step's gradients. */
export interface GradientStrategy {
  readonly name: "wholeBatch" | "microBatch" | "tripletModel";
  /** Chooses the tuples and computes the loss and gradients of `variables` for them. */
  gradients(batch: StepBatch): Promise<StepGradients>;
}

/** The parts every strategy composes (built once per run). */
export interface StrategyParts {
  model: tf.LayersModel;
  /** The variables differentiated: the model's trainable weights and the loss's own. */
  variables: tf.Variable[];
  loss: EmbeddingLoss;
  reducer: Reducer;
  /** Weight of the distillation term against `StepBatch.targets` (0 or absent: none). */
  distillWeight?: number;
}
