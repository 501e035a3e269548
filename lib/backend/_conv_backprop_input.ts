/**
 * Input gradients of strided 2-D convolutions (regular and depthwise) as stride-1 convolutions.
 *
 * The gradient of a stride-s convolution splits into s×s phases (see {@link planAxis}); each phase
 * is one stride-1 correlation of dy with a reversed sub-filter, run by the backend's fast forward
 * convolution, and the phases are interleaved. No zeros are inserted, so the work equals the
 * forward pass's.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { cropForPadding, explicitPad, planAxis } from "./_conv_geometry.ts";
import { heapOffset, heapPoolOf, type WasmBackendLike } from "./_panel_threads.ts";
import { FLIP_FIELDS, HeapJobs } from "./_heap_jobs.ts";
import { subFilterTaps } from "./_copy_ranges.ts";

/** Geometry both input gradients need: strides and the forward pass's top/left padding. */
export interface BackpropGeometry {
  strides: [number, number];
  padTop: number;
  padLeft: number;
}

/**
 * Runs the phase decomposition. `correlate(dy, taps, pads)` must return the stride-1 correlation
 * of `dy` (already cropped) with the reversed sub-filter `filter[rh::sh, rw::sw]`, padded by `pads`.
 */
function phased(
  dy: tf.Tensor4D,
  inputShape: [number, number, number, number],
  filterSize: [number, number],
  geometry: BackpropGeometry,
  correlate: (
    dy: tf.Tensor4D,
    phase: [number, number],
    pads: [[number, number], [number, number]],
  ) => tf.Tensor4D,
): tf.Tensor4D {
  const [n, h, w, c] = inputShape;
  const [sh, sw] = geometry.strides;
  const rows = planAxis(h, dy.shape[1], filterSize[0], sh, geometry.padTop);
  const cols = planAxis(w, dy.shape[2], filterSize[1], sw, geometry.padLeft);
  const outs: tf.Tensor4D[][] = [];
  for (let rh = 0; rh < sh; rh++) {
    const line: tf.Tensor4D[] = [];
    for (let rw = 0; rw < sw; rw++) {
      const ph = rows.phases[rh];
      const pw = cols.phases[rw];
      if (ph.taps === 0 || pw.taps === 0) {
        line.push(tf.zeros([n, rows.count, cols.count, c]));
        continue;
      }
      const cut = cropForPadding(dy, [ph.pad, pw.pad]);
      line.push(correlate(cut.x, [rh, rw], cut.pads));
    }
    outs.push(line);
  }
  let full: tf.Tensor4D;
  if (sh === 1 && sw === 1) full = outs[0][0];
  else {
    const lines = outs.map((line) =>
      sw === 1
        ? line[0]
        : tf.reshape(tf.stack(line, 3), [n, rows.count, cols.count * sw, c]) as tf.Tensor4D
    );
    full = sh === 1
      ? lines[0]
      : tf.reshape(tf.stack(lines, 2), [n, rows.count * sh, cols.count * sw, c]) as tf.Tensor4D;
  }
  if (rows.offset === 0 && cols.offset === 0 && full.shape[1] === h && full.shape[2] === w) {
    return full;
  }
  return tf.slice(full, [0, rows.offset, cols.offset, 0], [n, h, w, c]);
}

/** Sub-filter `filter[rh::sh, rw::sw]` reversed on both spatial axes, with tfjs ops. */
function subFilterReversedByOps(
  filter: tf.Tensor4D,
  strides: [number, number],
  phase: [number, number],
  swapIO: boolean,
): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const sub = strides[0] === 1 && strides[1] === 1
    ? filter
    : tf.stridedSlice(filter, [phase[0], phase[1], 0, 0], [kh, kw, ci, co], [
      strides[0],
      strides[1],
      1,
      1,
    ]) as tf.Tensor4D;
  const flipped = tf.reverse(sub, [0, 1]);
  return swapIO ? tf.transpose(flipped, [0, 1, 3, 2]) : flipped;
}

/**
 * The same in one typed-array pass over the filter's values (read once per gradient): wasm's
 * Reverse + StridedSlice + Transpose cost about as much as a small convolution.
 */
function subFilterReversedByLoop(
  values: Float32Array,
  shape: [number, number, number, number],
  strides: [number, number],
  phase: [number, number],
  swapIO: boolean,
): tf.Tensor4D {
  const [kh, kw, ci, co] = shape;
  const mh = Math.ceil((kh - phase[0]) / strides[0]);
  const mw = Math.ceil((kw - phase[1]) / strides[1]);
  const out = new Float32Array(mh * mw * ci * co);
  const block = ci * co;
  for (let i = 0; i < mh; i++) {
    const fh = phase[0] + strides[0] * (mh - 1 - i);
    for (let j = 0; j < mw; j++) {
      const fw = phase[1] + strides[1] * (mw - 1 - j);
      const src = (fh * kw + fw) * block;
      const dst = (i * mw + j) * block;
      if (!swapIO) out.set(values.subarray(src, src + block), dst);
      else {
        for (let c = 0; c < ci; c++) {
          for (let o = 0; o < co; o++) out[dst + o * ci + c] = values[src + c * co + o];
        }
      }
    }
  }
  return tf.tensor4d(out, swapIO ? [mh, mw, co, ci] : [mh, mw, ci, co]);
}

/** How the reversed sub-filters are built: "loop" (default) or "ops"; for benchmarks and tests. */
let flipMode: "loop" | "ops" = "loop";

/**
 * Selects how input gradients flip their filter (see {@link subFilterReversedByLoop}); returns the
 * previous mode. For benchmarks and tests.
 */
export function setFilterFlipMode(mode: "loop" | "ops"): "loop" | "ops" {
  const previous = flipMode;
  flipMode = mode;
  return previous;
}

/** Returns `phase → reversed sub-filter` for one gradient (reads the filter at most once). */
function subFiltersReversed(
  filter: tf.Tensor4D,
  strides: [number, number],
  swapIO: boolean,
): (phase: [number, number]) => tf.Tensor4D {
  if (flipMode === "ops" || filter.dtype !== "float32") {
    return (phase) => subFilterReversedByOps(filter, strides, phase, swapIO);
  }
  const backend = tf.engine().backend;
  const pool = heapPoolOf(backend);
  if (pool) {
    // On wasm: written straight into the heap on every thread (no read-back, no upload).
    const [kh, kw, ci, co] = filter.shape;
    return (phase) => {
      const g = {
        kh,
        kw,
        ci,
        co,
        sh: strides[0],
        sw: strides[1],
        phaseH: phase[0],
        phaseW: phase[1],
        swapIO: swapIO ? 1 : 0,
      };
      const [mh, mw] = subFilterTaps(g);
      const shape = swapIO ? [mh, mw, co, ci] : [mh, mw, ci, co];
      const out = (backend as unknown as WasmBackendLike).makeOutput(shape, "float32");
      const at = (t: tf.TensorInfo) => heapOffset(backend, t, "Conv2DBackpropInput");
      const big = mh * mw * ci * co >= 16384;
      pool.run(
        HeapJobs.flip,
        [at(filter), at(out), ...FLIP_FIELDS.map((f) => g[f])],
        [],
        big ? Math.min(mh * mw, pool.threads) : 1,
      );
      return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor4D;
    };
  }
  // Inside a kernel, reading the backend synchronously is allowed (no GPU backend runs this).
  const values = tf.engine().backend.readSync(filter.dataId) as Float32Array;
  return (phase) => subFilterReversedByLoop(values, filter.shape, strides, phase, swapIO);
}

/**
 * dL/dx of `conv2d(x, filter, strides, pad)` (NHWC, dilation 1) from dy, with forward convs only.
 * Call inside tf.tidy (intermediates are not disposed here).
 */
export function conv2dBackpropInputByConv(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  geometry: BackpropGeometry,
): tf.Tensor4D {
  const [kh, kw] = filter.shape;
  // [mh, mw, ci, co] → [mh, mw, co, ci]: the correlation maps dy's co channels back to ci.
  const subFilter = subFiltersReversed(filter, geometry.strides, true);
  return phased(dy, inputShape, [kh, kw], geometry, (d, phase, pads) => {
    return tf.conv2d(d, subFilter(phase), 1, explicitPad(pads));
  });
}

/**
 * dL/dx of `depthwiseConv2d(x, filter, strides, pad)` (NHWC, dilation 1; filter [kh, kw, c, m]).
 * Call inside tf.tidy.
 */
export function depthwiseBackpropInputByConv(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  geometry: BackpropGeometry,
): tf.Tensor4D {
  const [kh, kw, c, m] = filter.shape;
  const subFilter = subFiltersReversed(filter, geometry.strides, false);
  return phased(dy, inputShape, [kh, kw], geometry, (d, phase, pads) => {
    const sub = subFilter(phase);
    const f = tf.reshape(sub, [sub.shape[0], sub.shape[1], c * m, 1]) as tf.Tensor4D;
    const out = tf.depthwiseConv2d(d, f, 1, explicitPad(pads));
    if (m === 1) return out;
    const [b, oh, ow] = out.shape;
    return tf.sum(tf.reshape(out, [b, oh, ow, c, m]), 4) as tf.Tensor4D;
  });
}
