/**
 * Typed-array versions of cpu kernels that dominated an NN2 training step on the native backend
 * once its convolutions ran on oneDNN (profiled with tf.profile, bench/model.ts):
 *
 * - `Slice` and `SplitV` (the gradient of the inception blocks' channel concat): contiguous runs
 *   copied with `TypedArray.set` instead of the cpu backend's per-element index arithmetic.
 * - `PadV2` (L2 pooling) and `Concat` (inception blocks): the same run copies.
 * - `Add`, `Sub`, `Multiply`, `RealDiv`, `SquaredDifference` of float32 tensors where one side is the whole output
 *   shape and the other equals it, is a scalar, or repeats along leading axes (a bias): one flat
 *   loop instead of per-element broadcast index arithmetic; other broadcasts (global pooling's
 *   gradient, L2 normalisation) index per row, not per element.
 * - `Sum` and `Mean` over one contiguous block of axes (bias gradients, batch-norm moments,
 *   global average pooling): one pass, no transpose.
 * - `Relu`, `Step` (its gradient), `Sqrt`, `Square` of float32: tight loops instead of a callback
 *   per element.
 * - face-api's inference (SSD MobileNet v1, landmarks, FaceRecognitionNet): `ClipByValue` and
 *   `Relu6` (MobileNet's ReLU6), `LeakyRelu`, `Round` (image preprocessing) and `FusedBatchNorm`
 *   (per-channel scale and shift, one pass). Profiled on one `verify()` of two photos, the cpu
 *   kernels took 1433 ms (ClipByValue), 139 ms (Round) and 130 ms (FusedBatchNorm) of 2263 ms of
 *   kernel time at load average 8.3 (2 cores), and made native slower than wasm.
 *
 * From {@link ELEMENTWISE_MIN} elements on, the arithmetic, `Relu`, `Sqrt`, `Square`,
 * `ClipByValue`, `Relu6`, `LeakyRelu` and `Round` run on oneDNN's threads
 * (`./elementwise_primitives.ts`) instead of the loops. Anything else returns
 * undefined and runs the cpu kernel. Results equal the cpu kernels' up to
 * float rounding of sums (accumulated in float64 here, as there).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { NativeFn, NativeKernelBackend } from "./native_kernels.ts";
import {
  binaryOp,
  ELEMENTWISE_MIN,
  elementwiseRankOk,
  type EltwiseAlg,
  eltwiseOp,
} from "./elementwise_primitives.ts";

type Values = Float32Array | Int32Array | Uint8Array;

function vals(backend: NativeKernelBackend, t: tf.TensorInfo): Values | undefined {
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array
    ? v
    : undefined;
}

function allocLike(v: Values, n: number): Values {
  return v instanceof Float32Array
    ? new Float32Array(n)
    : v instanceof Int32Array
    ? new Int32Array(n)
    : new Uint8Array(n);
}

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function strides(shape: readonly number[]): number[] {
  const st = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) st[i] = st[i + 1] * shape[i + 1];
  return st;
}

/**
 * Copies the box `begin`…`begin + size` of `src` (shape `shape`) into `dst`, whose own shape is
 * `dstShape`, at `dstBegin`: one `set` per contiguous run.
 */
function copyBox(
  src: Values,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: Values,
  dstShape: readonly number[],
  dstBegin: readonly number[],
): void {
  const r = shape.length;
  if (sizeOf(size) === 0) return;
  // Merge trailing axes copied whole in both tensors into one run.
  let k = r - 1;
  let run = size[k];
  while (k > 0 && size[k] === shape[k] && size[k] === dstShape[k]) {
    k--;
    run *= size[k];
  }
  const ss = strides(shape);
  const ds = strides(dstShape);
  const idx = new Array(k).fill(0);
  let so = 0;
  let dOff = 0;
  for (let a = 0; a < r; a++) {
    so += begin[a] * ss[a];
    dOff += dstBegin[a] * ds[a];
  }
  const outer = sizeOf(size.slice(0, k));
  for (let n = 0; n < outer; n++) {
    let s = so;
    let d = dOff;
    for (let a = 0; a < k; a++) {
      s += idx[a] * ss[a];
      d += idx[a] * ds[a];
    }
    if (run >= 16) dst.set(src.subarray(s, s + run), d);
    else for (let j = 0; j < run; j++) dst[d + j] = src[s + j];
    for (let a = k - 1; a >= 0; a--) {
      if (++idx[a] < size[a]) break;
      idx[a] = 0;
    }
  }
}

function sliceValues(
  x: Values,
  shape: number[],
  begin: number[],
  size: number[],
): Values {
  const out = allocLike(x, sizeOf(size));
  copyBox(x, shape, begin, size, out, size, new Array(size.length).fill(0));
  return out;
}

const slice: NativeFn = ({ x }, backend, attrs) => {
  const xv = vals(backend, x);
  if (!xv || x.shape.length === 0) return undefined;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as tf.Tensor,
    attrs.begin as number[],
    attrs.size as number[],
  );
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    // As the cpu kernel does: a view of the input's values, no copy.
    const off = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
    return backend.makeTensorInfo(size, x.dtype, xv.subarray(off, off + sizeOf(size)));
  }
  return backend.makeTensorInfo(size, x.dtype, sliceValues(xv, x.shape, begin, size));
};

const splitV: NativeFn = ({ x }, backend, attrs) => {
  const xv = vals(backend, x);
  if (!xv || x.shape.length === 0) return undefined;
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(
    x as tf.Tensor,
    attrs.numOrSizeSplits as number[],
    axis,
  );
  const begin = new Array(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const out = sliceValues(xv, x.shape, begin, size);
    begin[axis] += s;
    return backend.makeTensorInfo(size, x.dtype, out);
  });
};

const padV2: NativeFn = ({ x }, backend, attrs) => {
  const xv = vals(backend, x);
  const paddings = attrs.paddings as [number, number][];
  if (!xv || x.shape.length === 0 || paddings.some(([a, b]) => a < 0 || b < 0)) return undefined;
  const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const out = allocLike(xv, sizeOf(outShape));
  const c = (attrs.constantValue as number) ?? 0;
  if (c !== 0) out.fill(c);
  copyBox(
    xv,
    x.shape,
    new Array(x.shape.length).fill(0),
    x.shape,
    out,
    outShape,
    paddings.map((p) => p[0]),
  );
  return backend.makeTensorInfo(outShape, x.dtype, out);
};

type BinOp = (out: Float32Array, a: Float32Array, b: Float32Array, period: number) => void;

/** Element-wise loops with `b` repeating every `period` elements (period 1: scalar b). */
type BinName = "add" | "sub" | "mul" | "div" | "sqdiff";

function binLoops(f: BinName, swapped: boolean): BinOp {
  // deno-fmt-ignore
  const ops: Record<string, BinOp> = {
    add: (o, a, b, p) => { for (let i = 0, j = 0; i < o.length; i++) { o[i] = a[i] + b[j]; if (++j === p) j = 0; } },
    mul: (o, a, b, p) => { for (let i = 0, j = 0; i < o.length; i++) { o[i] = a[i] * b[j]; if (++j === p) j = 0; } },
    sub: (o, a, b, p) => { for (let i = 0, j = 0; i < o.length; i++) { o[i] = a[i] - b[j]; if (++j === p) j = 0; } },
    div: (o, a, b, p) => { for (let i = 0, j = 0; i < o.length; i++) { o[i] = a[i] / b[j]; if (++j === p) j = 0; } },
    rsub: (o, a, b, p) => { for (let i = 0, j = 0; i < o.length; i++) { o[i] = b[j] - a[i]; if (++j === p) j = 0; } },
    rdiv: (o, a, b, p) => { for (let i = 0, j = 0; i < o.length; i++) { o[i] = b[j] / a[i]; if (++j === p) j = 0; } },
    sqdiff: (o, a, b, p) => { for (let i = 0, j = 0; i < o.length; i++) { const d = a[i] - b[j]; o[i] = d * d; if (++j === p) j = 0; } },
  };
  if (!swapped || f === "add" || f === "mul" || f === "sqdiff") return ops[f];
  return ops[f === "sub" ? "rsub" : "rdiv"];
}

// deno-fmt-ignore
const SCALAR_OPS: Record<BinName, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  sqdiff: (x, y) => (x - y) * (x - y),
};

/**
 * out = a ∘ b with both broadcast to `shape` (NumPy rules): an odometer over all axes but the last,
 * whose elements are one loop with each operand's stride there (0 where broadcast).
 */
function broadcastLoop(
  f: BinName,
  out: Float32Array,
  shape: readonly number[],
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
): void {
  const r = shape.length;
  const stridesOf = (s: readonly number[]) => {
    const padded = [...new Array(r - s.length).fill(1), ...s];
    const st = strides(padded);
    return padded.map((d, i) => (d === 1 ? 0 : st[i]));
  };
  const as = stridesOf(aShape);
  const bs = stridesOf(bShape);
  const op = SCALAR_OPS[f];
  const last = shape[r - 1];
  const al = as[r - 1];
  const bl = bs[r - 1];
  const idx = new Array(Math.max(r - 1, 0)).fill(0);
  for (let o = 0; o < out.length; o += last) {
    let ai = 0;
    let bi = 0;
    for (let d = 0; d < r - 1; d++) {
      ai += idx[d] * as[d];
      bi += idx[d] * bs[d];
    }
    for (let j = 0; j < last; j++) out[o + j] = op(a[ai + j * al], b[bi + j * bl]);
    for (let d = r - 2; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

/** The period of `small` repeating inside `full` along leading axes, or undefined. */
function repeatPeriod(full: readonly number[], small: readonly number[]): number | undefined {
  const s = [...small];
  while (s.length > 0 && s[0] === 1) s.shift();
  if (s.length > full.length) return undefined;
  const tail = full.slice(full.length - s.length);
  return s.every((d, i) => d === tail[i]) ? Math.max(sizeOf(s), 1) : undefined;
}

const binary = (f: BinName): NativeFn => ({ a, b }, backend) => {
  if (a.dtype !== "float32" || b.dtype !== "float32") return undefined;
  const av = vals(backend, a) as Float32Array;
  const bv = vals(backend, b) as Float32Array;
  if (!av || !bv) return undefined;
  const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const n = sizeOf(outShape);
  let full: Float32Array = av;
  let other: Float32Array = bv;
  let period: number | undefined;
  let swapped = false;
  if (av.length === n && a.shape.length === outShape.length) {
    full = av;
    other = bv;
    period = repeatPeriod(outShape, b.shape);
  } else if (bv.length === n && b.shape.length === outShape.length) {
    full = bv;
    other = av;
    swapped = true;
    period = repeatPeriod(outShape, a.shape);
  }
  if (n === 0 || outShape.length === 0) return undefined;
  const out = new Float32Array(n);
  if (period == null) {
    // Broadcast along middle axes, or both operands broadcast.
    broadcastLoop(f, out, outShape, av, a.shape, bv, b.shape);
    return backend.makeTensorInfo(outShape, "float32", out);
  }
  const commutes = f === "add" || f === "mul" || f === "sqdiff";
  if (n >= ELEMENTWISE_MIN && elementwiseRankOk(outShape.length) && (commutes || !swapped)) {
    // oneDNN's threads: `full` is src0, the other operand broadcast with leading 1s.
    const small = swapped ? a.shape : b.shape;
    const bShape = [...new Array(outShape.length - small.length).fill(1), ...small];
    binaryOp(backend.primitives, f === "sqdiff" ? "sub" : f, {
      shape: outShape,
      bShape,
      square: f === "sqdiff",
    }, { a: full, b: other, out });
    return backend.makeTensorInfo(outShape, "float32", out);
  }
  binLoops(f, swapped)(out, full, other, period);
  return backend.makeTensorInfo(outShape, "float32", out);
};

/** Sum (or mean) over one contiguous block of axes; undefined for other axes. */
const reduce = (mean: boolean): NativeFn => ({ x }, backend, attrs) => {
  if (x.dtype !== "float32") return undefined;
  const xv = vals(backend, x) as Float32Array;
  if (!xv || x.shape.length === 0) return undefined;
  const axes = [...new Set(tf.util.parseAxisParam(attrs.axis as number[], x.shape))].sort((p, q) =>
    p - q
  );
  if (axes.length === 0 || axes.some((v, i) => v !== axes[0] + i)) return undefined;
  const first = axes[0];
  const last = axes[axes.length - 1];
  const outer = sizeOf(x.shape.slice(0, first));
  const mid = sizeOf(x.shape.slice(first, last + 1));
  const inner = sizeOf(x.shape.slice(last + 1));
  const keep = x.shape.filter((_, i) => !axes.includes(i));
  const outShape = attrs.keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : keep;
  const scale = mean ? 1 / mid : 1;
  const out = new Float32Array(outer * inner);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * mid;
      for (let m = 0; m < mid; m++) s += xv[base + m];
      out[o] = s * scale;
    }
  } else {
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(0);
      for (let m = 0; m < mid; m++) {
        const base = (o * mid + m) * inner;
        for (let i = 0; i < inner; i++) acc[i] += xv[base + i];
      }
      for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i] * scale;
    }
  }
  return backend.makeTensorInfo(outShape, "float32", out);
};

const concat: NativeFn = (inputs, backend, attrs) => {
  const list = Object.values(inputs).filter((t) => sizeOf(t.shape) > 0);
  if (list.length === 0 || list.some((t) => t.dtype !== list[0].dtype)) return undefined;
  const rank = list[0].shape.length;
  if (rank === 0 || list.some((t) => t.shape.length !== rank)) return undefined;
  const axis = tf.util.parseAxisParam(attrs.axis as number, list[0].shape)[0];
  const outShape = tf.backend_util.computeOutShape(list.map((t) => t.shape), axis);
  const values = list.map((t) => vals(backend, t));
  if (values.some((v) => v === undefined)) return undefined;
  const out = allocLike(values[0]!, sizeOf(outShape));
  const at = new Array(rank).fill(0);
  list.forEach((t, i) => {
    copyBox(values[i]!, t.shape, new Array(rank).fill(0), t.shape, out, outShape, at);
    at[axis] += t.shape[axis];
  });
  return backend.makeTensorInfo(outShape, list[0].dtype, out);
};

type UnaryLoop = (o: Float32Array, x: Float32Array, attrs: Record<string, unknown>) => void;

// deno-fmt-ignore
const UNARY: Record<string, UnaryLoop> = {
  Relu: (o, x) => { for (let i = 0; i < x.length; i++) { const v = x[i]; o[i] = v < 0 ? 0 : v; } },
  Step: (o, x, attrs) => {
    const alpha = (attrs.alpha as number) ?? 0;
    for (let i = 0; i < x.length; i++) { const v = x[i]; o[i] = v > 0 ? 1 : v !== v ? NaN : alpha; }
  },
  Sqrt: (o, x) => { for (let i = 0; i < x.length; i++) o[i] = Math.sqrt(x[i]); },
  Square: (o, x) => { for (let i = 0; i < x.length; i++) { const v = x[i]; o[i] = v * v; } },
  ClipByValue: (o, x, attrs) => {
    const lo = attrs.clipValueMin as number, hi = attrs.clipValueMax as number;
    for (let i = 0; i < x.length; i++) { const v = x[i]; o[i] = v > hi ? hi : v < lo ? lo : v; }
  },
  Relu6: (o, x) => { for (let i = 0; i < x.length; i++) { const v = x[i]; o[i] = v > 6 ? 6 : v > 0 ? v : v !== v ? v : 0; } },
  LeakyRelu: (o, x, attrs) => {
    const alpha = attrs.alpha as number;
    for (let i = 0; i < x.length; i++) { const v = x[i]; o[i] = v < 0 ? alpha * v : v; }
  },
  Round: (o, x) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i], base = Math.floor(v), f = v - base; // banker's rounding, as the cpu kernel
      o[i] = f < 0.5 ? base : f > 0.5 ? Math.ceil(v) : base % 2 === 0 ? base : base + 1;
    }
  },
};

type OnDnnl = { alg: EltwiseAlg; alpha?: number; beta?: number };

/** The unary kernels oneDNN runs from ELEMENTWISE_MIN elements on, with its parameters. */
const ON_DNNL: Record<string, (attrs: Record<string, unknown>) => OnDnnl | undefined> = {
  Relu: () => ({ alg: "relu" }),
  Sqrt: () => ({ alg: "sqrt" }),
  Square: () => ({ alg: "square" }),
  Relu6: () => ({ alg: "clip", alpha: 0, beta: 6 }),
  LeakyRelu: (attrs) => ({ alg: "relu", alpha: attrs.alpha as number }),
  Round: () => ({ alg: "round" }),
  ClipByValue: (attrs) => {
    const lo = attrs.clipValueMin as number, hi = attrs.clipValueMax as number;
    // oneDNN takes f32 bounds: only where they are f32 values already (as tfjs's float32 data).
    return Math.fround(lo) === lo && Math.fround(hi) === hi && lo <= hi
      ? { alg: "clip", alpha: lo, beta: hi }
      : undefined;
  },
};

const unary = (name: string): NativeFn => ({ x }, backend, attrs) => {
  if (x.dtype !== "float32") return undefined;
  const xv = vals(backend, x) as Float32Array;
  if (!xv) return undefined;
  const out = new Float32Array(xv.length);
  const on = ON_DNNL[name]?.(attrs);
  if (on && xv.length >= ELEMENTWISE_MIN) {
    eltwiseOp(backend.primitives, on.alg, { x: xv, y: out }, on);
    // oneDNN's clip turns NaN into a bound; the cpu kernels keep NaN.
    if (on.alg === "clip") {
      for (let i = 0; i < xv.length; i++) if (xv[i] !== xv[i]) out[i] = NaN;
    }
  } else UNARY[name](out, xv, attrs);
  return backend.makeTensorInfo(x.shape, "float32", out);
};

/**
 * FusedBatchNorm (inference batch norm) of float32 `x` whose mean, variance and the optional
 * scale and offset each hold one value or one per channel (last axis): per channel
 * a = scale / √(variance + ε), then out = offset + (x − mean) · a, one pass.
 */
const batchNorm: NativeFn = ({ x, mean, variance, scale, offset }, backend, attrs) => {
  if (x.dtype !== "float32" || x.shape.length === 0) return undefined;
  const channels = x.shape[x.shape.length - 1];
  const params = [mean, variance, scale, offset].map((t) =>
    t == null ? undefined : vals(backend, t)
  );
  if (params.slice(0, 2).some((v) => v === undefined)) return undefined;
  if (params.some((v) => v !== undefined && v.length !== channels && v.length !== 1)) {
    return undefined;
  }
  const xv = vals(backend, x);
  if (!(xv instanceof Float32Array) || channels === 0) return undefined;
  const eps = (attrs.varianceEpsilon as number | undefined) ?? 0.001;
  const at = (v: Values | undefined, c: number, d: number) =>
    v === undefined ? d : v[v.length === 1 ? 0 : c];
  const [m, v, s, o] = params;
  const mc = new Float64Array(channels), ac = new Float64Array(channels);
  const oc = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    mc[c] = at(m, c, 0);
    ac[c] = at(s, c, 1) / Math.sqrt(at(v, c, 0) + eps);
    oc[c] = at(o, c, 0);
  }
  const out = new Float32Array(xv.length);
  for (let i = 0; i < xv.length; i += channels) {
    for (let c = 0; c < channels; c++) out[i + c] = oc[c] + (xv[i + c] - mc[c]) * ac[c];
  }
  return backend.makeTensorInfo(x.shape, "float32", out);
};

/** Kernel name → typed-array implementation (undefined result: the cpu kernel). */
export const FAST_JS_KERNELS: Record<string, NativeFn> = {
  Slice: slice,
  SplitV: splitV,
  PadV2: padV2,
  Concat: concat,
  Add: binary("add"),
  Sub: binary("sub"),
  Multiply: binary("mul"),
  RealDiv: binary("div"),
  SquaredDifference: binary("sqdiff"),
  Sum: reduce(false),
  Mean: reduce(true),
  Relu: unary("Relu"),
  Step: unary("Step"),
  Sqrt: unary("Sqrt"),
  Square: unary("Square"),
  ClipByValue: unary("ClipByValue"),
  Relu6: unary("Relu6"),
  LeakyRelu: unary("LeakyRelu"),
  Round: unary("Round"),
  FusedBatchNorm: batchNorm,
};
