/**
 * Pooling gradients as plain typed-array loops, 3–4× faster than tfjs-backend-wasm 4.22's own
 * C++ loops, which revisit every window for each input pixel; here each output scatters into its
 * window once. MaxPoolGrad routes the gradient to the first maximum in row-major window order (as
 * the cpu backend and TensorFlow do); given the forward output (tfjs's gradient of maxPool passes
 * it), it looks for the first position equal to the window's maximum instead of tracking one
 * (with the in-place views below, 1.1–1.4× faster on NN2's pools). AvgPoolGrad divides by the
 * window size, as both stock backends do (including windows clipped by 'same' padding).
 *
 * On wasm each reads its inputs and writes its output in place on the wasm heap, on every wasm
 * thread (a range of images each, see `_panel_threads.ts`); elsewhere through `readSync` and
 * `backend.write` (see `_heap_views.ts`). The loops are in `_pool_grad_ranges.ts`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { inputOf } from "./_conv_geometry.ts";
import { float32Views } from "./_heap_views.ts";
import {
  avgPoolGradImages,
  maxPoolGradFromOutputImages,
  maxPoolGradImages,
  POOL_FIELDS,
  type PoolRangeGeometry,
} from "./_pool_grad_ranges.ts";
import { heapOffset, heapPoolOf, requireFloat32, type WasmBackendLike } from "./_panel_threads.ts";
import { type HeapJobKind, HeapJobs } from "./_heap_jobs.ts";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function poolInfo(inShape: number[], a: PoolAttrs) {
  return tf.backend_util.computePool2DInfo(
    inShape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
}

function geometryOf(info: tf.backend_util.Conv2DInfo): PoolRangeGeometry {
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    c: info.inChannels,
    oh: info.outHeight,
    ow: info.outWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
  };
}

/**
 * On wasm: a float32 output of `shape`, computed by job `kind` over ranges of images on every
 * thread from the inputs' heap addresses and the geometry. Undefined on other backends.
 */
function onHeap(
  args: KernelArgs,
  kind: HeapJobKind,
  inputs: tf.TensorInfo[],
  shape: number[],
  p: PoolRangeGeometry,
  kernelName: string,
): tf.TensorInfo | undefined {
  const pool = heapPoolOf(args.backend);
  if (!pool) return undefined;
  requireFloat32(inputs, kernelName);
  const out = (args.backend as unknown as WasmBackendLike).makeOutput(shape, "float32");
  const at = (t: tf.TensorInfo) => heapOffset(args.backend, t, kernelName);
  const ints = [...inputs.map(at), at(out), ...POOL_FIELDS.map((f) => p[f])];
  pool.run(kind, ints, [], Math.min(p.n, pool.threads));
  return out;
}

/** MaxPoolGrad: each output's gradient goes to the first maximum of its window. */
export function maxPoolGradKernel(args: KernelArgs): tf.TensorInfo {
  const dy = inputOf(args.inputs, "dy", "MaxPoolGrad");
  const input = inputOf(args.inputs, "input", "MaxPoolGrad");
  const p = geometryOf(poolInfo(input.shape, args.attrs as unknown as PoolAttrs));
  const output = args.inputs.output;
  if (output != null && output.dtype === "float32") {
    // Given the forward output (tfjs's gradient of maxPool passes it): no running maximum, 1.1–1.4×
    // faster on NN2's pools.
    const fast = onHeap(
      args,
      HeapJobs.maxPoolGradFromOutput,
      [input, dy, output],
      input.shape,
      p,
      "MaxPoolGrad",
    );
    if (fast) return fast;
    const views = float32Views(args.backend, [input, dy, output], input.shape, "MaxPoolGrad");
    const [x, g, y] = views.inputs;
    maxPoolGradFromOutputImages(x, g, y, views.output, p, 0, p.n);
    return views.finish();
  }
  const fast = onHeap(args, HeapJobs.maxPoolGrad, [input, dy], input.shape, p, "MaxPoolGrad");
  if (fast) return fast;
  const views = float32Views(args.backend, [input, dy], input.shape, "MaxPoolGrad");
  const [x, g] = views.inputs;
  maxPoolGradImages(x, g, views.output, p, 0, p.n);
  return views.finish();
}

/** AvgPoolGrad: each output's gradient, divided by the window size, spread over its window. */
export function avgPoolGradKernel(args: KernelArgs): tf.TensorInfo {
  const dy = inputOf(args.inputs, "dy", "AvgPoolGrad");
  const input = inputOf(args.inputs, "input", "AvgPoolGrad");
  const p = geometryOf(poolInfo(input.shape, args.attrs as unknown as PoolAttrs));
  const fast = onHeap(args, HeapJobs.avgPoolGrad, [dy], input.shape, p, "AvgPoolGrad");
  if (fast) return fast;
  const views = float32Views(args.backend, [dy], input.shape, "AvgPoolGrad");
  avgPoolGradImages(views.inputs[0], views.output, p, 0, p.n);
  return views.finish();
}
