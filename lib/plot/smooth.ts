/**
 * Smoothing for training curves: an exponential moving average with TensorBoard's debiasing, so
 * the first points are not pulled towards zero.
 * @module
 */

/** Options of {@link emaSmooth}. */
export interface EmaOptions {
  /** Weight of the running average, in [0, 1): 0 returns the values, 0.9 smooths heavily. Default 0.8. */
  weight?: number;
}

/**
 * Debiased exponential moving average: `m ← w·m + (1 − w)·v`, shown as `m / (1 − wⁿ)` after n
 * finite values. Non-finite values are skipped (they stay null, a gap) and do not enter the average.
 *
 * @example
 * ```ts
 * import { emaSmooth } from "./smooth.ts";
 * const s = emaSmooth([1, 1, 1, NaN, 1], { weight: 0.9 });
 * console.assert(s[0] === 1 && s[3] === null && Math.abs(s[4]! - 1) < 1e-12);
 * ```
 */
export function emaSmooth(values: ArrayLike<number>, options: EmaOptions = {}): (number | null)[] {
  const w = options.weight ?? 0.8;
  if (!(w >= 0 && w < 1)) {
    throw new Error(`emaSmooth: 'weight' must be in [0, 1), got ${w}`);
  }
  const out: (number | null)[] = [];
  let m = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out.push(null);
      continue;
    }
    m = w * m + (1 - w) * v;
    n++;
    out.push(w === 0 ? v : m / (1 - w ** n));
  }
  return out;
}
