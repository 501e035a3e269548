/**
 * `Conv2D` and `FusedConv2D` (bias, ReLU) on the wasm backend with the toolkit's own SIMD conv
 * panels (`_conv2d_positions.ts`), on every wasm thread (`_panel_threads.ts`), reading the input
 * and the filter in place on the wasm heap and writing the output there. Used by the models'
 * layers and by the input gradients (`_conv_backprop_input.ts` runs stride-1 convolutions).
 *
 * Measured on nn2's layers at batch 32 (2 cores): one thread of the panels runs at 30–35
 * GFLOP/s, about what XNNPACK's convolution reaches on one thread, but XNNPACK's gains little from
 * a second thread on these shapes (24–55 GFLOP/s on two), where the panels split the output
 * positions evenly.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { CONV_JOB_FIELDS, type ConvJob } from "./_conv2d_positions.ts";
import {
  heapOffset,
  heapPoolOf,
  paddedOnHeap,
  type WasmBackendLike,
  wasmHeapOf,
} from "./_panel_threads.ts";
import { HeapJobs } from "./_heap_jobs.ts";

/** The attributes of Conv2D / FusedConv2D the panels read. */
export interface ConvPanelAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
  activation?: string;
}

/** Whether the panels compute this convolution (else {@link conv2dByPanels} returns undefined). */
export function convPanelsCover(
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: ConvPanelAttrs,
  extraInputs: (tf.TensorInfo | undefined)[] = [],
): boolean {
  if (wasmHeapOf(backend) == null) return false;
  if (x.dtype !== "float32" || filter.dtype !== "float32") return false;
  if (extraInputs.some((t) => t != null && t.dtype !== "float32")) return false;
  if (filter.shape[3] % 4 !== 0 || x.shape.length !== 4) return false;
  if (attrs.dataFormat != null && attrs.dataFormat !== "NHWC") return false;
  const d = attrs.dilations ?? 1;
  if (!(d === 1 || (Array.isArray(d) && d[0] === 1 && d[1] === 1))) return false;
  const act = attrs.activation ?? "linear";
  return act === "linear" || act === "relu";
}

/**
 * `conv2d(x, filter) + bias`, then a ReLU when `attrs.activation` is "relu", on the wasm heap; or
 * undefined where the panels do not apply (see {@link convPanelsCover}). Call from a kernel: the
 * returned tensor info is the kernel's output.
 */
export function conv2dByPanels(
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  attrs: ConvPanelAttrs,
): tf.TensorInfo | undefined {
  if (!convPanelsCover(backend, x, filter, attrs, [bias])) return undefined;
  const [kh, kw, c, k] = filter.shape;
  if (bias != null && bias.shape.reduce((a, b) => a * b, 1) !== k) return undefined; // broadcast
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [n, oh, ow] = [info.batchSize, info.outHeight, info.outWidth];
  const positions = n * oh * ow;
  const wasm = backend as unknown as WasmBackendLike;
  const out = wasm.makeOutput([n, oh, ow, k], "float32");
  if (positions === 0) return out;
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const pool = heapPoolOf(backend)!;
  // The input as the taps read it: rows −top … and columns −left … of the padded image.
  const xp = paddedOnHeap(
    backend,
    pool,
    x,
    kh + (oh - 1) * sh,
    kw + (ow - 1) * sw,
    info.padInfo.top,
    info.padInfo.left,
    "Conv2D",
  );
  const scratch: tf.TensorInfo[] = [];
  try {
    const zeros = bias == null ? wasm.makeOutput([k], "float32") : undefined;
    if (zeros) scratch.push(zeros);
    const ind = wasm.makeOutput([positions], "int32");
    scratch.push(ind);
    // Views after every allocation (an allocation may grow the heap and replace its buffer).
    if (zeros) wasm.typedArrayFromHeap(zeros).fill(0);
    const at = (t: tf.TensorInfo) => heapOffset(backend, t, "Conv2D");
    const { hp, wp } = xp;
    const xAt = xp.at;
    const list = new Int32Array(wasmHeapOf(backend)!.buffer, at(ind), positions);
    let p = 0;
    for (let img = 0; img < n; img++) {
      for (let r = 0; r < oh; r++) {
        const row = xAt + (img * hp + sh * r) * wp * c * 4;
        for (let q = 0; q < ow; q++) list[p++] = row + sw * q * c * 4;
      }
    }
    const job: ConvJob = {
      ind: at(ind),
      w: at(filter),
      bias: at(zeros ?? bias!),
      out: at(out),
      positions,
      kh,
      run: kw * c,
      rowBytes: wp * c * 4,
      k,
      relu: attrs.activation === "relu" ? 1 : 0,
    };
    // Blocks of 4 positions; a tile per thread unless there are too few positions to share.
    const tiles = Math.max(1, Math.min(pool.threads, Math.floor(positions / 16)));
    pool.run(HeapJobs.conv, CONV_JOB_FIELDS.map((f) => job[f]), [], tiles);
    return out;
  } catch (e) {
    backend.disposeData(out.dataId);
    throw e;
  } finally {
    xp.release();
    for (const t of scratch) backend.disposeData(t.dataId);
  }
}
