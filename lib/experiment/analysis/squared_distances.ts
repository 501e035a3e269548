/**
 * The monograph's printed quantity, ‖f(a) − f(p)‖²₂ and ‖f(a) − f(n)‖²₂, of a trained model on
 * seeded random triplets, measured directly as Σₖ(aₖ − pₖ)² in float64 over the float32 embeddings.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { type Dataset, itemPath, loadImageBatch } from "../../data/mod.ts";
import { createRng } from "../../random/mod.ts";
import { embedInChunks, randomTriplets } from "../../train/mod.ts";

/**
 * Squared distances of random triplets. The step metrics' d_ap, d_an come from the Gram form
 * ‖a‖² + ‖b‖² − 2a·b, which for unit vectors in float32 lands on multiples of 1.19e-7 (the ulp of
 * 1) in d², so at the monograph's scale they are quantised; these are not.
 */
export interface SquaredDistances {
  /** Triplets measured (seeded random triplets over the whole set, as the monograph fed them). */
  triplets: number;
  /** Mean ‖f(a) − f(p)‖² and ‖f(a) − f(n)‖² over them. */
  dAp2: number;
  dAn2: number;
  /** The first two triplets' values, as the monograph printed a batch of two. */
  dAp2First: number[];
  dAn2First: number[];
  /** Fraction of triplets with d_an² > d_ap² (ties count as wrong). */
  accuracy: number;
  /** Mean √ of the same squared distances (the Euclidean distances a √Σd² loss trains on). */
  dAp: number;
  dAn: number;
}

/**
 * Measures {@link SquaredDistances} of `model` on `count` random triplets of `dataset` (seeded).
 *
 * @example
 * ```ts ignore
 * const q = await squaredDistances(model, data.dataset, 96, 1);
 * console.log(q.dAp2, q.dAn2);
 * ```
 */
export async function squaredDistances(
  model: tf.LayersModel,
  dataset: Dataset,
  count: number,
  seed: number,
): Promise<SquaredDistances> {
  const items = dataset.items;
  const t = randomTriplets(items.map((i) => i.label), { count, rng: createRng(seed) });
  // Embed only the images the triplets use (a large set is not embedded whole).
  const used = [...new Set([...t.anchors, ...t.positives, ...t.negatives])];
  const row = new Map(used.map((item, r) => [item, r]));
  const size = model.inputs[0].shape[1] as number;
  const paths = used.map((i) => itemPath(dataset, items[i].path));
  const images = await loadImageBatch(paths, { size });
  let x: Float32Array, dim: number;
  try {
    const e = await embedInChunks(model, images);
    dim = e.shape[1];
    x = (await e.data()) as Float32Array;
    e.dispose();
  } finally {
    images.dispose();
  }
  const d2 = (a: number, b: number) => {
    const i = row.get(a)!, j = row.get(b)!;
    let s = 0;
    for (let k = 0; k < dim; k++) s += (x[i * dim + k] - x[j * dim + k]) ** 2;
    return s;
  };
  const ap = Array.from(t.anchors, (a, i) => d2(a, t.positives[i]));
  const an = Array.from(t.anchors, (a, i) => d2(a, t.negatives[i]));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    triplets: count,
    dAp2: mean(ap),
    dAn2: mean(an),
    dAp2First: ap.slice(0, 2),
    dAn2First: an.slice(0, 2),
    accuracy: ap.filter((v, i) => an[i] > v).length / count,
    dAp: mean(ap.map(Math.sqrt)),
    dAn: mean(an.map(Math.sqrt)),
  };
}
