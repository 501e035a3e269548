/**
 * Local response normalisation (`LRN`) and its gradient (`LRNGrad`) as typed-array loops over the
 * channels of each pixel, with running window sums: O(channels) per pixel where tfjs-backend-wasm
 * 4.22's and the cpu backend's gradients re-sum the window for every channel and call `pow` per
 * product. On wasm they read and write the heap in place, on every wasm thread (a range of pixels
 * each, see `_panel_threads.ts`); the loops are in `_lrn_ranges.ts`.
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
import { type LrnAttrs, lrnGradPixels, lrnPixels } from "./_lrn_ranges.ts";
import { heapOffset, heapPoolOf, requireFloat32, type WasmBackendLike } from "./_panel_threads.ts";
import { type HeapJobKind, HeapJobs } from "./_heap_jobs.ts";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

function attrsOf(args: KernelArgs, kernelName: string): LrnAttrs {
  const a = (args.attrs ?? {}) as unknown as Partial<LrnAttrs>;
  for (const k of ["depthRadius", "bias", "alpha", "beta"] as const) {
    if (typeof a[k] !== "number") {
      throw new Error(`${kernelName}: attribute '${k}' must be a number`);
    }
  }
  return a as LrnAttrs;
}

/**
 * On wasm: a float32 output shaped like `inputs[0]`, computed by job `kind` over ranges of pixels
 * on every thread. Undefined on other backends.
 */
function onHeap(
  args: KernelArgs,
  kind: HeapJobKind,
  inputs: tf.TensorInfo[],
  a: LrnAttrs,
  kernelName: string,
): tf.TensorInfo | undefined {
  const pool = heapPoolOf(args.backend);
  if (!pool) return undefined;
  requireFloat32(inputs, kernelName);
  const shape = inputs[0].shape;
  const c = shape[shape.length - 1];
  const pixels = shape.reduce((p, d) => p * d, 1) / c;
  const wasm = args.backend as unknown as WasmBackendLike;
  const out = wasm.makeOutput(shape, "float32");
  const tiles = Math.min(pixels, pool.threads);
  // The SIMD loops (β = 0.75, channels a multiple of 4) need per-thread rows of squares and terms
  // with r zeros on each side, and of norms: zeroed once here.
  const simd = a.beta === 0.75 && c % 4 === 0 && pixels > 0;
  const perTile = 2 * (c + 2 * a.depthRadius) + c;
  const scratch = simd ? wasm.makeOutput([tiles * perTile], "float32") : undefined;
  try {
    if (scratch) wasm.typedArrayFromHeap(scratch).fill(0);
    const at = (t: tf.TensorInfo) => heapOffset(args.backend, t, kernelName);
    const ints = [...inputs.map(at), at(out), pixels, c];
    ints.push(scratch ? at(scratch) : 0, scratch ? 4 * perTile : 0);
    pool.run(kind, ints, [a.depthRadius, a.bias, a.alpha, a.beta], tiles);
  } finally {
    if (scratch) args.backend.disposeData(scratch.dataId);
  }
  return out;
}

/** `LRN` (NHWC, across the last axis). */
export function lrnKernel(args: KernelArgs): tf.TensorInfo {
  const x = inputOf(args.inputs, "x", "LRN");
  const a = attrsOf(args, "LRN");
  const fast = onHeap(args, HeapJobs.lrn, [x], a, "LRN");
  if (fast) return fast;
  const views = float32Views(args.backend, [x], x.shape, "LRN");
  const c = x.shape[x.shape.length - 1];
  lrnPixels(views.inputs[0], views.output, c, a, 0, views.output.length / c);
  return views.finish();
}

/** `LRNGrad`: inputs x, y (the forward output) and dy. */
export function lrnGradKernel(args: KernelArgs): tf.TensorInfo {
  const x = inputOf(args.inputs, "x", "LRNGrad");
  const y = inputOf(args.inputs, "y", "LRNGrad");
  const dy = inputOf(args.inputs, "dy", "LRNGrad");
  const a = attrsOf(args, "LRNGrad");
  const fast = onHeap(args, HeapJobs.lrnGrad, [x, y, dy], a, "LRNGrad");
  if (fast) return fast;
  const views = float32Views(args.backend, [x, y, dy], x.shape, "LRNGrad");
  const [xv, yv, gv] = views.inputs;
  const c = x.shape[x.shape.length - 1];
  lrnGradPixels(xv, yv, gv, views.output, c, a, 0, views.output.length / c);
  return views.finish();
}
