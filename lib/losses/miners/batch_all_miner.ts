/**
 * Batch-all mining: every valid triplet that still has a positive hinge loss.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Distance } from "../distances/distance.ts";
import { squaredEuclidean } from "../distances/squared_euclidean.ts";
import type { Miner } from "./miner.ts";
import { IndexBuffer, type Triplets, tripletsFrom } from "./tuples.ts";
import {
  checkEmbeddings,
  checkLabels,
  checkMargin,
  checkMatrixValues,
  distanceData,
} from "./_labels.ts";
import { DEFAULT_MAX_TRIPLETS } from "./all_triplets_miner.ts";
import { activeNegatives, anchorRowsOf } from "./_anchor_queries.ts";

/** Options of {@link batchAllMiner}. */
export interface BatchAllMinerOptions {
  /** Margin α; a triplet is kept when d_ap − d_an + α > 0. Default 0.2. */
  margin?: number;
  /** The distance mined on. Default squaredEuclidean. */
  distance?: Distance;
  /** Throw when more triplets than this would be returned. Default 2^24. */
  maxTriplets?: number;
}

/**
 * Batch-all (Hermans et al. 2017, https://arxiv.org/abs/1703.07737): every valid triplet with a
 * positive hinge loss, d_ap − d_an + α > 0. At total collapse that is every valid triplet (loss α).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { batchAllMiner } from "./batch_all_miner.ts";
 * const x = tf.tensor2d([[0], [0.1], [5], [5.1]]);
 * const t = await batchAllMiner().mine(x, [0, 0, 1, 1]);
 * console.assert(t.anchors.length === 0);
 * x.dispose();
 * ```
 */
export function batchAllMiner(options: BatchAllMinerOptions = {}): Miner {
  const margin = checkMargin(options.margin ?? 0.2, "batchAllMiner");
  const distance = options.distance ?? squaredEuclidean();
  const max = options.maxTriplets ?? DEFAULT_MAX_TRIPLETS;
  const sign = distance.smallerIsCloser ? 1 : -1;
  const mineMatrix = (raw: ArrayLike<number>, rawLabels: ArrayLike<number>): Triplets => {
    const n = rawLabels.length;
    const labels = checkLabels(rawLabels, n, "batchAllMiner");
    checkMatrixValues(raw, n, "batchAllMiner");
    const d = sign === 1 ? raw : Array.from(raw, (v) => -v);
    const anchorRows = anchorRowsOf(labels);
    const rowsOf = Array.from({ length: n }, (_, i) => anchorRows(i));
    let total = 0;
    for (let i = 0; i < n; i++) total += activeNegatives(d, n, i, rowsOf[i], margin, true).count;
    if (total > max) {
      throw new Error(
        `batchAllMiner: ${total} active triplets in a batch of ${n}, more than maxTriplets=${max}; ` +
          `raise maxTriplets or use semihard/hardest`,
      );
    }
    const a = new IndexBuffer(total), p = new IndexBuffer(total), ng = new IndexBuffer(total);
    for (let i = 0; i < n; i++) {
      const { lists } = activeNegatives(d, n, i, rowsOf[i], margin, false);
      rowsOf[i].positives.forEach((j, m) => {
        for (const k of lists[m]) {
          a.push(i);
          p.push(j);
          ng.push(k);
        }
      });
    }
    return tripletsFrom(a, p, ng);
  };
  return {
    name: "batchAll",
    distance,
    mineMatrix,
    async mine(embeddings: tf.Tensor2D, rawLabels: ArrayLike<number>): Promise<Triplets> {
      const n = checkEmbeddings(embeddings, "batchAllMiner");
      checkLabels(rawLabels, n, "batchAllMiner");
      return mineMatrix(await distanceData(distance, embeddings), rawLabels);
    },
  };
}
