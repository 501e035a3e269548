/**
 * `Conv2DBackpropFilter` on the wasm backend with the toolkit's own SIMD panels
 * (`_wasm_gemm_module.ts`, `_filter_grad_panels.ts`), on every wasm thread (`_panel_threads.ts`),
 * reading the input and dy in place on the wasm heap and writing the gradient there.
 *
 * Measured on nn2's layers at batch 32 (2 cores, AVX-512): one thread of the panels runs at
 * 37–42 GFLOP/s, where XNNPACK's dilated convolution and matrix product (the previous way) ran at
 * 11–45 GFLOP/s on two threads, worst on the largest layers (conv1: 11).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { FilterGeometry } from "./_conv_backprop_filter.ts";
import {
  bandRowsFor,
  FILTER_JOB_FIELDS,
  type FilterGradJob,
  tilesFor,
} from "./_filter_grad_panels.ts";
import {
  heapOffset,
  heapPoolOf,
  paddedOnHeap,
  type WasmBackendLike,
  wasmHeapOf,
} from "./_panel_threads.ts";
import { HeapJobs } from "./_heap_jobs.ts";

/** Most output positions in one band of a 1×1 gradient (see {@link pointwise}). */
const POINTWISE_BAND = 256;

/**
 * A 1×1 stride-1 unpadded gradient is one product over all `n · oh · ow` positions, which lie in a
 * row in both the input and dy: recast as "images" of one row of `w` positions (the largest divisor
 * of the count up to {@link POINTWISE_BAND}), so that small images (3×3 in nn2's last layers) still
 * make bands long enough to amortise each block's loads and stores. Undefined for other geometries.
 */
export function pointwise(job: FilterGradJob): FilterGradJob | undefined {
  if (job.kh !== 1 || job.kw !== 1 || job.sh !== 1 || job.sw !== 1) return undefined;
  if (job.hp !== job.oh || job.wp !== job.ow) return undefined;
  const positions = job.n * job.oh * job.ow;
  let w = Math.min(POINTWISE_BAND, positions);
  while (positions % w !== 0) w--;
  return { ...job, n: positions / w, hp: 1, wp: w, oh: 1, ow: w, bandRows: 1 };
}

/** Whether {@link conv2dBackpropFilterByPanels} computes this gradient (else: undefined from it). */
export function panelsCover(
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
): boolean {
  return wasmHeapOf(backend) != null && x.dtype === "float32" && dy.dtype === "float32" &&
    dy.shape[3] % 4 === 0;
}

/**
 * dL/dfilter of `conv2d(x, filter, strides, pad)` (NHWC, dilation 1) on the wasm heap, or
 * undefined where the panels do not apply (another backend, not float32, output channels not a
 * multiple of 4). Call from a kernel: the returned tensor info is the kernel's output.
 */
export function conv2dBackpropFilterByPanels(
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: FilterGeometry,
): tf.TensorInfo | undefined {
  if (!panelsCover(backend, x, dy)) return undefined;
  const pool = heapPoolOf(backend)!;
  const wasm = backend as unknown as WasmBackendLike;
  const [n, oh, ow, k] = dy.shape;
  const c = x.shape[3];
  // The input as tap (i, j) reads it: rows −top … and columns −left … of the padded image.
  const xp = paddedOnHeap(
    backend,
    pool,
    x,
    g.filterHeight + (oh - 1) * g.strides[0],
    g.filterWidth + (ow - 1) * g.strides[1],
    g.padTop,
    g.padLeft,
    "Conv2DBackpropFilter",
  );
  const out = wasm.makeOutput([g.filterHeight, g.filterWidth, c, k], "float32");
  try {
    wasm.typedArrayFromHeap(out).fill(0);
    const offset = (t: tf.TensorInfo) => heapOffset(backend, t, "Conv2DBackpropFilter");
    const job: FilterGradJob = {
      x: xp.at,
      dy: offset(dy),
      out: offset(out),
      n,
      hp: xp.hp,
      wp: xp.wp,
      c,
      oh,
      ow,
      k,
      kh: g.filterHeight,
      kw: g.filterWidth,
      sh: g.strides[0],
      sw: g.strides[1],
      bandRows: bandRowsFor(oh, ow),
    };
    const run = pointwise(job) ?? job;
    const [rowTiles, colTiles] = tilesFor(run, pool.threads);
    pool.run(
      HeapJobs.filterGrad,
      [...FILTER_JOB_FIELDS.map((f) => run[f]), rowTiles, colTiles],
      [],
      rowTiles * colTiles,
    );
    return out;
  } catch (e) {
    backend.disposeData(out.dataId);
    throw e;
  } finally {
    xp.release();
  }
}
