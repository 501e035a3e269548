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

/** Sub-filter `filter[rh::sh, rw::sw]` reversed on both spatial axes. */
function subFilterReversed(
  filter: tf.Tensor4D,
  strides: [number, number],
  phase: [number, number],
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
  return tf.reverse(sub, [0, 1]);
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
  return phased(dy, inputShape, [kh, kw], geometry, (d, phase, pads) => {
    // [mh, mw, ci, co] → [mh, mw, co, ci]: the correlation maps dy's co channels back to ci.
    const f = tf.transpose(subFilterReversed(filter, geometry.strides, phase), [0, 1, 3, 2]);
    return tf.conv2d(d, f as tf.Tensor4D, 1, explicitPad(pads));
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
  return phased(dy, inputShape, [kh, kw], geometry, (d, phase, pads) => {
    const sub = subFilterReversed(filter, geometry.strides, phase);
    const f = tf.reshape(sub, [sub.shape[0], sub.shape[1], c * m, 1]) as tf.Tensor4D;
    const out = tf.depthwiseConv2d(d, f, 1, explicitPad(pads));
    if (m === 1) return out;
    const [b, oh, ow] = out.shape;
    return tf.sum(tf.reshape(out, [b, oh, ow, c, m]), 4) as tf.Tensor4D;
  });
}
