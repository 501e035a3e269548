/**
 * Splits mined triplets into micro-batches whose distinct images fit a budget, remapping indices to
 * each micro-batch's own image list (davidsandberg/facenet trains a large mined set this way).
 *
 * @example
 * ```ts
 * import { splitTriplets } from "./micro_batches.ts";
 * const t = { anchors: Int32Array.from([0, 3]), positives: Int32Array.from([1, 4]), negatives: Int32Array.from([2, 5]) };
 * const parts = splitTriplets(t, 3);
 * console.assert(parts.length === 2 && parts[1].images[0] === 3 && parts[1].triplets.anchors[0] === 0);
 * ```
 * @module
 */
import type { Triplets } from "../losses/mod.ts";

/** One micro-batch: which images of the mining batch it uses, and triplets indexing into them. */
export interface TripletMicroBatch {
  images: Int32Array;
  triplets: Triplets;
}

/** Greedy split of `triplets` into groups of at most `maxImages` distinct images (≥ 3). */
export function splitTriplets(triplets: Triplets, maxImages: number): TripletMicroBatch[] {
  if (!(maxImages >= 3)) {
    throw new Error(`splitTriplets: 'maxImages' must be ≥ 3 (one triplet), got ${maxImages}`);
  }
  const out: TripletMicroBatch[] = [];
  let map = new Map<number, number>();
  let a: number[] = [], p: number[] = [], n: number[] = [];
  const flush = () => {
    if (a.length === 0) return;
    out.push({
      images: Int32Array.from(map.keys()),
      triplets: {
        anchors: Int32Array.from(a),
        positives: Int32Array.from(p),
        negatives: Int32Array.from(n),
      },
    });
    map = new Map();
    a = [];
    p = [];
    n = [];
  };
  const local = (i: number) => {
    let j = map.get(i);
    if (j === undefined) {
      j = map.size;
      map.set(i, j);
    }
    return j;
  };
  for (let t = 0; t < triplets.anchors.length; t++) {
    const ids = [triplets.anchors[t], triplets.positives[t], triplets.negatives[t]];
    const fresh = new Set(ids.filter((i) => !map.has(i))).size;
    if (map.size + fresh > maxImages) flush();
    a.push(local(ids[0]));
    p.push(local(ids[1]));
    n.push(local(ids[2]));
  }
  flush();
  return out;
}
