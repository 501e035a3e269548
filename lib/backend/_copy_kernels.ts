/**
 * wasm kernels for memory-bound passes, on every wasm thread (`_panel_threads.ts`, loops in
 * `_copy_ranges.ts`), reading and writing the heap in place:
 *
 * - `_NativeReluGrad` (ReLU's gradient, `dy · step(x)`) in one pass, where tfjs runs Step, Cast and
 *   Multiply, three single-threaded passes, after every convolution of a training step;
 * - `SplitV` and `Concat` (the inception blocks' concatenation and its gradient) as row copies,
 *   where wasm's own run a Slice or a copy per part on one thread.
 *
 * Each returns undefined where it does not apply (another backend, not float32), and the caller
 * then runs the stock kernel.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { heapOffset, heapPoolOf, type WasmBackendLike } from "./_panel_threads.ts";
import { HeapJobs } from "./_heap_jobs.ts";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Elements below which a pass runs on the main thread alone (waking a helper costs more). */
const SHARE_MIN = 16384;

/** ReLU's gradient from dy and ReLU's input (or output) x. */
export function reluGradOnHeap(args: KernelArgs): tf.TensorInfo | undefined {
  const { dy, x } = args.inputs;
  const pool = heapPoolOf(args.backend);
  if (!pool || dy == null || x == null || dy.dtype !== "float32" || x.dtype !== "float32") {
    return undefined;
  }
  const n = size(dy.shape);
  if (size(x.shape) !== n) return undefined;
  const out = (args.backend as unknown as WasmBackendLike).makeOutput(dy.shape, "float32");
  const at = (t: tf.TensorInfo) => heapOffset(args.backend, t, "ReluGrad");
  pool.run(HeapJobs.reluGrad, [at(dy), at(x), at(out), n], [], n < SHARE_MIN ? 1 : pool.threads);
  return out;
}

/** Rows (the axes before `axis`) and each part's width (its axes from `axis` on). */
function rowsAndWidths(shapes: number[][], axis: number): [number, number[]] {
  const rows = size(shapes[0].slice(0, axis));
  return [rows, shapes.map((s) => size(s.slice(axis)))];
}

/** Most parts one job carries (its integers: 4 + 2 per part). */
const MAX_PARTS = 20;

function copyJob(
  args: KernelArgs,
  whole: tf.TensorInfo,
  parts: tf.TensorInfo[],
  axis: number,
  concat: boolean,
  kernelName: string,
): void {
  const pool = heapPoolOf(args.backend)!;
  const [rows, widths] = rowsAndWidths(parts.map((p) => p.shape), axis);
  const at = (t: tf.TensorInfo) => heapOffset(args.backend, t, kernelName);
  const ints = [concat ? 1 : 0, rows, parts.length, at(whole)];
  parts.forEach((p, j) => ints.push(at(p), widths[j]));
  pool.run(
    HeapJobs.split,
    ints,
    [],
    size(whole.shape) < SHARE_MIN ? 1 : Math.min(rows, pool.threads),
  );
}

/** `SplitV` along any axis. */
export function splitOnHeap(args: KernelArgs): tf.TensorInfo[] | undefined {
  const x = args.inputs.x;
  if (!heapPoolOf(args.backend) || x == null || x.dtype !== "float32") return undefined;
  const attrs = args.attrs as unknown as {
    numOrSizeSplits: number | number[];
    axis: number | number[];
  };
  const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(
    x as unknown as tf.Tensor,
    attrs.numOrSizeSplits,
    axis,
  );
  if (sizes.length > MAX_PARTS) return undefined;
  const wasm = args.backend as unknown as WasmBackendLike;
  const parts = sizes.map((s) => {
    const shape = [...x.shape];
    shape[axis] = s;
    return wasm.makeOutput(shape, "float32");
  });
  if (size(x.shape) > 0) copyJob(args, x, parts, axis, false, "SplitV");
  return parts;
}

/** `Concat` along any axis (every input float32, empty inputs dropped). */
export function concatOnHeap(args: KernelArgs): tf.TensorInfo | undefined {
  const inputs = Object.keys(args.inputs).sort((a, b) => Number(a) - Number(b))
    .map((k) => args.inputs[k]!);
  if (!heapPoolOf(args.backend) || inputs.length === 0) return undefined;
  if (inputs.some((t) => t.dtype !== "float32")) return undefined;
  const attrs = args.attrs as unknown as { axis: number | number[] };
  const axis = tf.util.parseAxisParam(attrs.axis, inputs[0].shape)[0];
  const shapes = inputs.map((t) => t.shape);
  tf.backend_util.assertParamsConsistent(shapes, axis);
  const outShape = tf.backend_util.computeOutShape(shapes, axis);
  const parts = inputs.filter((t) => size(t.shape) > 0);
  if (parts.length > MAX_PARTS) return undefined;
  const out = (args.backend as unknown as WasmBackendLike).makeOutput(outShape, "float32");
  if (parts.length > 0) copyJob(args, out, parts, axis, true, "Concat");
  return out;
}
