/**
 * The "native" TensorFlow.js backend: the cpu backend (tensors are JS typed arrays) whose
 * convolutions, poolings, LRN and matrix products run on oneDNN (`libdnnl.so.2`, through Deno
 * FFI) directly on those arrays. Every other kernel is the cpu backend's own, including the
 * toolkit's cpu training kernels. oneDNN primitives are cached per shape and attributes and freed
 * when the backend is disposed.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { openDnnl } from "./dnnl.ts";
import { PrimitiveCache } from "./primitive_cache.ts";
import {
  conv2DBackpropFilterBias,
  NATIVE_KERNELS,
  type NativeKernelBackend,
  withFallback,
} from "./native_kernels.ts";
import { CONV2D_BACKPROP_FILTER_BIAS } from "../../model/train_conv2d.ts";
import { FAST_JS_KERNELS } from "./fast_js_kernels.ts";
import { NATIVE_RELU_GRAD, nativeReluGrad, registerNativeReluGrad } from "./relu_grad.ts";
import {
  BATCH_NORM_TRAIN,
  BATCH_NORM_TRAIN_GRAD,
  batchNormTrain,
  batchNormTrainGrad,
  registerBatchNormTrainGradient,
} from "./batch_norm_kernels.ts";

/** The backend's registered name. */
export const NATIVE_BACKEND = "native";

/** A cpu backend whose heavy kernels run on oneDNN. */
export class NativeBackend extends MathBackendCPU implements NativeKernelBackend {
  /** Cached oneDNN primitives (freed by {@link NativeBackend.dispose}). */
  readonly primitives: PrimitiveCache = new PrimitiveCache(512);

  override dispose(): void {
    this.primitives.clear();
    super.dispose();
  }
}

let registered = false;

/**
 * Registers the "native" backend (once): opens libdnnl.so.2 first and throws its reason
 * ("libdnnl.so.2 not found: apt install libdnnl2") when it cannot load, registering nothing.
 * The cpu backend's kernels, as they stand now (call after the toolkit's cpu training kernels are
 * registered), are copied to "native", then the oneDNN ones (`./native_kernels.ts`) and the
 * typed-array ones (`./fast_js_kernels.ts`) replace theirs; training-mode batch normalisation
 * (`_BatchNormTrain` and its gradient, `./batch_norm_kernels.ts`) is added. Relu's gradient becomes one pass on
 * this backend (`./relu_grad.ts`; unchanged on the others).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { registerNativeBackend } from "./native_backend.ts";
 * try {
 *   registerNativeBackend();
 *   await tf.setBackend("native");
 * } catch (e) {
 *   console.log((e as Error).message);
 * }
 * ```
 */
export function registerNativeBackend(): void {
  if (registered) {
    // tf.removeBackend("native") drops the factory; the kernels stay registered.
    if (!tf.findBackendFactory(NATIVE_BACKEND)) {
      tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(), 1);
    }
    return;
  }
  openDnnl();
  for (const config of tf.getKernelsForBackend("cpu")) {
    const native = NATIVE_KERNELS[config.kernelName] ?? FAST_JS_KERNELS[config.kernelName];
    tf.registerKernel({
      ...config,
      backendName: NATIVE_BACKEND,
      kernelFunc: native
        ? withFallback(native, config.kernelFunc as never, config.kernelName) as tf.KernelFunc
        : config.kernelFunc,
    });
  }
  tf.registerKernel({
    kernelName: NATIVE_RELU_GRAD,
    backendName: NATIVE_BACKEND,
    kernelFunc: withFallback(nativeReluGrad, undefined, NATIVE_RELU_GRAD) as tf.KernelFunc,
  });
  registerNativeReluGrad(NATIVE_BACKEND);
  for (
    const [name, fn] of [[BATCH_NORM_TRAIN, batchNormTrain], [
      BATCH_NORM_TRAIN_GRAD,
      batchNormTrainGrad,
    ]] as const
  ) {
    tf.registerKernel({
      kernelName: name,
      backendName: NATIVE_BACKEND,
      kernelFunc: withFallback(fn, undefined, name) as tf.KernelFunc,
    });
  }
  registerBatchNormTrainGradient();
  // Where the geometry is not covered: this backend's own filter gradient and Σ dy.
  const cpuFilter = tf.getKernel("Conv2DBackpropFilter", NATIVE_BACKEND)!.kernelFunc;
  const cpuSum = tf.getKernel("Sum", NATIVE_BACKEND)!.kernelFunc;
  tf.registerKernel({
    kernelName: CONV2D_BACKPROP_FILTER_BIAS,
    backendName: NATIVE_BACKEND,
    kernelFunc: withFallback(
      conv2DBackpropFilterBias,
      (args) => [
        cpuFilter(args as never) as tf.TensorInfo,
        cpuSum({
          inputs: { x: args.inputs.dy },
          backend: args.backend,
          attrs: { axis: [0, 1, 2], keepDims: false },
        } as never) as tf.TensorInfo,
      ],
      CONV2D_BACKPROP_FILTER_BIAS,
    ) as tf.KernelFunc,
  });
  tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(), 1);
  registered = true;
}
