/**
 * wasm `Sum` over the leading axes of a float32 tensor (keeping the trailing ones), e.g. the bias
 * gradient of a convolution (dy [n, h, w, c] summed to [c]), as one pass over rows in place on the
 * wasm heap, with float64 accumulators, the columns split between the wasm threads
 * (`_panel_threads.ts`). tfjs-backend-wasm 4.22 reduces only innermost axes: it
 * transposes the tensor first (a full copy in a strided order) and then sums. Other reductions
 * go to the stock kernel.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { inputOf } from "./_conv_geometry.ts";
import { float32Views } from "./_heap_views.ts";
import { columnSums } from "./_copy_ranges.ts";
import { heapOffset, heapPoolOf, type WasmBackendLike } from "./_panel_threads.ts";
import { HeapJobs } from "./_heap_jobs.ts";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};
type KernelFn = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** The fast `Sum` for leading-axis reductions; `stock` runs every other one. */
export function sumKernel(stock: () => KernelFn): KernelFn {
  return (args) => {
    const x = inputOf(args.inputs, "x", "Sum");
    const rank = x.shape.length;
    if (x.dtype !== "float32" || rank < 2) return stock()(args);
    const axes = tf.util.parseAxisParam((args.attrs?.axis ?? null) as number | number[], x.shape);
    const sorted = [...new Set(axes)].sort((a, b) => a - b);
    const leading = sorted.length < rank && sorted.every((a, i) => a === i);
    if (!leading) return stock()(args);
    const k = sorted.length;
    const kept = x.shape.slice(k);
    const outShape = args.attrs?.keepDims ? [...sorted.map(() => 1), ...kept] : kept;
    const cols = kept.reduce((p, q) => p * q, 1);
    const rows = x.shape.slice(0, k).reduce((p, q) => p * q, 1);
    const pool = heapPoolOf(args.backend);
    if (pool) {
      // On wasm: columns split between the threads, each summed in row order (same values).
      const out = (args.backend as unknown as WasmBackendLike).makeOutput(outShape, "float32");
      const at = (t: tf.TensorInfo) => heapOffset(args.backend, t, "Sum");
      const tiles = rows * cols >= 16384 && cols >= 32 ? pool.threads : 1;
      pool.run(HeapJobs.columnSum, [at(x), at(out), rows, cols], [], tiles);
      return out;
    }
    const views = float32Views(args.backend, [x], outShape, "Sum");
    columnSums(views.inputs[0], views.output, rows, cols, 0, cols);
    return views.finish();
  };
}
