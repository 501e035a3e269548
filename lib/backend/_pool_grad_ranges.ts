/**
 * The loops of the pooling gradients (`_pool_grad_kernels.ts`) over a range of images, so that
 * the wasm backend's threads (`_panel_threads.ts`) can each take some images: windows never cross
 * images, so each thread writes only its own part of dx (and zeroes it first).
 * @module
 */

/** A pooling geometry, as the ranges read it (also packed into a job's integers). */
export interface PoolRangeGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
  filterHeight: number;
  filterWidth: number;
}

/** The order in which {@link PoolRangeGeometry} travels as integers. */
export const POOL_FIELDS: (keyof PoolRangeGeometry)[] = [
  "n",
  "h",
  "w",
  "c",
  "oh",
  "ow",
  "strideHeight",
  "strideWidth",
  "padTop",
  "padLeft",
  "filterHeight",
  "filterWidth",
];

/**
 * MaxPoolGrad of images `[b0, b1)` without the forward output: each window's gradient goes to the
 * first maximum in row-major order (a running maximum per channel).
 */
export function maxPoolGradImages(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  p: PoolRangeGeometry,
  b0: number,
  b1: number,
): void {
  const { h, w, c, oh, ow } = p;
  dx.fill(0, b0 * h * w * c, b1 * h * w * c);
  const best = new Float32Array(c);
  const pos = new Int32Array(c);
  let gi = b0 * oh * ow * c;
  for (let b = b0; b < b1; b++) {
    for (let r = 0; r < oh; r++) {
      const h0 = r * p.strideHeight - p.padTop;
      const hLo = Math.max(0, h0);
      const hHi = Math.min(h, h0 + p.filterHeight);
      for (let q = 0; q < ow; q++) {
        const w0 = q * p.strideWidth - p.padLeft;
        const wLo = Math.max(0, w0);
        const wHi = Math.min(w, w0 + p.filterWidth);
        best.fill(-Infinity);
        pos.fill(-1);
        for (let y = hLo; y < hHi; y++) {
          for (let xx = wLo; xx < wHi; xx++) {
            const base = ((b * h + y) * w + xx) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k];
              if (v > best[k]) {
                best[k] = v;
                pos[k] = base + k;
              }
            }
          }
        }
        for (let k = 0; k < c; k++, gi++) if (pos[k] >= 0) dx[pos[k]] += g[gi];
      }
    }
  }
}

/**
 * MaxPoolGrad of images `[b0, b1)` given the forward output y: each window's gradient goes to the
 * first position, in row-major order, whose value equals the window's maximum y (the position a
 * running maximum finds), with no per-window state; zero gradients are skipped.
 */
export function maxPoolGradFromOutputImages(
  x: Float32Array,
  g: Float32Array,
  y: Float32Array,
  dx: Float32Array,
  p: PoolRangeGeometry,
  b0: number,
  b1: number,
): void {
  const { h, w, c, oh, ow } = p;
  dx.fill(0, b0 * h * w * c, b1 * h * w * c);
  let gi = b0 * oh * ow * c;
  for (let b = b0; b < b1; b++) {
    for (let r = 0; r < oh; r++) {
      const h0 = r * p.strideHeight - p.padTop;
      const hLo = Math.max(0, h0);
      const hHi = Math.min(h, h0 + p.filterHeight);
      for (let q = 0; q < ow; q++) {
        const w0 = q * p.strideWidth - p.padLeft;
        const wLo = Math.max(0, w0);
        const wHi = Math.min(w, w0 + p.filterWidth);
        for (let k = 0; k < c; k++, gi++) {
          const gv = g[gi];
          if (gv === 0) continue;
          const m = y[gi];
          search: for (let yy = hLo; yy < hHi; yy++) {
            let at = ((b * h + yy) * w + wLo) * c + k;
            for (let xx = wLo; xx < wHi; xx++, at += c) {
              if (x[at] === m) {
                dx[at] += gv;
                break search;
              }
            }
          }
        }
      }
    }
  }
}

/** AvgPoolGrad of images `[b0, b1)`: each output's gradient, divided by the window size, spread over its window. */
export function avgPoolGradImages(
  g: Float32Array,
  dx: Float32Array,
  p: PoolRangeGeometry,
  b0: number,
  b1: number,
): void {
  const { h, w, c, oh, ow } = p;
  dx.fill(0, b0 * h * w * c, b1 * h * w * c);
  const scale = 1 / (p.filterHeight * p.filterWidth);
  let gi = b0 * oh * ow * c;
  for (let b = b0; b < b1; b++) {
    for (let r = 0; r < oh; r++) {
      const h0 = r * p.strideHeight - p.padTop;
      const hLo = Math.max(0, h0);
      const hHi = Math.min(h, h0 + p.filterHeight);
      for (let q = 0; q < ow; q++, gi += c) {
        const w0 = q * p.strideWidth - p.padLeft;
        const wLo = Math.max(0, w0);
        const wHi = Math.min(w, w0 + p.filterWidth);
        for (let y = hLo; y < hHi; y++) {
          for (let xx = wLo; xx < wHi; xx++) {
            const base = ((b * h + y) * w + xx) * c;
            for (let k = 0; k < c; k++) dx[base + k] += g[gi + k] * scale;
          }
        }
      }
    }
  }
}
