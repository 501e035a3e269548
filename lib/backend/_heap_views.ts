/**
 * Zero-copy access to kernel tensors for the toolkit's typed-array kernels. On wasm a tensor's
 * values live in the wasm heap: `backend.readSync` copies them out and `backend.write` copies
 * results back in, two extra passes over memory per tensor. These helpers give Float32Array views
 * of the heap instead (wasm's own `makeOutput` / `typedArrayFromHeap`), and fall back to the
 * copying calls on other backends.
 *
 * Views are taken after the output is allocated (allocation may grow the heap, which replaces
 * `HEAPU8`'s buffer) and must not be kept past the kernel call.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** The parts of tfjs-backend-wasm's BackendWasm these helpers use. */
export interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

function isWasm(backend: tf.KernelBackend): backend is tf.KernelBackend & WasmLike {
  const b = backend as unknown as Partial<WasmLike>;
  return typeof b.makeOutput === "function" && typeof b.typedArrayFromHeap === "function";
}

/** A float32 output of `shape` and the views of `inputs` and of the output, for one kernel call. */
export function float32Views(
  backend: tf.KernelBackend,
  inputs: tf.TensorInfo[],
  shape: number[],
  kernelName: string,
): { inputs: Float32Array[]; output: Float32Array; finish: () => tf.TensorInfo } {
  for (const t of inputs) {
    if (t.dtype !== "float32") {
      throw new Error(`${kernelName}: inputs must be float32, got ${t.dtype}`);
    }
  }
  if (isWasm(backend)) {
    const info = backend.makeOutput(shape, "float32");
    const output = backend.typedArrayFromHeap(info);
    const views = inputs.map((t) => backend.typedArrayFromHeap(t));
    return { inputs: views, output, finish: () => info };
  }
  const output = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const views = inputs.map((t) => backend.readSync(t.dataId) as Float32Array);
  return {
    inputs: views,
    output,
    finish: () => ({ dataId: backend.write(output, shape, "float32"), shape, dtype: "float32" }),
  };
}
