/**
 * Smoothing for training curves: an exponential moving average with TensorBoard's debiasing, so
 * the first points are not pulled towards zero; optionally centred (run forward, then backward over
 * the result) so that the smoothed line does not lag behind a trend, and in log space for curves
 * drawn on a log axis.
 * @module
 */

/** Options of {@link emaSmooth}. */
export interface EmaOptions {
  /** Weight of the running average, in [0, 1): 0 returns the values, 0.9 smooths heavily. Default 0.8. */
  weight?: number;
  /**
   * Run the average forward and then backward over the result, so the line follows a trend
   * without lagging behind it (a one-way average of a falling curve sits above it). Default false.
   */
  centered?: boolean;
  /** Average the logarithms (for positive values on a log axis); ≤ 0 values become gaps. Default false. */
  log?: boolean;
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
 * // Centred in log space, a geometric decay is followed without lag.
 * const decay = [1, 0.1, 0.01, 0.001, 0.0001];
 * const c = emaSmooth(decay, { weight: 0.5, centered: true, log: true });
 * console.assert(Math.abs(Math.log10(c[2]!) + 2) < 0.2);
 * ```
 */
export function emaSmooth(values: ArrayLike<number>, options: EmaOptions = {}): (number | null)[] {
  const w = options.weight ?? 0.8;
  if (!(w >= 0 && w < 1)) {
    throw new Error(`emaSmooth: 'weight' must be in [0, 1), got ${w}`);
  }
  const input = Array.from(
    values,
    (v) => (options.log ? (v > 0 ? Math.log(v) : NaN) : v),
  );
  let out = oneWay(input, w);
  if (options.centered) {
    out = oneWay(out.map((v) => v ?? NaN).reverse(), w).reverse();
  }
  return options.log ? out.map((v) => (v === null ? null : Math.exp(v))) : out;
}

/** The debiased EMA in one direction; non-finite values stay null. */
function oneWay(values: number[], w: number): (number | null)[] {
  const out: (number | null)[] = [];
  let m = 0, n = 0;
  for (const v of values) {
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
