/**
 * Triplet accuracy over every valid triplet of a batch — the fraction of (anchor, positive,
 * negative) with d(a,n) > d(a,p) — from the batch's distance matrix. Unlike the accuracy over mined
 * triplets (always ≈ 1 for semi-hard mining, which picks d_an > d_ap), it measures the embedding.
 * Cost O(N²·K) in plain arithmetic; 1,800 images with K = 40 take well under a second.
 *
 * @example
 * ```ts
 * import { batchTripletAccuracy } from "./batch_accuracy.ts";
 * // points 0,1 (label 0) close; 2 (label 1) far
 * const d = Float32Array.from([0, 1, 5, 1, 0, 5, 5, 5, 0]);
 * console.assert(batchTripletAccuracy(d, [0, 0, 1]) === 1);
 * ```
 * @module
 */

/** Accuracy over all valid triplets given the row-major N×N distance matrix; ties count as wrong. */
export function batchTripletAccuracy(
  distances: ArrayLike<number>,
  labels: ArrayLike<number>,
): number {
  const n = labels.length;
  if (distances.length !== n * n) {
    throw new Error(`batchTripletAccuracy: expected ${n}×${n} distances, got ${distances.length}`);
  }
  let right = 0, total = 0;
  const neg: number[] = [];
  for (let a = 0; a < n; a++) {
    neg.length = 0;
    const row = a * n;
    for (let j = 0; j < n; j++) if (labels[j] !== labels[a]) neg.push(distances[row + j]);
    neg.sort((x, y) => x - y);
    for (let p = 0; p < n; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      const dap = distances[row + p];
      // negatives strictly farther than the positive: binary search for the first > dap
      let lo = 0, hi = neg.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (neg[mid] > dap) hi = mid;
        else lo = mid + 1;
      }
      right += neg.length - lo;
      total += neg.length;
    }
  }
  return total ? right / total : NaN;
}
