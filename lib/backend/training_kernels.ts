/**
 * Training kernels the wasm and cpu backends lack or run slowly, built from their own fast ops or,
 * on wasm, from the toolkit's own SIMD module and thread pool (`_wasm_gemm_module.ts`,
 * `_panel_threads.ts`).
 *
 * - wasm `Conv2D`, `FusedConv2D` (bias, linear or ReLU): the toolkit's conv panels on every wasm
 *   thread (`_conv2d_panels.ts`); other activations, prelu, dilations and channel counts that are
 *   not multiples of 4 go to XNNPACK.
 * - wasm `SplitV`, `Concat`, and ReLU's gradient (`_NativeReluGrad`, used by Relu's gradient where
 *   the backend has it): row copies and one SIMD pass on every thread (`_copy_kernels.ts`).
 * - `Conv2DBackpropInput`: the input gradient as s×s stride-1 forward convolutions (wasm's own is a
 *   scalar loop; this runs at forward-conv speed on XNNPACK), the reversed sub-filters built in
 *   one typed-array pass (wasm's Reverse cost ~7% of an NN2 training step).
 * - `Conv2DBackpropFilter`: on wasm, the toolkit's filter-gradient panels on every thread
 *   (`_conv_backprop_filter_panels.ts`); on cpu (and on wasm for output channels that are not a
 *   multiple of 4), one dilated convolution with the batch as the channel axis, chunked over the
 *   batch when dy exceeds 64 MiB (cpu's own is a very slow loop), or a single matmul for 1×1
 *   stride-1 filters.
 * - `DepthwiseConv2dNativeBackpropInput` / `…Filter`: depthwise convolutions (per-tap products
 *   for channel multipliers > 1).
 * - wasm `MaxPoolGrad`, `AvgPoolGrad`: typed-array loops in place on the wasm heap, 3–4× faster
 *   than wasm's own C++ loops, which revisit every window for each input pixel.
 * - wasm `LRN`, `LRNGrad`: running window sums over the channels, in place on the wasm heap
 *   (wasm's own re-sum the window per channel): in NN2's training step at batch 32, LRN
 *   1.3–1.8× and LRNGrad 1.6–2× faster (bench/profile.ts and bench/backend.ts on a loaded
 *   machine; single runs there vary more).
 * - wasm `Transpose` of float32 matrices (and batches of them, after merging adjacent axes):
 *   32×32 tiles in place on the wasm heap, 1.2–3.5× faster than wasm's own on the transposed
 *   operands of the gradients' matrix products; other permutations stay on wasm's kernel.
 * - wasm `Sum` over leading axes (bias gradients): one pass over rows, where wasm's own
 *   transposes first.
 * - `UnsortedSegmentSum` (the gradient of tf.gather): one pass over the data.
 * - wasm `Identity` (`tf.clone`, and the copy the gradient tape keeps of each tensor it saves):
 *   the same data with one more reference, where wasm's own copies it (301 copies in an NN2
 *   training step at batch 32, 1.6% of it).
 * - wasm `BatchMatMul`, `_FusedMatMul` with transposeA/B (used by the gradients of tf.matMul and
 *   Dense layers): the flagged operand is transposed first, 6–80× faster than wasm's own.
 * - wasm only: every other kernel the cpu backend has and wasm lacks runs on cpu (copying inputs
 *   and outputs), so e.g. `tf.einsum` works on wasm.
 *
 * Attributes the fast versions do not cover (NCHW, dilations > 1) go to the stock kernel (cpu) or
 * to the cpu fallback (wasm).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { asTensor, inputOf } from "./_conv_geometry.ts";
import { conv2dBackpropInputByConv, depthwiseBackpropInputByConv } from "./_conv_backprop_input.ts";
import {
  conv2dBackpropFilterByConv,
  conv2dBackpropFilterByMatMul,
  depthwiseBackpropFilterByConv,
  depthwiseBackpropFilterByTaps,
} from "./_conv_backprop_filter.ts";
import { conv2dBackpropFilterByPanels } from "./_conv_backprop_filter_panels.ts";
import { conv2dByPanels, type ConvPanelAttrs } from "./_conv2d_panels.ts";
import { concatOnHeap, reluGradOnHeap, splitOnHeap } from "./_copy_kernels.ts";
import { RELU_GRAD_KERNEL, useReluGradKernel } from "./_relu_grad_kernel.ts";
import { unsortedSegmentSumKernel } from "./_unsorted_segment_sum.ts";
import { cpuFallbackKernel } from "./_cpu_fallback.ts";
import { avgPoolGradKernel, maxPoolGradKernel } from "./_pool_grad_kernels.ts";
import { batchMatMulKernel, fusedMatMulKernel } from "./_batch_mat_mul.ts";
import { lrnGradKernel, lrnKernel } from "./_lrn_kernels.ts";
import { transposeKernel } from "./_transpose.ts";
import { sumKernel } from "./_sum_leading_axes.ts";

/** The backends {@link registerTrainingKernels} knows. */
export type TrainingBackend = "wasm" | "cpu";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};
type KernelFn = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** Kernels never worth a fallback (browser drawing). */
const NO_FALLBACK = new Set(["Draw"]);

/** Stock kernels we replaced, per backend, so {@link unregisterTrainingKernels} can restore them. */
const stock = new Map<string, tf.KernelConfig | undefined>();
const registered = new Map<TrainingBackend, string[]>();
/** Kernels registered as a copy-to-cpu fallback, per backend. */
const fallbacks = new Map<TrainingBackend, string[]>();
const setUp = new WeakSet<tf.KernelConfig>();

interface ConvAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

function isOne(v: number | [number, number] | undefined): boolean {
  return v == null || (typeof v === "number" ? v === 1 : v[0] === 1 && v[1] === 1);
}

function geometry(
  inShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  a: ConvAttrs,
  depthwise: boolean,
) {
  const info = tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    depthwise,
  );
  return {
    strides: [info.strideHeight, info.strideWidth] as [number, number],
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
  };
}

/** The kernel functions of the fast versions; `slow` handles attributes they do not cover. */
function fastKernels(slow: (name: string) => KernelFn): Record<string, KernelFn> {
  const covered = (a: ConvAttrs) =>
    (a.dataFormat == null || a.dataFormat === "NHWC") && isOne(a.dilations);
  return {
    Conv2D: (args) => {
      const x = inputOf(args.inputs, "x", "Conv2D");
      const filter = inputOf(args.inputs, "filter", "Conv2D");
      const attrs = args.attrs as unknown as ConvPanelAttrs;
      return conv2dByPanels(args.backend, x, filter, undefined, {
        ...attrs,
        activation: "linear",
      }) ??
        slow("Conv2D")(args);
    },
    FusedConv2D: (args) => {
      const x = inputOf(args.inputs, "x", "FusedConv2D");
      const filter = inputOf(args.inputs, "filter", "FusedConv2D");
      const attrs = args.attrs as unknown as ConvPanelAttrs;
      if (args.inputs.preluActivationWeights != null) return slow("FusedConv2D")(args);
      const bias = args.inputs.bias ?? undefined;
      return conv2dByPanels(args.backend, x, filter, bias, attrs) ?? slow("FusedConv2D")(args);
    },
    Conv2DBackpropInput: (args) => {
      const a = args.attrs as unknown as ConvAttrs;
      if (!covered(a)) return slow("Conv2DBackpropInput")(args);
      const dy = inputOf(args.inputs, "dy", "conv backprop");
      const filter = inputOf(args.inputs, "filter", "conv backprop");
      const inputShape = a.inputShape!;
      const g = geometry(inputShape, filter.shape as [number, number, number, number], a, false);
      return tf.tidy(() =>
        conv2dBackpropInputByConv(asTensor(dy), asTensor(filter), inputShape, g)
      );
    },
    Conv2DBackpropFilter: (args) => {
      const a = args.attrs as unknown as ConvAttrs;
      if (!covered(a)) return slow("Conv2DBackpropFilter")(args);
      const x = inputOf(args.inputs, "x", "conv backprop");
      const dy = inputOf(args.inputs, "dy", "conv backprop");
      const g = geometry(x.shape as [number, number, number, number], a.filterShape!, a, false);
      const byPanels = conv2dBackpropFilterByPanels(args.backend, x, dy, g);
      if (byPanels) return byPanels;
      // Measured (bench/backend.ts): the dilated convolution wins everywhere except a 1×1
      // stride-1 filter, where the gradient is a single matmul (on wasm since BatchMatMul's
      // transposed case is fast, see _batch_mat_mul.ts). A matmul over a transposed im2col copy
      // was tried: with a fresh dy per call, as in training, it tied (0.86–1.3×).
      const oneMatMul = g.filterHeight === 1 && g.filterWidth === 1 &&
        g.strides[0] === 1 && g.strides[1] === 1;
      const byConv = oneMatMul ? conv2dBackpropFilterByMatMul : conv2dBackpropFilterByConv;
      return tf.tidy(() => byConv(asTensor(x), asTensor(dy), g));
    },
    DepthwiseConv2dNativeBackpropInput: (args) => {
      const a = args.attrs as unknown as ConvAttrs;
      if (!covered(a)) return slow("DepthwiseConv2dNativeBackpropInput")(args);
      const dy = inputOf(args.inputs, "dy", "conv backprop");
      const filter = inputOf(args.inputs, "filter", "conv backprop");
      const inputShape = a.inputShape!;
      const g = geometry(inputShape, filter.shape as [number, number, number, number], a, true);
      return tf.tidy(() =>
        depthwiseBackpropInputByConv(asTensor(dy), asTensor(filter), inputShape, g)
      );
    },
    DepthwiseConv2dNativeBackpropFilter: (args) => {
      const a = args.attrs as unknown as ConvAttrs;
      if (!covered(a)) return slow("DepthwiseConv2dNativeBackpropFilter")(args);
      const x = inputOf(args.inputs, "x", "conv backprop");
      const dy = inputOf(args.inputs, "dy", "conv backprop");
      const fs = a.filterShape!;
      const g = geometry(x.shape as [number, number, number, number], fs, a, true);
      return tf.tidy(() =>
        fs[3] === 1
          ? depthwiseBackpropFilterByConv(asTensor(x), asTensor(dy), g)
          : depthwiseBackpropFilterByTaps(asTensor(x), asTensor(dy), g, fs[3])
      );
    },
    SplitV: (args) => splitOnHeap(args) ?? slow("SplitV")(args),
    Concat: (args) => concatOnHeap(args) ?? slow("Concat")(args),
    [RELU_GRAD_KERNEL]: (args) =>
      reluGradOnHeap(args) ??
        tf.tidy(() => {
          const dy = asTensor(inputOf(args.inputs, "dy", RELU_GRAD_KERNEL));
          const x = asTensor(inputOf(args.inputs, "x", RELU_GRAD_KERNEL));
          return tf.mul(dy, tf.cast(tf.step(x), "float32"));
        }),
    UnsortedSegmentSum: unsortedSegmentSumKernel,
    Identity: (args) => {
      // tf.clone, and the tape's saved copy of every tensor a gradient needs: the same data with
      // one more reference (as wasm's own Reshape does), where wasm's Identity copies it.
      const x = inputOf(args.inputs, "x", "Identity");
      if (x.dtype === "string") return slow("Identity")(args);
      (args.backend as unknown as { incRef(id: tf.DataId): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    },
    MaxPoolGrad: maxPoolGradKernel,
    AvgPoolGrad: avgPoolGradKernel,
    LRN: lrnKernel,
    LRNGrad: lrnGradKernel,
    Transpose: transposeKernel(() => slow("Transpose")),
    Sum: sumKernel(() => slow("Sum")),
    BatchMatMul: batchMatMulKernel(() => slow("BatchMatMul")),
    _FusedMatMul: fusedMatMulKernel(() => slow("_FusedMatMul")),
  };
}

/** Kernel names each backend gets the fast version of. */
const FAST: Record<TrainingBackend, string[]> = {
  wasm: [
    "Conv2D",
    "FusedConv2D",
    "SplitV",
    "Concat",
    RELU_GRAD_KERNEL,
    "Conv2DBackpropInput",
    "Conv2DBackpropFilter",
    "DepthwiseConv2dNativeBackpropInput",
    "DepthwiseConv2dNativeBackpropFilter",
    "UnsortedSegmentSum",
    "Identity",
    "MaxPoolGrad",
    "AvgPoolGrad",
    "LRN",
    "LRNGrad",
    "Transpose",
    "Sum",
    "BatchMatMul",
    "_FusedMatMul",
  ],
  cpu: ["Conv2DBackpropFilter"],
};

function replace(name: string, backendName: TrainingBackend, kernelFunc: KernelFn): void {
  const key = `${backendName}/${name}`;
  const current = tf.getKernel(name, backendName);
  if (!stock.has(key)) stock.set(key, current);
  if (current) tf.unregisterKernel(name, backendName);
  // wasm kernels bind their wasm functions in setupFunc, which the engine runs for registered
  // kernels when the backend starts; other stock kernels call some of them directly (wasm's
  // reductions call its transpose), so the replacement carries the stock setup along, and runs
  // it now where the backend has already started.
  const original = stock.get(key);
  const setupFunc = original?.setupFunc;
  tf.registerKernel({
    kernelName: name,
    backendName,
    kernelFunc: kernelFunc as tf.KernelFunc,
    ...(setupFunc ? { setupFunc } : {}),
  });
  const live = tf.engine().registry[backendName];
  if (original && setupFunc && live && !setUp.has(original)) {
    setupFunc(live);
    setUp.add(original);
  }
}

/** Options of {@link registerTrainingKernels}. */
export interface RegisterTrainingKernelsOptions {
  /** wasm only: run kernels wasm lacks on the cpu backend. Default true. */
  cpuFallback?: boolean;
}

/**
 * Registers the toolkit's training kernels for a backend (see the module doc). Idempotent; call it
 * before training (initBackend does). Returns the kernel names it registered.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import "@tensorflow/tfjs-backend-wasm";
 * import { registerTrainingKernels } from "./training_kernels.ts";
 * registerTrainingKernels("wasm");
 * await tf.setBackend("wasm");
 * const x = tf.ones([1, 8, 8, 3]);
 * const w = tf.variable(tf.ones([3, 3, 3, 4]));
 * const g = tf.grad((v: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, v as tf.Tensor4D, 2, "same").sum())(w);
 * console.assert(g.shape.join() === "3,3,3,4");
 * ```
 */
export function registerTrainingKernels(
  backend: TrainingBackend,
  options: RegisterTrainingKernelsOptions = {},
): string[] {
  if (backend !== "wasm" && backend !== "cpu") {
    throw new Error(`registerTrainingKernels: unknown backend '${backend}'; expected wasm or cpu`);
  }
  const already = registered.get(backend);
  if (already) return [...already];
  if (!tf.getKernel("Conv2D", backend)) {
    throw new Error(
      `registerTrainingKernels: the ${backend} backend's kernels are not loaded` +
        (backend === "wasm" ? "; import '@tensorflow/tfjs-backend-wasm' first" : ""),
    );
  }
  const names: string[] = [];
  const slow = (name: string): KernelFn => {
    const original = stock.get(`${backend}/${name}`);
    if (original) {
      return (args) => {
        // wasm kernels bind their wasm functions in setupFunc, which the backend ran for the
        // kernels registered when it started: not for a stock kernel we had replaced by then.
        if (original.setupFunc && !setUp.has(original)) {
          original.setupFunc(args.backend);
          setUp.add(original);
        }
        return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
      };
    }
    if (backend === "wasm") return cpuFallbackKernel(name);
    throw new Error(`${name}: no stock ${backend} kernel for these attributes`);
  };
  const fast = fastKernels(slow);
  if (backend === "wasm") useReluGradKernel(); // Relu's gradient runs the one-pass kernel
  for (const name of FAST[backend]) {
    replace(name, backend, fast[name]);
    names.push(name);
  }
  const viaCpu: string[] = [];
  if (backend === "wasm" && options.cpuFallback !== false) {
    const have = new Set(tf.getKernelsForBackend("wasm").map((k) => k.kernelName));
    for (const k of tf.getKernelsForBackend("cpu")) {
      if (have.has(k.kernelName) || NO_FALLBACK.has(k.kernelName)) continue;
      replace(k.kernelName, "wasm", cpuFallbackKernel(k.kernelName));
      names.push(k.kernelName);
      viaCpu.push(k.kernelName);
    }
  }
  registered.set(backend, names);
  fallbacks.set(backend, viaCpu);
  return [...names];
}

/**
 * Undoes {@link registerTrainingKernels}: restores the stock kernels (and removes the added ones).
 * For benchmarks and tests that compare against tfjs's own kernels.
 *
 * @example
 * ```ts
 * import { registerTrainingKernels, unregisterTrainingKernels } from "./training_kernels.ts";
 * registerTrainingKernels("cpu");
 * unregisterTrainingKernels("cpu"); // cpu's own Conv2DBackpropFilter again
 * ```
 */
export function unregisterTrainingKernels(backend: TrainingBackend): void {
  const names = registered.get(backend);
  if (!names) return;
  for (const name of names) {
    const key = `${backend}/${name}`;
    tf.unregisterKernel(name, backend);
    const original = stock.get(key);
    if (original) {
      tf.registerKernel(original);
      // wasm kernels bind their wasm functions in setupFunc, run when the backend starts; a stock
      // kernel unregistered at that moment was never set up.
      const live = tf.engine().registry[backend];
      if (live && original.setupFunc) original.setupFunc(live);
    }
    stock.delete(key);
  }
  registered.delete(backend);
  fallbacks.delete(backend);
}

/**
 * Kernel names currently registered by {@link registerTrainingKernels} for a backend (empty when
 * none are).
 *
 * @example
 * ```ts
 * import { trainingKernelNames } from "./training_kernels.ts";
 * console.log(trainingKernelNames("cpu")); // [] until registerTrainingKernels("cpu")
 * ```
 */
export function trainingKernelNames(backend: TrainingBackend): string[] {
  return [...(registered.get(backend) ?? [])];
}

/**
 * Kernel names {@link registerTrainingKernels} made run on the cpu backend (copying inputs and
 * outputs) because the backend lacks them: slow for big tensors, so profiles flag them.
 *
 * @example
 * ```ts
 * import { cpuFallbackKernelNames } from "./training_kernels.ts";
 * console.log(cpuFallbackKernelNames("wasm")); // [] until registerTrainingKernels("wasm")
 * ```
 */
export function cpuFallbackKernelNames(backend: TrainingBackend): string[] {
  return [...(fallbacks.get(backend) ?? [])];
}
