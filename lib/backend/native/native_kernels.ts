/**
 * The kernels the native backend runs on oneDNN: Conv2D, FusedConv2D (bias, ReLU),
 * DepthwiseConv2dNative (forward, as a grouped convolution: face detection),
 * Conv2DBackpropInput, Conv2DBackpropFilter, MaxPool, MaxPoolGrad, AvgPool, AvgPoolGrad, LRN,
 * LRNGrad, BatchMatMul and _FusedMatMul (bias, ReLU). Each reads its inputs' Float32Arrays and
 * writes a new output array in place (no copies). Attributes they do not cover (NCHW, dilations,
 * other activations, int tensors, broadcast batches) run the cpu backend's kernel instead.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import {
  convBackwardData,
  convBackwardWeights,
  convForward,
  type ConvGeometry,
} from "./conv_primitives.ts";
import {
  lrnBackward,
  lrnForward,
  poolBackward,
  poolForward,
  type PoolGeometry,
} from "./pool_primitives.ts";
import { matMul } from "./matmul_primitives.ts";
import type { PrimitiveCache } from "./primitive_cache.ts";

/** What a native kernel needs of its backend: the cpu backend's data plus a primitive cache. */
export interface NativeKernelBackend extends MathBackendCPU {
  /** Cached oneDNN primitives of this backend. */
  readonly primitives: PrimitiveCache;
}

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};
type Out = tf.TensorInfo | tf.TensorInfo[];
export type NativeFn = (
  inputs: Record<string, tf.TensorInfo>,
  backend: NativeKernelBackend,
  attrs: Record<string, unknown>,
) => Out | undefined;

type Shape4 = [number, number, number, number];

/** The float32 array behind `t` on the native backend, or undefined (other dtype, no tensor). */
export function f32(
  backend: NativeKernelBackend,
  t: tf.TensorInfo | undefined,
): Float32Array | undefined {
  if (t == null || t.dtype !== "float32") return undefined;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : undefined;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

const isOne = (v: unknown) => v == null || v === 1 || (Array.isArray(v) && v.every((d) => d === 1));

function convGeometry(
  xShape: number[],
  filterShape: number[],
  attrs: Record<string, unknown>,
  depthwise = false,
): ConvGeometry | undefined {
  if ((attrs.dataFormat ?? "NHWC") !== "NHWC" || !isOne(attrs.dilations)) return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides as [number, number],
    1,
    attrs.pad as "same",
    attrs.dimRoundingMode as "floor" | undefined,
    depthwise,
    "channelsLast",
  );
  const p = info.padInfo;
  if (p.top < 0 || p.left < 0 || p.bottom < 0 || p.right < 0) return undefined;
  return {
    x: [info.batchSize, info.inHeight, info.inWidth, info.inChannels],
    filter: [info.filterHeight, info.filterWidth, info.inChannels, filterShape[3]],
    y: [info.batchSize, info.outHeight, info.outWidth, info.outChannels],
    strides: [info.strideHeight, info.strideWidth],
    pads: [p.top, p.left, p.bottom, p.right],
    ...(depthwise ? { depthwise } : {}),
  };
}

function poolGeometry(
  xShape: number[],
  attrs: Record<string, unknown>,
  kind: "max" | "avg",
): PoolGeometry | undefined {
  const info = tf.backend_util.computePool2DInfo(
    xShape as Shape4,
    attrs.filterSize as [number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as "same",
    attrs.dimRoundingMode as "floor" | undefined,
  );
  const p = info.padInfo;
  if (p.top < 0 || p.left < 0 || p.bottom < 0 || p.right < 0) return undefined;
  // oneDNN requires every window to overlap the input; so does TensorFlow's padding.
  if (p.top >= info.filterHeight || p.left >= info.filterWidth) return undefined;
  return {
    x: [info.batchSize, info.inHeight, info.inWidth, info.inChannels],
    y: [info.batchSize, info.outHeight, info.outWidth, info.outChannels],
    kernel: [info.filterHeight, info.filterWidth],
    strides: [info.strideHeight, info.strideWidth],
    pads: [p.top, p.left, p.bottom, p.right],
    kind,
  };
}

function output(backend: NativeKernelBackend, shape: readonly number[], values: Float32Array) {
  return backend.makeTensorInfo([...shape], "float32", values);
}

const conv2D: NativeFn = ({ x, filter }, backend, attrs) => {
  const xv = f32(backend, x);
  const fv = f32(backend, filter);
  const g = convGeometry(x.shape, filter.shape, attrs);
  if (!xv || !fv || !g) return undefined;
  const y = new Float32Array(size(g.y));
  convForward(backend.primitives, g, { x: xv, filter: fv, y });
  return output(backend, g.y, y);
};

const fusedConv2D: NativeFn = ({ x, filter, bias }, backend, attrs) => {
  const activation = attrs.activation ?? "linear";
  if (activation !== "linear" && activation !== "relu") return undefined;
  const xv = f32(backend, x);
  const fv = f32(backend, filter);
  const g = convGeometry(x.shape, filter.shape, attrs);
  if (!xv || !fv || !g) return undefined;
  let bv: Float32Array | undefined;
  if (bias) {
    bv = f32(backend, bias);
    if (!bv || bias.shape.length !== 1 || bias.shape[0] !== g.filter[3]) return undefined;
  }
  const y = new Float32Array(size(g.y));
  convForward(backend.primitives, g, { x: xv, filter: fv, y, bias: bv }, activation === "relu");
  return output(backend, g.y, y);
};

const depthwiseConv2D: NativeFn = ({ x, filter }, backend, attrs) => {
  const xv = f32(backend, x);
  const fv = f32(backend, filter);
  const g = convGeometry(x.shape, filter.shape, attrs, true);
  if (!xv || !fv || !g) return undefined;
  const y = new Float32Array(size(g.y));
  convForward(backend.primitives, g, { x: xv, filter: fv, y });
  return output(backend, g.y, y);
};

const conv2DBackpropInput: NativeFn = ({ dy, filter }, backend, attrs) => {
  const dyv = f32(backend, dy);
  const fv = f32(backend, filter);
  const g = convGeometry(attrs.inputShape as number[], filter.shape, attrs);
  if (!dyv || !fv || !g) return undefined;
  const dx = new Float32Array(size(g.x));
  convBackwardData(backend.primitives, g, { dy: dyv, filter: fv, dx });
  return output(backend, g.x, dx);
};

const conv2DBackpropFilter: NativeFn = ({ x, dy }, backend, attrs) => {
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  const g = convGeometry(x.shape, attrs.filterShape as number[], attrs);
  if (!xv || !dyv || !g) return undefined;
  const dw = new Float32Array(size(g.filter));
  convBackwardWeights(backend.primitives, g, { x: xv, dy: dyv, dw });
  return output(backend, g.filter, dw);
};

/** `_Conv2DBackpropFilterBias` (lib/model's contract): the filter and bias gradients, one pass. */
export const conv2DBackpropFilterBias: NativeFn = ({ x, dy }, backend, attrs) => {
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  const g = convGeometry(x.shape, attrs.filterShape as number[], attrs);
  if (!xv || !dyv || !g) return undefined;
  const dw = new Float32Array(size(g.filter));
  const db = new Float32Array(g.filter[3]);
  convBackwardWeights(backend.primitives, g, { x: xv, dy: dyv, dw, db });
  return [output(backend, g.filter, dw), backend.makeTensorInfo([db.length], "float32", db)];
};

const pool = (kind: "max" | "avg"): NativeFn => ({ x }, backend, attrs) => {
  const xv = f32(backend, x);
  if (!xv || x.shape.length !== 4) return undefined;
  const g = poolGeometry(x.shape, attrs, kind);
  if (!g) return undefined;
  if (g.kernel[0] === 1 && g.kernel[1] === 1 && g.strides[0] === 1 && g.strides[1] === 1) {
    return undefined; // identity: the cpu kernel returns the input itself
  }
  const y = new Float32Array(size(g.y));
  poolForward(backend.primitives, g, { x: xv, y });
  return output(backend, g.y, y);
};

const poolGrad = (kind: "max" | "avg"): NativeFn => ({ dy, input }, backend, attrs) => {
  const xv = f32(backend, input);
  const dyv = f32(backend, dy);
  if (!xv || !dyv || input.shape.length !== 4) return undefined;
  const g = poolGeometry(input.shape, attrs, kind);
  if (!g) return undefined;
  const dx = new Float32Array(size(g.x));
  poolBackward(backend.primitives, g, { x: xv, dy: dyv, dx });
  return output(backend, g.x, dx);
};

function lrnGeometry(x: tf.TensorInfo, attrs: Record<string, unknown>) {
  return {
    x: x.shape as Shape4,
    depthRadius: (attrs.depthRadius as number) ?? 5,
    bias: (attrs.bias as number) ?? 1,
    alpha: (attrs.alpha as number) ?? 1,
    beta: (attrs.beta as number) ?? 0.5,
  };
}

const lrn: NativeFn = ({ x }, backend, attrs) => {
  const xv = f32(backend, x);
  if (!xv || x.shape.length !== 4) return undefined;
  const y = new Float32Array(xv.length);
  lrnForward(backend.primitives, lrnGeometry(x, attrs), { x: xv, y });
  return output(backend, x.shape, y);
};

const lrnGrad: NativeFn = ({ x, dy }, backend, attrs) => {
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  if (!xv || !dyv || x.shape.length !== 4) return undefined;
  const dx = new Float32Array(xv.length);
  lrnBackward(backend.primitives, lrnGeometry(x, attrs), { x: xv, dy: dyv, dx });
  return output(backend, x.shape, dx);
};

const batchMatMul = (fused: boolean): NativeFn => ({ a, b, bias }, backend, attrs) => {
  const activation = fused ? attrs.activation ?? "linear" : "linear";
  if (activation !== "linear" && activation !== "relu") return undefined;
  const av = f32(backend, a);
  const bv = f32(backend, b);
  if (!av || !bv || a.shape.length < 2 || a.shape.length !== b.shape.length) return undefined;
  const ta = !!attrs.transposeA;
  const tb = !!attrs.transposeB;
  const ra = a.shape.length;
  const batchA = size(a.shape.slice(0, -2));
  const batchB = size(b.shape.slice(0, -2));
  if (batchA !== batchB || a.shape.slice(0, -2).some((d, i) => d !== b.shape[i])) return undefined;
  const m = ta ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = ta ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = tb ? b.shape[ra - 1] : b.shape[ra - 2];
  const n = tb ? b.shape[ra - 2] : b.shape[ra - 1];
  if (k !== kb) return undefined; // the cpu kernel throws the shape error
  let biasv: Float32Array | undefined;
  if (bias) {
    biasv = f32(backend, bias);
    if (!biasv || bias.shape.length !== 1 || bias.shape[0] !== n) return undefined;
  }
  const c = new Float32Array(batchA * m * n);
  matMul(backend.primitives, {
    batch: batchA,
    m,
    k,
    n,
    transposeA: ta,
    transposeB: tb,
    withBias: biasv != null,
    relu: activation === "relu",
  }, { a: av, b: bv, c, bias: biasv });
  return output(backend, [...a.shape.slice(0, -2), m, n], c);
};

/** Kernel name → native implementation (undefined result: use the cpu kernel). */
export const NATIVE_KERNELS: Record<string, NativeFn> = {
  Conv2D: conv2D,
  FusedConv2D: fusedConv2D,
  DepthwiseConv2dNative: depthwiseConv2D,
  Conv2DBackpropInput: conv2DBackpropInput,
  Conv2DBackpropFilter: conv2DBackpropFilter,
  MaxPool: pool("max"),
  AvgPool: pool("avg"),
  MaxPoolGrad: poolGrad("max"),
  AvgPoolGrad: poolGrad("avg"),
  LRN: lrn,
  LRNGrad: lrnGrad,
  BatchMatMul: batchMatMul(false),
  _FusedMatMul: batchMatMul(true),
};

/**
 * Wraps a native implementation so that inputs it does not cover run `fallback` (the cpu
 * backend's kernel function for the same name).
 */
export function withFallback(
  native: NativeFn,
  fallback: ((args: KernelArgs) => Out) | undefined,
  name: string,
): (args: KernelArgs) => Out {
  return (args) => {
    const out = native(
      args.inputs as Record<string, tf.TensorInfo>,
      args.backend as NativeKernelBackend,
      args.attrs ?? {},
    );
    if (out) return out;
    if (!fallback) throw new Error(`native backend: kernel ${name} has no cpu fallback`);
    return fallback(args);
  };
}
