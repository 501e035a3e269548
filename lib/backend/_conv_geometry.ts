/**
 * Internal helpers shared by the training kernels: the 1-D geometry of a strided convolution and
 * the small tensor utilities the kernels compose (crop-then-pad, Tensor views of TensorInfos).
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * A view of a kernel input as a Tensor, without copying: a Reshape to the same shape shares the
 * data and takes its own reference, so disposing the view leaves the input intact.
 */
export function asTensor<R extends tf.Rank = tf.Rank>(info: tf.TensorInfo): tf.Tensor<R> {
  const inputs = { x: info } as unknown as tf.NamedTensorMap;
  return tf.engine().runKernel("Reshape", inputs, { shape: info.shape }) as tf.Tensor<R>;
}

/** A kernel's named input, or an error naming the kernel and the missing input. */
export function inputOf(
  inputs: tf.NamedTensorInfoMap,
  name: string,
  kernelName: string,
): tf.TensorInfo {
  const info = inputs[name];
  if (info == null) throw new Error(`${kernelName}: missing input '${name}'`);
  return info;
}

/**
 * Crops (negative amounts) and zero-pads (positive amounts) the spatial axes 1 and 2 of an NHWC
 * tensor. Returns the cropped tensor and the non-negative padding still to apply.
 */
export function cropForPadding(
  x: tf.Tensor4D,
  pads: [[number, number], [number, number]],
): { x: tf.Tensor4D; pads: [[number, number], [number, number]] } {
  const begin = [0, 0, 0, 0];
  const size = [...x.shape];
  const rest: [[number, number], [number, number]] = [[0, 0], [0, 0]];
  let crop = false;
  for (let a = 0; a < 2; a++) {
    const [before, after] = pads[a];
    if (before < 0) {
      begin[a + 1] = -before;
      size[a + 1] += before;
      crop = true;
    } else rest[a][0] = before;
    if (after < 0) {
      size[a + 1] += after;
      crop = true;
    } else rest[a][1] = after;
  }
  if (size.some((s) => s <= 0)) {
    throw new Error(`cropForPadding: padding ${JSON.stringify(pads)} empties shape ${x.shape}`);
  }
  return { x: crop ? tf.slice(x, begin, size) : x, pads: rest };
}

/** Explicit NHWC padding for tf.conv2d / tf.depthwiseConv2d. */
export function explicitPad(
  pads: [[number, number], [number, number]],
): [[0, 0], [number, number], [number, number], [0, 0]] {
  return [[0, 0], pads[0], pads[1], [0, 0]];
}

/**
 * One phase of the input gradient of a strided 1-D convolution along one axis.
 *
 * Forward: `y[o] = Σ_k x[o·s + k − p] w[k]`. For input positions `i` with `(i + p) mod s = r`,
 * `dx[i] = Σ_m dy[q − m] w[r + s·m]` with `q = (i + p − r) / s`: a stride-1 correlation of `dy`
 * with the reversed sub-filter `w[r::s]`. Every phase yields `count` outputs `q ∈ [q0, q0+count)`,
 * interleaved they cover input rows from `q0·s`, of which the gradient keeps `offset … offset+size`.
 */
export interface Phase1D {
  /** Filter taps r, r+s, … used by this phase (may be empty when the filter is shorter than s). */
  taps: number;
  /** Padding of dy before/after for the stride-1 correlation (negative: crop). */
  pad: [number, number];
}

/** The phases of one axis (see {@link Phase1D}) and how to cut the interleaved result. */
export interface AxisPlan {
  phases: Phase1D[];
  /** Outputs per phase. */
  count: number;
  /** First row of the input gradient inside the interleaved result. */
  offset: number;
}

/** Plans the phase decomposition along one axis. */
export function planAxis(
  inSize: number,
  outSize: number,
  filterSize: number,
  stride: number,
  padBefore: number,
): AxisPlan {
  const q0 = Math.floor(padBefore / stride);
  const count = Math.ceil((padBefore + inSize) / stride) - q0;
  const phases: Phase1D[] = [];
  for (let r = 0; r < stride; r++) {
    const taps = Math.max(0, Math.ceil((filterSize - r) / stride));
    const before = taps - 1 - q0;
    const after = count + taps - 1 - outSize - before;
    phases.push({ taps, pad: [before, after] });
  }
  return { phases, count, offset: padBefore - q0 * stride };
}
