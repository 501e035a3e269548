/**
 * Transposed matrix products on wasm. tfjs-backend-wasm 4.22's `BatchMatMul` and `_FusedMatMul`
 * with `transposeA` or `transposeB` run 6–80× slower than the same product with the operand
 * transposed first (measured in bench/backend.ts: XNNPACK's fast path wants both operands
 * row-major). tfjs's own gradients of `tf.matMul` and of Dense layers use these flags, so the
 * kernels here transpose the flagged operands explicitly (wasm's Transpose kernel) and run the
 * stock non-transposed product.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { asTensor, inputOf } from "./_conv_geometry.ts";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};
type KernelFn = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** Swaps the last two axes of a matrix operand (rank ≥ 2). */
function swapLast(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(t, perm);
}

/**
 * The operands of a matmul kernel with the flagged ones transposed, inside the caller's tidy:
 * `[a, b]` as Tensors to hand to the non-transposed kernel.
 */
function untransposed(args: KernelArgs, kernelName: string): [tf.Tensor, tf.Tensor] {
  const a = asTensor(inputOf(args.inputs, "a", kernelName));
  const b = asTensor(inputOf(args.inputs, "b", kernelName));
  const attrs = args.attrs ?? {};
  return [attrs.transposeA ? swapLast(a) : a, attrs.transposeB ? swapLast(b) : b];
}

/**
 * `BatchMatMul` that transposes flagged operands explicitly; `stock` runs the product without
 * flags (and any call without them).
 */
export function batchMatMulKernel(stock: () => KernelFn): KernelFn {
  return (args) => {
    const attrs = args.attrs ?? {};
    if (!attrs.transposeA && !attrs.transposeB) return stock()(args);
    return tf.tidy(() => {
      const [a, b] = untransposed(args, "BatchMatMul");
      return tf.engine().runKernel("BatchMatMul", { a, b } as unknown as tf.NamedTensorMap, {
        ...attrs,
        transposeA: false,
        transposeB: false,
      }) as tf.Tensor;
    });
  };
}

/** Applies a fused kernel's activation attribute. */
function activate(y: tf.Tensor, attrs: tf.NamedAttrMap, prelu?: tf.Tensor): tf.Tensor {
  const act = (attrs.activation as string | undefined) ?? "linear";
  switch (act) {
    case "linear":
      return y;
    case "relu":
      return tf.relu(y);
    case "relu6":
      return tf.relu6(y);
    case "elu":
      return tf.elu(y);
    case "sigmoid":
      return tf.sigmoid(y);
    case "leakyrelu":
      return tf.leakyRelu(y, (attrs.leakyreluAlpha as number | undefined) ?? 0.2);
    case "prelu":
      if (!prelu) {
        throw new Error("_FusedMatMul: activation 'prelu' without preluActivationWeights");
      }
      return tf.prelu(y, prelu);
    default:
      throw new Error(`_FusedMatMul: unknown activation '${act}'`);
  }
}

/**
 * `_FusedMatMul` (matmul + bias + activation) that transposes flagged operands explicitly. A
 * batched product (batch > 1) runs unfused: wasm 4.22's fused kernel adds the bias to the first
 * matrix of the batch only.
 */
export function fusedMatMulKernel(stock: () => KernelFn): KernelFn {
  return (args) => {
    const attrs = args.attrs ?? {};
    const a = inputOf(args.inputs, "a", "_FusedMatMul");
    const b = inputOf(args.inputs, "b", "_FusedMatMul");
    const batch = Math.max(
      a.shape.slice(0, -2).reduce((p, d) => p * d, 1),
      b.shape.slice(0, -2).reduce((p, d) => p * d, 1),
    );
    if (!attrs.transposeA && !attrs.transposeB && batch === 1) return stock()(args);
    return tf.tidy(() => {
      const [a2, b2] = untransposed(args, "_FusedMatMul");
      const inputs: Record<string, tf.Tensor> = { a: a2, b: b2 };
      for (const name of ["bias", "preluActivationWeights"]) {
        const info = args.inputs[name];
        if (info != null) inputs[name] = asTensor(info);
      }
      const plain = { ...attrs, transposeA: false, transposeB: false };
      if (batch === 1) {
        return tf.engine().runKernel(
          "_FusedMatMul",
          inputs as unknown as tf.NamedTensorMap,
          plain,
        ) as tf.Tensor;
      }
      let y = tf.matMul(a2, b2);
      if (inputs.bias) y = tf.add(y, inputs.bias);
      return activate(y, attrs, inputs.preluActivationWeights);
    });
  };
}
