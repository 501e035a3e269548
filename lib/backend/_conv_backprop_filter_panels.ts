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
import * as tf from "@tensorflow/tfjs";
import { asTensor } from "./_conv_geometry.ts";
import { type FilterGeometry, padForTaps } from "./_conv_backprop_filter.ts";
import { bandRowsFor, type FilterGradJob } from "./_filter_grad_panels.ts";
import { panelPool } from "./_panel_threads.ts";
import { startedWasmThreads } from "./wasm_threads.ts";

/** The parts of tfjs-backend-wasm's BackendWasm and its Emscripten module used here. */
interface WasmBackendLike {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(id: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/** The wasm heap of `backend`, or undefined when it is not the wasm backend. */
function heapOf(backend: tf.KernelBackend): WebAssembly.Memory | undefined {
  const b = backend as unknown as Partial<WasmBackendLike>;
  if (typeof b.makeOutput !== "function" || b.dataIdMap == null || b.wasm == null) return undefined;
  const memory = b.wasm.wasmMemory ?? b.wasm.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

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
  return heapOf(backend) != null && x.dtype === "float32" && dy.dtype === "float32" &&
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
  const memory = heapOf(backend)!;
  const wasm = backend as unknown as WasmBackendLike;
  const [n, oh, ow, k] = dy.shape;
  const c = x.shape[3];
  // The input as tap (i, j) reads it; a reshape (same data) where no padding is needed.
  const xp = tf.tidy(() => padForTaps(asTensor(x) as tf.Tensor4D, dy.shape, g));
  try {
    const out = wasm.makeOutput([g.filterHeight, g.filterWidth, c, k], "float32");
    wasm.typedArrayFromHeap(out).fill(0);
    const offset = (t: tf.TensorInfo) => {
      const at = wasm.dataIdMap.get(t.dataId)?.memoryOffset;
      if (at == null) throw new Error("Conv2DBackpropFilter: a tensor is not on the wasm heap");
      return at;
    };
    const job: FilterGradJob = {
      x: offset(xp),
      dy: offset(dy),
      out: offset(out),
      n,
      hp: xp.shape[1],
      wp: xp.shape[2],
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
    panelPool(memory, startedWasmThreads()).run(pointwise(job) ?? job);
    return out;
  } finally {
    xp.dispose();
  }
}
