/**
 * Relu's gradient through one kernel where the active backend has it: {@link RELU_GRAD_KERNEL}
 * (`dx = dy · step(x)` in one pass; the native backend and wasm's training kernels register it),
 * the stock `mul(dy, cast(step(x)))` elsewhere. No backend modules are imported here, so wasm uses
 * it without loading the native ones.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** The kernel's name (the native backend's, where it came first). */
export const RELU_GRAD_KERNEL = "_NativeReluGrad";

let done = false;

/**
 * Replaces Relu's registered gradient (once) with one that runs {@link RELU_GRAD_KERNEL} while the
 * active backend has that kernel, and the stock gradient otherwise.
 *
 * @example
 * ```ts
 * import { useReluGradKernel } from "./_relu_grad_kernel.ts";
 * useReluGradKernel();
 * ```
 */
export function useReluGradKernel(): void {
  if (done) return;
  const stock = tf.getGradient("Relu");
  if (!stock) return;
  tf.registerGradient({
    kernelName: "Relu",
    inputsToSave: stock.inputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      if (
        tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) == null || Array.isArray(dy) ||
        dy.dtype !== "float32" || x?.dtype !== "float32"
      ) {
        return stock.gradFunc(dy, saved, attrs);
      }
      return {
        x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x }) as tf.Tensor,
      };
    },
  });
  done = true;
}
