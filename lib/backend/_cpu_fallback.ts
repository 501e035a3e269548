/**
 * Runs a kernel on the cpu backend for a backend that lacks it: the inputs are copied to cpu, the
 * cpu kernel runs, and its outputs are copied back. Slow for big tensors, but it makes every
 * kernel the cpu backend has usable (e.g. Einsum on wasm).
 * @module
 */
import * as tf from "@tensorflow/tfjs";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};

/** A kernel function that runs `kernelName` of the cpu backend on copies of the inputs. */
export function cpuFallbackKernel(kernelName: string): (
  args: KernelArgs,
) => tf.TensorInfo | tf.TensorInfo[] {
  return ({ inputs, backend, attrs }) => {
    const cpuKernel = tf.getKernel(kernelName, "cpu");
    const cpu = tf.findBackend("cpu");
    if (!cpuKernel || !cpu) {
      throw new Error(`cpu fallback: kernel '${kernelName}' is not available on the cpu backend`);
    }
    const made: tf.DataId[] = [];
    // Some kernels (Einsum, Concat) take an array of tensors rather than named inputs.
    const cpuInputs = (Array.isArray(inputs) ? [] : {}) as tf.NamedTensorInfoMap;
    try {
      for (const [name, info] of Object.entries(inputs)) {
        if (info == null) continue;
        if (info.dtype === "complex64") {
          throw new Error(
            `cpu fallback: kernel '${kernelName}' input '${name}' is complex64, which ${tf.getBackend()} cannot hold`,
          );
        }
        const dataId = cpu.write(backend.readSync(info.dataId), info.shape, info.dtype);
        made.push(dataId);
        cpuInputs[name] = { dataId, shape: info.shape, dtype: info.dtype };
      }
      const out = cpuKernel.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs });
      const outs = Array.isArray(out) ? out : [out];
      made.push(...outs.map((o) => o.dataId));
      const copied = outs.map((o) => {
        if (o.dtype === "complex64") {
          throw new Error(`cpu fallback: kernel '${kernelName}' returns complex64`);
        }
        const values = cpu.readSync(o.dataId);
        return { dataId: backend.write(values, o.shape, o.dtype), shape: o.shape, dtype: o.dtype };
      });
      return Array.isArray(out) ? copied : copied[0];
    } finally {
      for (const id of made) cpu.disposeData(id);
    }
  };
}
