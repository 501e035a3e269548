/**
 * Every pair of a batch, and pairs from triplets.
 * @module
 */
import type { Pairs, Triplets } from "./tuples.ts";

/**
 * Every unordered pair i < j of a batch with its same-label flag.
 *
 * @example
 * ```ts
 * import { allPairs } from "./all_pairs.ts";
 * const p = allPairs([0, 0, 1]);
 * console.assert(p.a.length === 3 && p.same[0] === 1 && p.same[1] === 0);
 * ```
 */
export function allPairs(labels: ArrayLike<number>): Pairs {
  const n = labels.length;
  const count = (n * (n - 1)) / 2;
  const a = new Int32Array(count), b = new Int32Array(count), same = new Uint8Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      a[k] = i;
      b[k] = j;
      same[k++] = labels[i] === labels[j] ? 1 : 0;
    }
  }
  return { a, b, same };
}

/**
 * The pairs inside triplets: (anchor, positive, same = 1) for every triplet, then
 * (anchor, negative, same = 0) for every triplet.
 *
 * @example
 * ```ts
 * import { pairsFromTriplets } from "./all_pairs.ts";
 * const p = pairsFromTriplets({ anchors: Int32Array.of(0), positives: Int32Array.of(1), negatives: Int32Array.of(2) });
 * console.assert(p.b[0] === 1 && p.b[1] === 2 && p.same[1] === 0);
 * ```
 */
export function pairsFromTriplets(t: Triplets): Pairs {
  const m = t.anchors.length;
  const a = new Int32Array(2 * m), b = new Int32Array(2 * m), same = new Uint8Array(2 * m);
  a.set(t.anchors);
  a.set(t.anchors, m);
  b.set(t.positives);
  b.set(t.negatives, m);
  same.fill(1, 0, m);
  return { a, b, same };
}
