/**
 * Memory-bound loops the wasm backend's threads share by ranges (`_panel_threads.ts`): ReLU's
 * gradient, splitting and concatenating along an axis, and the reversed sub-filters of an input
 * gradient. Each writes only its own range of the output.
 * @module
 */

/**
 * `dx[i] = dy[i] · step(x[i])` for i in `[i0, i1)`, element for element what tfjs's
 * `mul(dy, cast(step(x)))` gives (NaN where x is NaN, 0 where x ≤ 0, and -0 gives +0). Branch-free:
 * `max(0, sign(x))` (the native backend uses it too, below oneDNN's size threshold).
 */
export function reluGradRange(
  dy: Float32Array,
  x: Float32Array,
  dx: Float32Array,
  i0: number,
  i1: number,
): void {
  for (let i = i0; i < i1; i++) dx[i] = dy[i] * Math.max(0, Math.sign(x[i]));
}

/**
 * Rows `[r0, r1)` of a split (or, with `concat`, of a concatenation) along the middle axis of
 * `whole` viewed as [rows, total]: part j is [rows, widths[j]] and starts at column Σ widths[<j].
 */
export function splitRows(
  whole: Float32Array,
  parts: Float32Array[],
  widths: number[],
  r0: number,
  r1: number,
  concat: boolean,
): void {
  const total = widths.reduce((a, b) => a + b, 0);
  for (let r = r0; r < r1; r++) {
    let col = r * total;
    for (let j = 0; j < parts.length; j++) {
      const w = widths[j];
      const at = r * w;
      if (concat) whole.set(parts[j].subarray(at, at + w), col);
      else parts[j].set(whole.subarray(col, col + w), at);
      col += w;
    }
  }
}

/** Shape of one reversed sub-filter (see {@link flipTaps}). */
export interface FlipGeometry {
  kh: number;
  kw: number;
  ci: number;
  co: number;
  sh: number;
  sw: number;
  phaseH: number;
  phaseW: number;
  /** 1: write [mh, mw, co, ci] (the input gradient's filter), 0: [mh, mw, ci, co]. */
  swapIO: number;
}

/** Taps of the sub-filter `filter[phaseH::sh, phaseW::sw]` reversed on both axes. */
export function subFilterTaps(g: FlipGeometry): [number, number] {
  return [Math.ceil((g.kh - g.phaseH) / g.sh), Math.ceil((g.kw - g.phaseW) / g.sw)];
}

/**
 * Taps `[t0, t1)` (row-major over [mh, mw]) of the reversed sub-filter of `filter` [kh, kw, ci, co],
 * transposed to [.., co, ci] when `swapIO`.
 */
export function flipTaps(
  filter: Float32Array,
  out: Float32Array,
  g: FlipGeometry,
  t0: number,
  t1: number,
): void {
  const [mh, mw] = subFilterTaps(g);
  const { kw, ci, co } = g;
  const block = ci * co;
  for (let t = t0; t < t1; t++) {
    const i = Math.floor(t / mw);
    const j = t - i * mw;
    const fh = g.phaseH + g.sh * (mh - 1 - i);
    const fw = g.phaseW + g.sw * (mw - 1 - j);
    const src = (fh * kw + fw) * block;
    const dst = t * block;
    if (!g.swapIO) {
      out.set(filter.subarray(src, src + block), dst);
      continue;
    }
    // 16×16 tiles keep both the reads and the writes within a few cache lines.
    for (let c0 = 0; c0 < ci; c0 += 16) {
      const c1 = Math.min(ci, c0 + 16);
      for (let o0 = 0; o0 < co; o0 += 16) {
        const o1 = Math.min(co, o0 + 16);
        for (let c = c0; c < c1; c++) {
          for (let o = o0; o < o1; o++) out[dst + o * ci + c] = filter[src + c * co + o];
        }
      }
    }
  }
}

/**
 * Columns `[c0, c1)` of the column sums of `src` viewed as [rows, cols], each summed in row order
 * in float64 (the same values whatever the column range), into `dst` [cols].
 */
export function columnSums(
  src: Float32Array,
  dst: Float32Array,
  rows: number,
  cols: number,
  c0: number,
  c1: number,
): void {
  const acc = new Float64Array(c1 - c0);
  for (let i = 0, o = c0; i < rows; i++, o += cols) {
    for (let j = 0; j < acc.length; j++) acc[j] += src[o + j];
  }
  for (let j = 0; j < acc.length; j++) dst[c0 + j] = acc[j];
}
