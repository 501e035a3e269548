/**
 * Batch-hard mining.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Distance } from "../distances/distance.ts";
import { squaredEuclidean } from "../distances/squared_euclidean.ts";
import type { Miner } from "./miner.ts";
import { IndexBuffer, type Triplets, tripletsFrom } from "./tuples.ts";
import { checkEmbeddings, checkLabels, checkMatrixValues, distanceData } from "./_labels.ts";

/** Options of {@link hardestMiner}. */
export interface HardestMinerOptions {
  /** The distance mined on. Default squaredEuclidean. */
  distance?: Distance;
}

/**
 * Batch-hard mining (Hermans, Beyer & Leibe 2017, https://arxiv.org/abs/1703.07737): one triplet per
 * anchor that has a positive and a negative, with its farthest positive and its closest negative.
 * Ties go to the lowest row index (at total collapse: the first other row of the class, and the first
 * row of another class).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { hardestMiner } from "./hardest_miner.ts";
 * const x = tf.tensor2d([[0], [1], [3], [5]]);
 * const t = await hardestMiner().mine(x, [0, 0, 1, 1]);
 * console.assert(t.negatives[0] === 2 && t.positives[0] === 1);
 * x.dispose();
 * ```
 */
export function hardestMiner(options: HardestMinerOptions = {}): Miner {
  const distance = options.distance ?? squaredEuclidean();
  const sign = distance.smallerIsCloser ? 1 : -1;
  const mineMatrix = (raw: ArrayLike<number>, rawLabels: ArrayLike<number>): Triplets => {
    const n = rawLabels.length;
    const labels = checkLabels(rawLabels, n, "hardestMiner");
    checkMatrixValues(raw, n, "hardestMiner");
    const a = new IndexBuffer(n), p = new IndexBuffer(n), ng = new IndexBuffer(n);
    for (let i = 0; i < n; i++) {
      let pos = -1, posD = -Infinity, neg = -1, negD = Infinity;
      for (let k = 0; k < n; k++) {
        if (k === i) continue;
        const v = sign * raw[i * n + k];
        if (labels[k] === labels[i]) {
          if (v > posD) (posD = v), (pos = k);
        } else if (v < negD) (negD = v), (neg = k);
      }
      if (pos < 0 || neg < 0) continue;
      a.push(i);
      p.push(pos);
      ng.push(neg);
    }
    return tripletsFrom(a, p, ng);
  };
  return {
    name: "hardest",
    distance,
    mineMatrix,
    async mine(embeddings: tf.Tensor2D, rawLabels: ArrayLike<number>): Promise<Triplets> {
      const n = checkEmbeddings(embeddings, "hardestMiner");
      checkLabels(rawLabels, n, "hardestMiner");
      return mineMatrix(await distanceData(distance, embeddings), rawLabels);
    },
  };
}
