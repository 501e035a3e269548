/**
 * Distances between embedding rows of pairs, in plain TypeScript (float64 accumulation).
 *
 * @example
 * ```ts
 * import { pairDistances } from "./pair_distances.ts";
 * const d = pairDistances([[0, 0], [3, 4]], [[0, 0], [0, 0]]);
 * console.assert(d[0] === 0 && d[1] === 5);
 * ```
 * @module
 */
import type { RetrievalDistance } from "./identification.ts";

/** Options of {@link pairDistances}. */
export interface PairDistancesOptions {
  /** "euclidean" (default), "squaredEuclidean" or "cosine" (1 − cosine similarity). */
  distance?: RetrievalDistance;
}

/**
 * Distance of each pair `(a[i], b[i])`.
 *
 * @param a first rows
 * @param b second rows (same count and length as `a`)
 * @param options distance ("euclidean")
 *
 * @example
 * ```ts
 * import { pairDistances } from "./pair_distances.ts";
 * const d = pairDistances([[1, 0]], [[0, 1]], { distance: "cosine" });
 * console.assert(d[0] === 1);
 * ```
 */
export function pairDistances(
  a: ArrayLike<ArrayLike<number>>,
  b: ArrayLike<ArrayLike<number>>,
  options: PairDistancesOptions = {},
): Float64Array {
  const kind = options.distance ?? "euclidean";
  if (kind !== "euclidean" && kind !== "squaredEuclidean" && kind !== "cosine") {
    throw new Error(`pairDistances: unknown distance '${kind}'`);
  }
  if (a.length !== b.length) {
    throw new Error(`pairDistances: ${a.length} first rows but ${b.length} second rows`);
  }
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x.length !== y.length) {
      throw new Error(`pairDistances: pair ${i} has rows of length ${x.length} and ${y.length}`);
    }
    if (kind === "cosine") {
      let dot = 0, nx = 0, ny = 0;
      for (let k = 0; k < x.length; k++) {
        dot += x[k] * y[k];
        nx += x[k] * x[k];
        ny += y[k] * y[k];
      }
      const denom = Math.sqrt(nx * ny);
      out[i] = denom > 0 ? 1 - dot / denom : 1;
    } else {
      let s = 0;
      for (let k = 0; k < x.length; k++) {
        const d = x[k] - y[k];
        s += d * d;
      }
      out[i] = kind === "euclidean" ? Math.sqrt(s) : s;
    }
  }
  return out;
}
