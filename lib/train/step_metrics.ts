/**
 * A step's metrics (a JSONL line with type "step"), measured on the step's shared distance matrix.
 *
 * @example
 * ```ts
 * import { measureStep } from "./step_metrics.ts";
 * console.assert(typeof measureStep === "function");
 * ```
 * @module
 */
import {
  type Distance,
  isTriplets,
  type Pairs,
  tripletDiagnostics,
  type Triplets,
  tupleCount,
} from "../losses/mod.ts";
import type { BatchView } from "./batch_view.ts";
import { batchTripletAccuracy } from "./batch_accuracy.ts";

/** Metrics of one step (also a JSONL line with type "step"). */
export interface StepMetrics {
  step: number;
  epoch: number;
  loss: number;
  /** Fraction of all valid triplets of the batch with d_an > d_ap (see batch_accuracy.ts). */
  accuracy: number;
  /** The same over the mined triplets only (≈ 1 by construction for semi-hard mining). */
  minedAccuracy: number;
  /** Fraction of mined triplets with positive loss. */
  activeFraction: number;
  triplets: number;
  dAp: { mean: number; std: number; min: number; max: number };
  dAn: { mean: number; std: number; min: number; max: number };
  spread: { meanPairwise: number; dimStd: number };
  collapsed: boolean;
  lr: number;
  gradNorm: number;
  imagesPerSec: number;
  stepMs: number;
  /** Time from the step's start to mined triplets: waiting for the batch, embedding it without gradient, mining. */
  mineMs: number;
  /** Time of the forward and backward passes (all micro-batches) and the update. */
  gradMs: number;
  /** Gradient micro-batches this step (1 without micro-batching). */
  microBatches: number;
  /** Micro-batches the mined triplets split into (more than `microBatches` when capped by `maxMicroBatches`). */
  microBatchesMined: number;
}

/** What {@link measureStep} needs beyond the view. */
export interface MeasureInput {
  step: number;
  epoch: number;
  labels: Int32Array;
  tuples: Triplets | Pairs;
  loss: number;
  lr: number;
  gradNorm: number;
  distance: Distance;
  margin: number;
  /** performance.now() at the step's start, when tuples were chosen, after the update. */
  times: { start: number; chosen: number; updated: number };
  microBatches: number;
  microBatchesMined: number;
}

/** The step's metrics from its view (no distance matrix is computed here). */
export async function measureStep(view: BatchView, input: MeasureInput): Promise<StepMetrics> {
  const { labels, tuples } = input;
  const diag = isTriplets(tuples)
    ? await tripletDiagnostics(view.embeddings, labels, tuples, {
      distance: input.distance,
      margin: input.margin,
      matrix: view.values,
    })
    : undefined;
  const accuracy = batchTripletAccuracy(view.values, labels);
  const stepMs = performance.now() - input.times.start;
  const nan = { mean: NaN, std: NaN, min: NaN, max: NaN };
  return {
    step: input.step,
    epoch: input.epoch,
    loss: input.loss,
    accuracy,
    minedAccuracy: diag?.accuracy ?? NaN,
    activeFraction: diag?.activeFraction ?? NaN,
    triplets: tupleCount(tuples),
    dAp: diag?.dAp ?? nan,
    dAn: diag?.dAn ?? nan,
    spread: diag?.spread ?? { meanPairwise: NaN, dimStd: NaN },
    collapsed: diag?.collapsed ?? false,
    lr: input.lr,
    gradNorm: input.gradNorm,
    imagesPerSec: (labels.length * 1000) / stepMs,
    stepMs,
    mineMs: input.times.chosen - input.times.start,
    gradMs: input.times.updated - input.times.chosen,
    microBatches: input.microBatches,
    microBatchesMined: input.microBatchesMined,
  };
}
