/**
 * The loops of `LRN` and `LRNGrad` (`_lrn_kernels.ts`) over a range of pixels, so that the wasm
 * backend's threads (`_panel_threads.ts`) can each take some: every pixel is normalised over its
 * own channels only.
 * @module
 */

/** LRN's attributes. */
export interface LrnAttrs {
  depthRadius: number;
  bias: number;
  alpha: number;
  beta: number;
}

/** `v ↦ v^−β`, with square roots for the common exponents. */
export function negPow(beta: number): (v: number) => number {
  if (beta === 0.75) return (v) => 1 / (Math.sqrt(v) * Math.sqrt(Math.sqrt(v)));
  if (beta === 0.5) return (v) => 1 / Math.sqrt(v);
  if (beta === 1) return (v) => 1 / v;
  return (v) => Math.pow(v, -beta);
}

/**
 * Fills `sums[0..c)` with the window sums (radius r) of `v[0..c)`: a running sum, added at the
 * front and dropped at the back.
 */
function windowSums(v: Float64Array, c: number, r: number, sums: Float64Array): void {
  let s = 0;
  const first = Math.min(r, c - 1);
  for (let k = 0; k <= first; k++) s += v[k];
  for (let k = 0; k < c; k++) {
    sums[k] = s;
    if (k + r + 1 < c) s += v[k + r + 1];
    if (k - r >= 0) s -= v[k - r];
  }
}

/** `LRN` of pixels `[p0, p1)` of `c` channels each. */
export function lrnPixels(
  xv: Float32Array,
  y: Float32Array,
  c: number,
  a: LrnAttrs,
  p0: number,
  p1: number,
): void {
  const { depthRadius: r, bias, alpha } = a;
  const pw = negPow(a.beta);
  const sq = new Float64Array(c);
  const sums = new Float64Array(c);
  for (let base = p0 * c; base < p1 * c; base += c) {
    for (let k = 0; k < c; k++) {
      const v = xv[base + k];
      sq[k] = v * v;
    }
    windowSums(sq, c, r, sums);
    for (let k = 0; k < c; k++) y[base + k] = xv[base + k] * pw(bias + alpha * sums[k]);
  }
}

/** `LRNGrad` of pixels `[p0, p1)`: x, y (the forward output), dy in; dx out. */
export function lrnGradPixels(
  xv: Float32Array,
  yv: Float32Array,
  gv: Float32Array,
  dx: Float32Array,
  c: number,
  a: LrnAttrs,
  p0: number,
  p1: number,
): void {
  const { depthRadius: r, bias, alpha, beta } = a;
  const pw = negPow(beta);
  const sq = new Float64Array(c);
  const norm = new Float64Array(c);
  const t = new Float64Array(c);
  const tSums = new Float64Array(c);
  const k2 = -2 * alpha * beta;
  for (let base = p0 * c; base < p1 * c; base += c) {
    for (let k = 0; k < c; k++) {
      const v = xv[base + k];
      sq[k] = v * v;
    }
    windowSums(sq, c, r, norm);
    for (let k = 0; k < c; k++) {
      const n = bias + alpha * norm[k];
      norm[k] = n;
      t[k] = gv[base + k] * yv[base + k] / n;
    }
    windowSums(t, c, r, tSums);
    for (let k = 0; k < c; k++) {
      dx[base + k] = gv[base + k] * pw(norm[k]) + k2 * xv[base + k] * tSums[k];
    }
  }
}
