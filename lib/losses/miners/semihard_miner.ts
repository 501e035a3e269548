/**
 * FaceNet's semi-hard negatives.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Distance } from "../distances/distance.ts";
import { squaredEuclidean } from "../distances/squared_euclidean.ts";
import type { Miner, MinerSeed } from "./miner.ts";
import { IndexBuffer, type Triplets, tripletsFrom } from "./tuples.ts";
import {
  checkEmbeddings,
  checkLabels,
  checkMargin,
  checkMatrixValues,
  distanceData,
} from "./_labels.ts";
import { firstAbove, firstAtLeast, sortedNegatives } from "./_sorted_negatives.ts";
import { anchorRowsOf, closestFartherNegative } from "./_anchor_queries.ts";
import { generatorOf } from "./_miner_seed.ts";

/** What to do for an anchor-positive pair that has no semi-hard negative. */
export type SemihardFallback = "hardest" | "easiest" | "skip";
/** Which semi-hard negative(s) to take for an anchor-positive pair. */
export type SemihardSelect = "hardest" | "random" | "all";

/** Options of {@link semihardMiner}. */
export interface SemihardMinerOptions {
  /** The margin α of the band d_ap < d_an < d_ap + α. Default 0.2 (FaceNet). */
  margin?: number;
  /** The distance mined on. Default squaredEuclidean (FaceNet). */
  distance?: Distance;
  /**
   * For a pair with no negative in the band: "hardest" (default) takes the negative with the
   * smallest d_an (at total collapse every negative ties and the lowest row index wins), "easiest"
   * the one with the largest d_an, "skip" emits no triplet for that pair.
   */
  fallback?: SemihardFallback;
  /**
   * Among the negatives in the band: "hardest" (default; the smallest d_an, as TF-Addons'
   * triplet_semihard_loss), "random" (uniform, as davidsandberg/facenet's select_triplets), or
   * "all" (every one, as pytorch-metric-learning's TripletMarginMiner("semihard")).
   */
  select?: SemihardSelect;
  /** Seed for select "random": a number (one generator) or a function (a seed per call). Default 0. */
  seed?: MinerSeed;
}

/**
 * Semi-hard mining (Schroff et al. 2015, https://arxiv.org/abs/1503.03832): for every anchor-positive
 * pair (a ≠ p, same label) a negative n with d_ap < d_an < d_ap + α — farther than the positive but
 * still inside the margin. Ties (d_an = d_ap) are not semi-hard, so at total collapse no pair has one
 * and `fallback` decides. Comparisons use float32 distances read from `distance.matrix`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { semihardMiner } from "./semihard_miner.ts";
 * // squared distances from row 0: positive 1, negatives 2.25 and 81; the band is (1, 3).
 * const x = tf.tensor2d([[0], [1], [1.5], [9]]);
 * const t = await semihardMiner({ margin: 2 }).mine(x, [0, 0, 1, 1]);
 * console.assert(t.anchors[0] === 0 && t.positives[0] === 1 && t.negatives[0] === 2);
 * x.dispose();
 * ```
 */
export function semihardMiner(options: SemihardMinerOptions = {}): Miner {
  const margin = checkMargin(options.margin ?? 0.2, "semihardMiner");
  const distance = options.distance ?? squaredEuclidean();
  const fallback = options.fallback ?? "hardest";
  const select = options.select ?? "hardest";
  if (!["hardest", "easiest", "skip"].includes(fallback)) {
    throw new Error(
      `semihardMiner: 'fallback' must be hardest, easiest or skip, got '${fallback}'`,
    );
  }
  if (!["hardest", "random", "all"].includes(select)) {
    throw new Error(`semihardMiner: 'select' must be hardest, random or all, got '${select}'`);
  }
  const rngFor = generatorOf(options.seed, "semihardMiner");
  const sign = distance.smallerIsCloser ? 1 : -1;
  const mineMatrix = (raw: ArrayLike<number>, rawLabels: ArrayLike<number>): Triplets => {
    const rng = select === "random" ? rngFor() : undefined;
    const n = rawLabels.length;
    const labels = checkLabels(rawLabels, n, "semihardMiner");
    checkMatrixValues(raw, n, "semihardMiner");
    const d = sign === 1 ? raw : Array.from(raw, (v) => -v);
    const a = new IndexBuffer(), p = new IndexBuffer(), ng = new IndexBuffer();
    const emit = (i: number, j: number, k: number) => {
      a.push(i);
      p.push(j);
      ng.push(k);
    };
    const anchorRows = anchorRowsOf(labels);
    for (let i = 0; i < n; i++) {
      const rows = anchorRows(i);
      if (rows.positives.length === 0 || rows.negatives.length === 0) continue;
      const row = i * n;
      // Fallbacks: the closest and the farthest negative overall (ties: lowest row index).
      let hard = -1, easy = -1;
      for (const k of rows.negatives) {
        if (hard < 0 || d[row + k] < d[row + hard]) hard = k;
        if (easy < 0 || d[row + k] > d[row + easy]) easy = k;
      }
      const closest = select === "hardest" ? closestFartherNegative(d, n, i, rows) : undefined;
      const negs = select === "hardest" ? undefined : sortedNegatives(d, labels, i);
      rows.positives.forEach((j, m) => {
        const dap = d[row + j];
        if (closest) {
          const k = closest[m];
          if (k >= 0 && d[row + k] < dap + margin) return emit(i, j, k);
        } else if (negs) {
          // The band d_ap < d_an < d_ap + α is the slice [lo, hi) of the sorted negatives.
          const lo = firstAbove(negs.dist, dap);
          const hi = firstAtLeast(negs.dist, dap + margin);
          if (hi > lo) {
            const band = Array.from(negs.rows.subarray(lo, hi)).sort((u, v) => u - v);
            if (select === "random") emit(i, j, band[rng!.int(band.length)]);
            else for (const k of band) emit(i, j, k);
            return;
          }
        }
        if (fallback === "hardest") emit(i, j, hard);
        else if (fallback === "easiest") emit(i, j, easy);
      });
    }
    return tripletsFrom(a, p, ng);
  };
  return {
    name: "semihard",
    distance,
    mineMatrix,
    async mine(embeddings: tf.Tensor2D, rawLabels: ArrayLike<number>): Promise<Triplets> {
      const n = checkEmbeddings(embeddings, "semihardMiner");
      checkLabels(rawLabels, n, "semihardMiner");
      return mineMatrix(await distanceData(distance, embeddings), rawLabels);
    },
  };
}
