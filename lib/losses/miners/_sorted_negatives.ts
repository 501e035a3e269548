/**
 * Internal: per-anchor negatives sorted by distance, for O(log n) band queries in the miners.
 * @module
 */

/** The negatives of one anchor, ascending by distance (ties by row index), with their distances. */
export interface SortedNegatives {
  /** Row indices of the negatives, ascending by distance, ties by index. */
  rows: Int32Array;
  /** Their distances, ascending (the float32 values of the matrix, as numbers). */
  dist: Float64Array;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const INDEX_SPACE = 2 ** 21;

/** A float32 value's bits as an unsigned integer that orders like the value. */
function orderedBits(v: number): number {
  F32[0] = v === 0 ? 0 : v; // -0 orders as +0
  const bits = U32[0];
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

/**
 * Sorts the negatives of anchor `i` (rows with another label) by d[i·n + k], ties by row index. The
 * (distance, index) pairs are packed into exact float64 keys (32 ordered bits of the float32
 * distance × 2^21 + index) and sorted natively, which is several times faster than a comparator.
 */
export function sortedNegatives(
  d: ArrayLike<number>,
  labels: Int32Array,
  i: number,
): SortedNegatives {
  const n = labels.length;
  if (n > INDEX_SPACE) {
    throw new Error(
      `sortedNegatives: batches above ${INDEX_SPACE} rows are not supported, got ${n}`,
    );
  }
  const row = i * n;
  let count = 0;
  for (let k = 0; k < n; k++) if (labels[k] !== labels[i]) count++;
  const keys = new Float64Array(count);
  let c = 0;
  for (let k = 0; k < n; k++) {
    if (labels[k] !== labels[i]) keys[c++] = orderedBits(d[row + k]) * INDEX_SPACE + k;
  }
  keys.sort();
  const rows = new Int32Array(count);
  const dist = new Float64Array(count);
  for (let m = 0; m < count; m++) {
    const k = keys[m] % INDEX_SPACE;
    rows[m] = k;
    dist[m] = d[row + k];
  }
  return { rows, dist };
}

/** The first position whose distance is > v (upper bound). */
export function firstAbove(dist: Float64Array, v: number): number {
  let lo = 0, hi = dist.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dist[mid] > v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The first position whose distance is ≥ v (lower bound). */
export function firstAtLeast(dist: Float64Array, v: number): number {
  let lo = 0, hi = dist.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dist[mid] >= v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
