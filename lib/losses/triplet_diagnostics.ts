/**
 * Batch diagnostics of a triplet-trained embedding: distances, accuracy, activity, spread, collapse.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Distance } from "./distances/distance.ts";
import { squaredEuclidean } from "./distances/squared_euclidean.ts";
import type { Triplets } from "./miners/tuples.ts";
import { checkEmbeddings, checkMargin, checkMatrixValues, distanceData } from "./miners/_labels.ts";

/** Summary statistics of a set of distances (NaN when the set is empty). */
export interface DistanceStats {
  /** Arithmetic mean. */
  mean: number;
  /** Population standard deviation. */
  std: number;
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
}

/** What {@link tripletDiagnostics} returns. */
export interface TripletDiagnostics {
  /** Anchor-positive distances over the triplets. */
  dAp: DistanceStats;
  /** Anchor-negative distances over the triplets. */
  dAn: DistanceStats;
  /** Fraction of triplets with d_ap < d_an strictly; ties count as wrong (0 at total collapse). */
  accuracy: number;
  /** Fraction of triplets with a positive hinge loss, d_ap − d_an + α > 0 (1 at total collapse). */
  activeFraction: number;
  /** How spread out the batch is. */
  spread: {
    /** Mean of `distance` over all pairs i < j of the batch. */
    meanPairwise: number;
    /** Mean over dimensions of the per-dimension population standard deviation of the embeddings. */
    dimStd: number;
  };
  /** True when spread.dimStd ≤ collapseThreshold: the batch sits at (nearly) one point. */
  collapsed: boolean;
  /** Number of triplets the statistics cover. */
  triplets: number;
}

/** Options of {@link tripletDiagnostics}. */
export interface TripletDiagnosticsOptions {
  /** Distance d_ap, d_an and the mean pairwise distance are measured with. Default squaredEuclidean. */
  distance?: Distance;
  /** Margin α for the active fraction. Default 0.2. */
  margin?: number;
  /**
   * `collapsed` is true when the mean per-dimension std of the embeddings is at most this. Default
   * 1e-3: random unit-norm 128-d embeddings have ≈ 1/√128 ≈ 0.088, a collapsed batch 0 (or the
   * float noise of the last layer). Independent of the distance.
   */
  collapseThreshold?: number;
  /**
   * The batch's distance matrix already read (row-major [N·N] values of `distance`), so the
   * diagnostics share the matrix the miner used instead of computing their own.
   */
  matrix?: ArrayLike<number>;
}

function stats(values: Float64Array): DistanceStats {
  if (values.length === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN };
  let sum = 0, min = Infinity, max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(ss / values.length), min, max };
}

/**
 * Diagnostics of a batch for a set of triplets (e.g. what a miner returned): the mean, std, min and
 * max of d_ap and d_an, triplet accuracy (d_ap < d_an, ties wrong — why the monograph saw accuracy
 * 0 at collapse), the fraction of active triplets, the embedding spread and a `collapsed` flag
 * (mean per-dimension std ≤ 1e-3 by default). Reads tensors with `await .data()`; creates no tensors
 * that outlive it.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { tripletDiagnostics } from "./triplet_diagnostics.ts";
 * import { allTriplets } from "./miners/all_triplets_miner.ts";
 * const x = tf.ones([4, 3]) as tf.Tensor2D;
 * const d = await tripletDiagnostics(x, [0, 0, 1, 1], allTriplets([0, 0, 1, 1]));
 * console.assert(d.collapsed && d.accuracy === 0 && d.activeFraction === 1);
 * x.dispose();
 * ```
 */
export async function tripletDiagnostics(
  embeddings: tf.Tensor2D,
  labels: ArrayLike<number>,
  triplets: Triplets,
  options: TripletDiagnosticsOptions = {},
): Promise<TripletDiagnostics> {
  const n = checkEmbeddings(embeddings, "tripletDiagnostics");
  if (labels.length !== n) {
    throw new Error(
      `tripletDiagnostics: got ${labels.length} labels for a batch of ${n} embeddings`,
    );
  }
  const distance = options.distance ?? squaredEuclidean();
  const margin = checkMargin(options.margin ?? 0.2, "tripletDiagnostics");
  const threshold = options.collapseThreshold ?? 1e-3;
  if (options.matrix !== undefined) checkMatrixValues(options.matrix, n, "tripletDiagnostics");
  const d = options.matrix ?? await distanceData(distance, embeddings);
  const x = (await embeddings.data()) as Float32Array;
  const dim = embeddings.shape[1];
  const sign = distance.smallerIsCloser ? 1 : -1;

  const t = triplets.anchors.length;
  const ap = new Float64Array(t), an = new Float64Array(t);
  let correct = 0, active = 0;
  for (let i = 0; i < t; i++) {
    const a = triplets.anchors[i], p = triplets.positives[i], ng = triplets.negatives[i];
    for (const [v, w] of [[a, "anchors"], [p, "positives"], [ng, "negatives"]] as const) {
      if (!(v >= 0 && v < n)) {
        throw new Error(`tripletDiagnostics: ${w}[${i}] = ${v} is outside the batch [0, ${n})`);
      }
    }
    ap[i] = d[a * n + p];
    an[i] = d[a * n + ng];
    if (sign * ap[i] < sign * an[i]) correct++;
    if (sign * (ap[i] - an[i]) + margin > 0) active++;
  }

  let pairSum = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairSum += d[i * n + j];
  const meanPairwise = n > 1 ? pairSum / ((n * (n - 1)) / 2) : NaN;

  let stdSum = 0;
  for (let k = 0; k < dim; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * dim + k];
    const mean = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (x[i * dim + k] - mean) ** 2;
    stdSum += Math.sqrt(ss / n);
  }
  const dimStd = dim > 0 && n > 0 ? stdSum / dim : NaN;

  return {
    dAp: stats(ap),
    dAn: stats(an),
    accuracy: t > 0 ? correct / t : NaN,
    activeFraction: t > 0 ? active / t : NaN,
    spread: { meanPairwise, dimStd },
    collapsed: dimStd <= threshold,
    triplets: t,
  };
}
