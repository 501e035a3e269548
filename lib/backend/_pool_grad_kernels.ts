/**
 * Pooling gradients as plain typed-array loops, 3–4× faster than tfjs-backend-wasm 4.22's own
 * C++ loops, which revisit every window for each input pixel; here each output scatters into its
 * window once. MaxPoolGrad routes the gradient to the first maximum in row-major window order (as
 * the cpu backend and TensorFlow do); given the forward output (tfjs's gradient of maxPool passes
 * it), it looks for the first position equal to the window's maximum instead of tracking one
 * (with the in-place views below, 1.1–1.4× faster on NN2's pools). AvgPoolGrad divides by the
 * window size, as both stock backends do (including windows clipped by 'same' padding).
 *
 * On wasm each reads its inputs and writes its output in place on the wasm heap (see
 * `_heap_views.ts`); elsewhere through `readSync` and `backend.write`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { inputOf } from "./_conv_geometry.ts";
import { float32Views } from "./_heap_views.ts";

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

/** MaxPoolGrad: each output's gradient goes to the first maximum of its window. */
export function maxPoolGradKernel(args: KernelArgs): tf.TensorInfo {
  const dy = inputOf(args.inputs, "dy", "MaxPoolGrad");
  const input = inputOf(args.inputs, "input", "MaxPoolGrad");
  const info = poolInfo(input.shape, args.attrs as unknown as PoolAttrs);
  if (args.inputs.output != null && args.inputs.output.dtype === "float32") {
    return maxPoolGradFromOutput(args, input, dy, args.inputs.output, info);
  }
  const views = float32Views(args.backend, [input, dy], input.shape, "MaxPoolGrad");
  const [x, g] = views.inputs;
  const dx = views.output.fill(0);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } =
    info;
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
  return views.finish();
}

/**
 * MaxPoolGrad given the forward output y (tfjs's gradient of maxPool passes it): each window's
 * gradient goes to the first position, in row-major order, whose value equals the window's
 * maximum y, the same position as the running maximum finds, with no per-window state; zero
 * gradients are skipped.
 */
function maxPoolGradFromOutput(
  args: KernelArgs,
  input: tf.TensorInfo,
  dy: tf.TensorInfo,
  output: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const views = float32Views(args.backend, [input, dy, output], input.shape, "MaxPoolGrad");
  const [x, g, y] = views.inputs;
  const dx = views.output.fill(0);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } =
    info;
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
        for (let k = 0; k < c; k++, gi++) {
          const gv = g[gi];
          if (gv === 0) continue;
          const m = y[gi];
          search: for (let yy = hLo; yy < hHi; yy++) {
            let p = ((b * h + yy) * w + wLo) * c + k;
            for (let xx = wLo; xx < wHi; xx++, p += c) {
              if (x[p] === m) {
                dx[p] += gv;
                break search;
              }
            }
          }
        }
      }
    }
  }
  return views.finish();
}

/** AvgPoolGrad: each output's gradient, divided by the window size, spread over its window. */
export function avgPoolGradKernel(args: KernelArgs): tf.TensorInfo {
  const dy = inputOf(args.inputs, "dy", "AvgPoolGrad");
  const input = inputOf(args.inputs, "input", "AvgPoolGrad");
  const info = poolInfo(input.shape, args.attrs as unknown as PoolAttrs);
  const views = float32Views(args.backend, [dy], input.shape, "AvgPoolGrad");
  const [g] = views.inputs;
  const dx = views.output.fill(0);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } =
    info;
  const scale = 1 / (info.filterHeight * info.filterWidth);
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
  return views.finish();
}
