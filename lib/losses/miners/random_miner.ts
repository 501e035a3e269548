/**
 * Random triplets: what a three-input model fed random triplets sees.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { createRng } from "../../random/mod.ts";
import type { Miner } from "./miner.ts";
import { IndexBuffer, type Triplets, tripletsFrom } from "./tuples.ts";
import { checkEmbeddings, checkLabels } from "./_labels.ts";

/** Options of {@link randomMiner}. */
export interface RandomMinerOptions {
  /** Seed of the miner's generator (created once; successive calls continue its sequence). Default 0. */
  seed?: number;
  /**
   * Number of triplets per call. Default: one per row that has a positive and a negative, with the
   * rows as anchors in order. With a count, anchors are drawn uniformly among those rows.
   */
  count?: number;
}

/**
 * Uniformly random valid triplets, ignoring the embeddings: for each anchor a random positive
 * (same label, other row) and a random negative (other label). Rows without a positive or without
 * a negative are never anchors. Seeded; the generator lives as long as the miner.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { randomMiner } from "./random_miner.ts";
 * const x = tf.zeros([4, 2]) as tf.Tensor2D;
 * const t = await randomMiner({ seed: 1 }).mine(x, [0, 0, 1, 1]);
 * console.assert(t.anchors.length === 4);
 * x.dispose();
 * ```
 */
export function randomMiner(options: RandomMinerOptions = {}): Miner {
  const rng = createRng(options.seed ?? 0);
  const count = options.count;
  if (count !== undefined && !(Number.isInteger(count) && count >= 0)) {
    throw new Error(`randomMiner: 'count' must be a non-negative integer, got ${count}`);
  }
  return {
    name: "random",
    mine(embeddings: tf.Tensor2D, rawLabels: ArrayLike<number>): Promise<Triplets> {
      const n = checkEmbeddings(embeddings, "randomMiner");
      const labels = checkLabels(rawLabels, n, "randomMiner");
      const byLabel = new Map<number, number[]>();
      for (let i = 0; i < n; i++) {
        const list = byLabel.get(labels[i]) ?? [];
        list.push(i);
        byLabel.set(labels[i], list);
      }
      const eligible: number[] = [];
      for (let i = 0; i < n; i++) {
        const own = byLabel.get(labels[i])!.length;
        if (own >= 2 && own < n) eligible.push(i);
      }
      const a = new IndexBuffer(), p = new IndexBuffer(), ng = new IndexBuffer();
      const total = count ?? eligible.length;
      if (eligible.length === 0) return Promise.resolve(tripletsFrom(a, p, ng));
      for (let t = 0; t < total; t++) {
        const anchor = count === undefined ? eligible[t] : eligible[rng.int(eligible.length)];
        const same = byLabel.get(labels[anchor])!;
        let pos = same[rng.int(same.length - 1)];
        if (pos === anchor) pos = same[same.length - 1];
        // A negative: a uniform row among the n − |same| rows of other labels.
        let k = rng.int(n - same.length);
        let neg = -1;
        for (let i = 0; i < n; i++) {
          if (labels[i] === labels[anchor]) continue;
          if (k-- === 0) {
            neg = i;
            break;
          }
        }
        a.push(anchor);
        p.push(pos);
        ng.push(neg);
      }
      return Promise.resolve(tripletsFrom(a, p, ng));
    },
  };
}
