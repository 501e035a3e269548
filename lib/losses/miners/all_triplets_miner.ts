/**
 * Every valid triplet of a batch.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Miner } from "./miner.ts";
import { IndexBuffer, type Triplets, tripletsFrom } from "./tuples.ts";
import { checkEmbeddings, checkLabels, checkMatrixValues } from "./_labels.ts";

/** Default cap on the number of triplets a miner may return (2^24 ≈ 16.8 M, ~200 MB of indices). */
export const DEFAULT_MAX_TRIPLETS = 1 << 24;

/** Options of {@link allTripletsMiner}. */
export interface AllTripletsMinerOptions {
  /** Throw when the batch holds more valid triplets than this. Default 2^24. */
  maxTriplets?: number;
}

/** Counts the valid triplets of a labelling: Σ_anchors (|class|−1)(N−|class|). */
export function countValidTriplets(labels: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  let total = 0;
  for (const c of counts.values()) total += c * (c - 1) * (labels.length - c);
  return total;
}

/**
 * Every valid triplet (a, p, n) with label(a) = label(p), a ≠ p, label(n) ≠ label(a), synchronously,
 * in the order a, then p, then n ascending. This is what a loss uses when given no mined indices.
 *
 * @example
 * ```ts
 * import { allTriplets } from "./all_triplets_miner.ts";
 * const t = allTriplets([0, 0, 1]);
 * console.assert(t.anchors.length === 2 && t.negatives[0] === 2);
 * ```
 */
export function allTriplets(
  labels: ArrayLike<number>,
  options: AllTripletsMinerOptions = {},
): Triplets {
  const max = options.maxTriplets ?? DEFAULT_MAX_TRIPLETS;
  const total = countValidTriplets(labels);
  if (total > max) {
    throw new Error(
      `allTriplets: the batch of ${labels.length} holds ${total} valid triplets, more than maxTriplets=${max}; ` +
        `use a miner (semihard, hardest, batchAll) or raise maxTriplets`,
    );
  }
  const n = labels.length;
  const a = new IndexBuffer(total), p = new IndexBuffer(total), ng = new IndexBuffer(total);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j === i || labels[j] !== labels[i]) continue;
      for (let k = 0; k < n; k++) {
        if (labels[k] === labels[i]) continue;
        a.push(i);
        p.push(j);
        ng.push(k);
      }
    }
  }
  return tripletsFrom(a, p, ng);
}

/**
 * A miner returning every valid triplet ({@link allTriplets}); the embeddings are not read.
 * A batch of 45 identities × 40 images holds 123.6 M triplets, above the default cap: use it on
 * small batches.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { allTripletsMiner } from "./all_triplets_miner.ts";
 * const x = tf.zeros([4, 2]) as tf.Tensor2D;
 * const t = await allTripletsMiner().mine(x, [0, 0, 1, 1]);
 * console.assert(t.anchors.length === 8);
 * x.dispose();
 * ```
 */
export function allTripletsMiner(options: AllTripletsMinerOptions = {}): Miner {
  return {
    name: "all",
    mine(embeddings: tf.Tensor2D, labels: ArrayLike<number>): Promise<Triplets> {
      const n = checkEmbeddings(embeddings, "allTripletsMiner");
      return Promise.resolve(allTriplets(checkLabels(labels, n, "allTripletsMiner"), options));
    },
    mineMatrix(distances: ArrayLike<number>, labels: ArrayLike<number>): Triplets {
      checkMatrixValues(distances, labels.length, "allTripletsMiner");
      return allTriplets(labels, options);
    },
  };
}
