/**
 * UnsortedSegmentSum (the gradient of tf.gather) as one pass over the data: `out[ids[i]] += x[i]`.
 * Works on any backend that can read and write its own data (wasm, cpu); ids outside
 * `[0, numSegments)` are dropped, as TensorFlow does.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { inputOf } from "./_conv_geometry.ts";

/** Kernel function for UnsortedSegmentSum. */
export function unsortedSegmentSumKernel(
  { inputs, backend, attrs }: {
    inputs: tf.NamedTensorInfoMap;
    backend: tf.KernelBackend;
    attrs?: tf.NamedAttrMap;
  },
): tf.TensorInfo {
  const x = inputOf(inputs, "x", "UnsortedSegmentSum");
  const segmentIds = inputOf(inputs, "segmentIds", "UnsortedSegmentSum");
  const numSegments = Number((attrs as { numSegments: number }).numSegments);
  const idRank = segmentIds.shape.length;
  const prefix = x.shape.slice(0, idRank);
  if (prefix.some((d, i) => d !== segmentIds.shape[i])) {
    throw new Error(
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must prefix x shape [${x.shape}]`,
    );
  }
  const inner = x.shape.slice(idRank).reduce((a, b) => a * b, 1);
  const ids = backend.readSync(segmentIds.dataId) as ArrayLike<number>;
  const values = backend.readSync(x.dataId) as ArrayLike<number>;
  const outShape = [numSegments, ...x.shape.slice(idRank)];
  const out = x.dtype === "int32"
    ? new Int32Array(numSegments * inner)
    : new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += values[src + j];
  }
  const dtype = x.dtype === "int32" ? "int32" : "float32";
  return { dataId: backend.write(out, outShape, dtype), shape: outShape, dtype };
}
