/**
 * Random triplets: what a three-input model fed random triplets sees.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Miner, MinerSeed } from "./miner.ts";
import { IndexBuffer, type Triplets, tripletsFrom } from "./tuples.ts";
import { checkEmbeddings, checkLabels, checkMatrixValues } from "./_labels.ts";
import { generatorOf } from "./_miner_seed.ts";

/** Options of {@link randomMiner}. */
export interface RandomMinerOptions {
  /**
   * A number: the seed of the miner's generator, created once (successive calls continue its
   * sequence). A function: called once per `mine()` for a fresh generator's seed (a trainer passes
   * draws of its own checkpointed generator, so a resumed run mines the same triplets). Default 0.
   */
  seed?: MinerSeed;
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
  const rngFor = generatorOf(options.seed, "randomMiner");
  const count = options.count;
  if (count !== undefined && !(Number.isInteger(count) && count >= 0)) {
    throw new Error(`randomMiner: 'count' must be a non-negative integer, got ${count}`);
  }
  /** Draws the triplets of one call from the checked labels. */
  const draw = (labels: Int32Array): Triplets => {
    const rng = rngFor();
    const n = labels.length;
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
    if (eligible.length === 0) return tripletsFrom(a, p, ng);
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
    return tripletsFrom(a, p, ng);
  };
  return {
    name: "random",
    mine(embeddings: tf.Tensor2D, rawLabels: ArrayLike<number>): Promise<Triplets> {
      const n = checkEmbeddings(embeddings, "randomMiner");
      return Promise.resolve(draw(checkLabels(rawLabels, n, "randomMiner")));
    },
    mineMatrix(distances: ArrayLike<number>, rawLabels: ArrayLike<number>): Triplets {
      const n = rawLabels.length;
      checkMatrixValues(distances, n, "randomMiner");
      return draw(checkLabels(rawLabels, n, "randomMiner"));
    },
  };
}
