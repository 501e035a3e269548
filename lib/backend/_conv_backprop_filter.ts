/**
 * Filter gradients of strided 2-D convolutions (regular and depthwise) from fast ops.
 *
 * `dW[kh, kw] = Σ_{n, oh, ow} x[n, oh·s + kh − top, ow·s + kw − left] ⊗ dy[n, oh, ow]`.
 * For a regular convolution that is one convolution of the transposed input (batch as channels)
 * with the transposed dy as a filter dilated by the stride, which wasm's XNNPACK runs at
 * 10–25 GFLOP/s; the alternative, one matmul per filter tap, ties for 3×3 filters at stride 1,
 * loses 2–20× for strided and larger filters, and wins (1.3–1.8× on wasm, with the toolkit's fast
 * transposed BatchMatMul) for 1×1 stride-1 filters, where it is a single matmul. A depthwise convolution's
 * filter gradient is likewise one depthwise convolution (batch folded into channels), 6–20×
 * faster on wasm than per-tap products, which remain for channel multipliers > 1.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Forward geometry the filter gradients need. */
export interface FilterGeometry {
  strides: [number, number];
  padTop: number;
  padLeft: number;
  filterHeight: number;
  filterWidth: number;
}

/** The input padded/cropped so that tap (kh, kw) is `x[:, kh::sh, kw::sw]` of `oh × ow` rows. */
function padForTaps(x: tf.Tensor4D, dyShape: number[], g: FilterGeometry): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const [, oh, ow] = dyShape;
  const [sh, sw] = g.strides;
  const needH = g.filterHeight + (oh - 1) * sh; // rows of the padded input the taps touch
  const needW = g.filterWidth + (ow - 1) * sw;
  const afterH = needH - g.padTop - h;
  const afterW = needW - g.padLeft - w;
  let out = x;
  if (afterH < 0 || afterW < 0) {
    out = tf.slice(out, [0, 0, 0, 0], [n, h + Math.min(0, afterH), w + Math.min(0, afterW), c]);
  }
  if (g.padTop > 0 || g.padLeft > 0 || afterH > 0 || afterW > 0) {
    out = tf.pad(out, [[0, 0], [g.padTop, Math.max(0, afterH)], [
      g.padLeft,
      Math.max(0, afterW),
    ], [0, 0]]);
  }
  return out;
}

/** Tap (kh, kw) of the padded input: [n, oh, ow, c]. */
function tap(
  xp: tf.Tensor4D,
  kh: number,
  kw: number,
  dyShape: number[],
  strides: [number, number],
): tf.Tensor4D {
  const [n, , , c] = xp.shape;
  const [, oh, ow] = dyShape;
  const [sh, sw] = strides;
  if (xp.shape[1] === oh && xp.shape[2] === ow) return xp; // 1×1 filter, stride 1
  if (sh === 1 && sw === 1) return tf.slice(xp, [0, kh, kw, 0], [n, oh, ow, c]);
  return tf.stridedSlice(
    xp,
    [0, kh, kw, 0],
    [n, kh + (oh - 1) * sh + 1, kw + (ow - 1) * sw + 1, c],
    [1, sh, sw, 1],
  ) as tf.Tensor4D;
}

/**
 * dL/dfilter of `conv2d(x, filter, strides, pad)` (NHWC, dilation 1): one matmul per filter tap.
 * Call inside tf.tidy.
 */
export function conv2dBackpropFilterByMatMul(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  g: FilterGeometry,
): tf.Tensor4D {
  const ci = x.shape[3];
  const [n, oh, ow, co] = dy.shape;
  const m = n * oh * ow;
  const xp = padForTaps(x, dy.shape, g);
  const dy2 = tf.reshape(dy, [m, co]) as tf.Tensor2D;
  // The product contracts the long axis m of both operands, so one of them is transposed: the
  // narrower one (dy for a channel-reducing filter, then the small [co, ci] result back). On
  // nn2's 37 1×1 layers at batch 32 on wasm: 93 ms against 121 ms transposing x every time.
  const viaDy = co < ci;
  const dyT = viaDy ? tf.transpose(dy2) : undefined;
  const taps: tf.Tensor2D[] = [];
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const cols = tf.reshape(tap(xp, kh, kw, dy.shape, g.strides), [m, ci]) as tf.Tensor2D;
      taps.push(viaDy ? tf.transpose(tf.matMul(dyT!, cols)) : tf.matMul(cols, dy2, true, false));
    }
  }
  const stacked = taps.length === 1 ? taps[0] : tf.stack(taps);
  return tf.reshape(stacked, [g.filterHeight, g.filterWidth, ci, co]) as tf.Tensor4D;
}

/** Options of {@link conv2dBackpropFilterByConv}. */
export interface FilterByConvOptions {
  /**
   * Largest dy (in elements) handled in one convolution; a larger batch is split into chunks whose
   * gradients are summed, so the transposed copies (and XNNPACK's packed copy of dy as a filter)
   * stay bounded. Default 2²⁴ (64 MiB of float32).
   */
  maxChunkElements?: number;
}

/** Default of {@link FilterByConvOptions.maxChunkElements}. */
export const FILTER_CHUNK_ELEMENTS = 1 << 24;

/**
 * dL/dfilter of `conv2d` as one dilated convolution: the batch becomes the channel axis
 * (`xᵀ` [ci, h, w, n] convolved with `dyᵀ` [oh, ow, n, co], dilation = stride), over chunks of
 * the batch when dy is large (see {@link FilterByConvOptions}). Call inside tf.tidy.
 */
export function conv2dBackpropFilterByConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  g: FilterGeometry,
  options: FilterByConvOptions = {},
): tf.Tensor4D {
  const limit = options.maxChunkElements ?? FILTER_CHUNK_ELEMENTS;
  const [n, oh, ow, co] = dy.shape;
  const perImage = oh * ow * co;
  const chunk = Math.max(1, Math.min(n, Math.floor(limit / perImage)));
  if (chunk >= n) return filterByConvOnce(x, dy, g);
  let sum: tf.Tensor4D | undefined;
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const part = tf.tidy(() => {
      const xs = tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]);
      const ds = tf.slice(dy, [start, 0, 0, 0], [size, -1, -1, -1]);
      const p = filterByConvOnce(xs, ds, g);
      return sum ? tf.add(sum, p) : p;
    });
    sum?.dispose();
    sum = part as tf.Tensor4D;
  }
  return sum!;
}

function filterByConvOnce(x: tf.Tensor4D, dy: tf.Tensor4D, g: FilterGeometry): tf.Tensor4D {
  const xp = padForTaps(x, dy.shape, g);
  const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
  const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  const out = tf.conv2d(xt, dyt, 1, "valid", "NHWC", g.strides);
  return tf.transpose(out, [1, 2, 0, 3]) as tf.Tensor4D;
}

/**
 * dL/dfilter of `depthwiseConv2d(x, filter, strides, pad)` (NHWC, dilation 1; filter
 * [kh, kw, c, mult]): per tap, the product of the input slice and dy summed over n, oh, ow.
 * Call inside tf.tidy.
 */
export function depthwiseBackpropFilterByTaps(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  g: FilterGeometry,
  multiplier: number,
): tf.Tensor4D {
  const c = x.shape[3];
  const [n, oh, ow] = dy.shape;
  const m = n * oh * ow;
  const xp = padForTaps(x, dy.shape, g);
  const dy3 = tf.reshape(dy, [m, c, multiplier]);
  const taps: tf.Tensor[] = [];
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const cols = tf.reshape(tap(xp, kh, kw, dy.shape, g.strides), [m, c, 1]);
      taps.push(tf.sum(tf.mul(cols, dy3), 0));
    }
  }
  const stacked = taps.length === 1 ? taps[0] : tf.stack(taps);
  return tf.reshape(stacked, [g.filterHeight, g.filterWidth, c, multiplier]) as tf.Tensor4D;
}

/**
 * dL/dfilter of a depthwise convolution with channel multiplier 1 as one depthwise convolution:
 * the batch folds into the channels (`x` as [1, h, w, n·c]) and dy becomes the filter
 * ([oh, ow, n·c, 1], dilation = stride); the n partial filters are then summed. Call inside tf.tidy.
 */
export function depthwiseBackpropFilterByConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  g: FilterGeometry,
): tf.Tensor4D {
  const [n, , , c] = x.shape;
  const [, oh, ow] = dy.shape;
  const xp = padForTaps(x, dy.shape, g);
  const [, hp, wp] = xp.shape;
  const xt = tf.reshape(tf.transpose(xp, [1, 2, 0, 3]), [1, hp, wp, n * c]) as tf.Tensor4D;
  const f = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [oh, ow, n * c, 1]) as tf.Tensor4D;
  const out = tf.depthwiseConv2d(xt, f, 1, "valid", "NHWC", g.strides);
  const [, kh, kw] = out.shape;
  return tf.reshape(tf.sum(tf.reshape(out, [kh, kw, n, c]), 2), [kh, kw, c, 1]) as tf.Tensor4D;
}
