/**
 * Local response normalisation (`LRN`) and its gradient (`LRNGrad`) as typed-array loops over the
 * channels of each pixel, with running window sums: O(channels) per pixel where tfjs-backend-wasm
 * 4.22's and the cpu backend's gradients re-sum the window for every channel and call `pow` per
 * product. On wasm they read and write the heap in place (see `_heap_views.ts`).
 *
 * With `N_c = bias + alpha · Σ_{|k−c| ≤ r} x_k²` (the window clipped at the channel ends):
 * `y_c = x_c · N_c^−β` and
 * `dx_c = dy_c · N_c^−β − 2αβ · x_c · Σ_{|i−c| ≤ r} dy_i · y_i / N_i` (the window is symmetric),
 * the same formula as the cpu backend's gradient (which takes y from its input, as here).
 * `N^−β` is computed with square roots for β = 0.75 and 0.5 (the toolkit's models use 0.75).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { inputOf } from "./_conv_geometry.ts";
import { float32Views } from "./_heap_views.ts";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

interface LrnAttrs {
  depthRadius: number;
  bias: number;
  alpha: number;
  beta: number;
}

function attrsOf(args: KernelArgs, kernelName: string): LrnAttrs {
  const a = (args.attrs ?? {}) as unknown as Partial<LrnAttrs>;
  for (const k of ["depthRadius", "bias", "alpha", "beta"] as const) {
    if (typeof a[k] !== "number") {
      throw new Error(`${kernelName}: attribute '${k}' must be a number`);
    }
  }
  return a as LrnAttrs;
}

/** `v ↦ v^−β`, with square roots for the common exponents. */
function negPow(beta: number): (v: number) => number {
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

/** `LRN` (NHWC, across the last axis). */
export function lrnKernel(args: KernelArgs): tf.TensorInfo {
  const x = inputOf(args.inputs, "x", "LRN");
  const { depthRadius: r, bias, alpha, beta } = attrsOf(args, "LRN");
  const views = float32Views(args.backend, [x], x.shape, "LRN");
  const [xv] = views.inputs;
  const y = views.output;
  const c = x.shape[x.shape.length - 1];
  const pw = negPow(beta);
  const sq = new Float64Array(c);
  const sums = new Float64Array(c);
  for (let base = 0; base < xv.length; base += c) {
    for (let k = 0; k < c; k++) {
      const v = xv[base + k];
      sq[k] = v * v;
    }
    windowSums(sq, c, r, sums);
    for (let k = 0; k < c; k++) y[base + k] = xv[base + k] * pw(bias + alpha * sums[k]);
  }
  return views.finish();
}

/** `LRNGrad`: inputs x, y (the forward output) and dy. */
export function lrnGradKernel(args: KernelArgs): tf.TensorInfo {
  const x = inputOf(args.inputs, "x", "LRNGrad");
  const y = inputOf(args.inputs, "y", "LRNGrad");
  const dy = inputOf(args.inputs, "dy", "LRNGrad");
  const { depthRadius: r, bias, alpha, beta } = attrsOf(args, "LRNGrad");
  const views = float32Views(args.backend, [x, y, dy], x.shape, "LRNGrad");
  const [xv, yv, gv] = views.inputs;
  const dx = views.output;
  const c = x.shape[x.shape.length - 1];
  const pw = negPow(beta);
  const sq = new Float64Array(c);
  const norm = new Float64Array(c);
  const t = new Float64Array(c);
  const tSums = new Float64Array(c);
  const k2 = -2 * alpha * beta;
  for (let base = 0; base < xv.length; base += c) {
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
  return views.finish();
}
