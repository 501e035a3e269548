/**
 * FaceNet's semi-hard negatives.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { createRng } from "../../random/mod.ts";
import type { Distance } from "../distances/distance.ts";
import { squaredEuclidean } from "../distances/squared_euclidean.ts";
import type { Miner } from "./miner.ts";
import { IndexBuffer, type Triplets, tripletsFrom } from "./tuples.ts";
import { checkEmbeddings, checkLabels, checkMargin, distanceData } from "./_labels.ts";

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
  /** Seed for select "random". Default 0. */
  seed?: number;
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
 * const x = tf.tensor2d([[0], [1], [1.5], [9]]);
 * const t = await semihardMiner({ margin: 1 }).mine(x, [0, 0, 1, 1]);
 * console.assert(t.anchors[0] === 0 && t.negatives[0] === 2 || t.anchors[0] !== 0);
 * x.dispose();
 * ```
 */
export function semihardMiner(options: SemihardMinerOptions = {}): Miner {
  const margin = checkMargin(options.margin ?? 0.2, "semihardMiner");
  const distance = options.distance ?? squaredEuclidean();
  const fallback = options.fallback ?? "hardest";
  const select = options.select ?? "hardest";
  if (!["hardest", "easiest", "skip"].includes(fallback)) {
    throw new Error(`semihardMiner: 'fallback' must be hardest, easiest or skip, got '${fallback}'`);
  }
  if (!["hardest", "random", "all"].includes(select)) {
    throw new Error(`semihardMiner: 'select' must be hardest, random or all, got '${select}'`);
  }
  const rng = createRng(options.seed ?? 0);
  const sign = distance.smallerIsCloser ? 1 : -1;
  return {
    name: "semihard",
    async mine(embeddings: tf.Tensor2D, rawLabels: ArrayLike<number>): Promise<Triplets> {
      const n = checkEmbeddings(embeddings, "semihardMiner");
      const labels = checkLabels(rawLabels, n, "semihardMiner");
      const raw = await distanceData(distance, embeddings);
      const d = sign === 1 ? raw : raw.map((v) => -v);
      const a = new IndexBuffer(), p = new IndexBuffer(), ng = new IndexBuffer();
      const band: number[] = [];
      for (let i = 0; i < n; i++) {
        const row = i * n;
        for (let j = 0; j < n; j++) {
          if (j === i || labels[j] !== labels[i]) continue;
          const dap = d[row + j];
          const hi = dap + margin;
          band.length = 0;
          let best = -1, bestD = Infinity; // hardest within the band
          let hard = -1, hardD = Infinity; // smallest d_an overall
          let easy = -1, easyD = -Infinity; // largest d_an overall
          for (let k = 0; k < n; k++) {
            if (labels[k] === labels[i]) continue;
            const dan = d[row + k];
            if (dan > dap && dan < hi) {
              if (select === "hardest") {
                if (dan < bestD) (bestD = dan), (best = k);
              } else band.push(k);
            }
            if (dan < hardD) (hardD = dan), (hard = k);
            if (dan > easyD) (easyD = dan), (easy = k);
          }
          const emit = (k: number) => {
            a.push(i);
            p.push(j);
            ng.push(k);
          };
          if (select === "hardest" && best >= 0) emit(best);
          else if (select === "random" && band.length > 0) emit(band[rng.int(band.length)]);
          else if (select === "all" && band.length > 0) band.forEach(emit);
          else if (fallback === "hardest" && hard >= 0) emit(hard);
          else if (fallback === "easiest" && easy >= 0) emit(easy);
        }
      }
      return tripletsFrom(a, p, ng);
    },
  };
}
