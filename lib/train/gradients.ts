/**
 * Gradient post-processing for one training step: L2 weight decay, clipping by global norm, and
 * per-layer norms (for forensics). All synchronous tensor code; the caller disposes the results.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { clipByGlobalNorm } from "./gradients.ts";
 * const grads = { a: tf.tensor1d([3, 4]) };
 * const { grads: clipped, norm } = clipByGlobalNorm(grads, 1);
 * console.assert((await norm.data())[0] === 5);
 * tf.dispose([grads.a, clipped.a, norm]);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** The global L2 norm of a set of gradients, as a scalar tensor. */
export function globalNorm(grads: Record<string, tf.Tensor>): tf.Scalar {
  return tf.tidy(() => {
    const parts = Object.values(grads).map((g) => g.square().sum());
    return (parts.length ? tf.addN(parts) : tf.scalar(0)).sqrt() as tf.Scalar;
  });
}

/**
 * Scales all gradients by min(1, maxNorm/‖g‖) (TensorFlow's clip_by_global_norm). Returns new
 * tensors (the inputs are untouched) and the pre-clip norm. `maxNorm` ≤ 0 or ∞ disables clipping.
 */
export function clipByGlobalNorm(
  grads: Record<string, tf.Tensor>,
  maxNorm: number,
): { grads: Record<string, tf.Tensor>; norm: tf.Scalar } {
  const norm = globalNorm(grads);
  const out: Record<string, tf.Tensor> = {};
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) {
    for (const [k, g] of Object.entries(grads)) out[k] = g.clone();
    return { grads: out, norm };
  }
  tf.tidy(() => {
    const scale = tf.minimum(tf.scalar(1), tf.scalar(maxNorm).div(norm.add(1e-12)));
    for (const [k, g] of Object.entries(grads)) out[k] = tf.keep(g.mul(scale));
  });
  return { grads: out, norm };
}

/**
 * Adds L2 weight decay `decay·w` to the gradient of each variable whose name `decays(name)` accepts
 * (default: kernels only, not biases, batch-norm or scale parameters). Returns new tensors.
 */
export function addWeightDecay(
  grads: Record<string, tf.Tensor>,
  variables: tf.Variable[],
  decay: number,
  decays: (name: string) => boolean = isKernelName,
): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  tf.tidy(() => {
    for (const v of variables) {
      const g = grads[v.name];
      if (!g) continue;
      out[v.name] = tf.keep(decay > 0 && decays(v.name) ? g.add(v.mul(decay)) : g.clone());
    }
  });
  return out;
}

/** True for weight names that are kernels (conv/dense weights), false for bias, gamma, beta, … */
export function isKernelName(name: string): boolean {
  return /kernel|depthwise|pointwise|embeddings/i.test(name) && !/bias/i.test(name);
}

/** The layer a variable belongs to, from its name ("block1/conv/kernel" → "block1/conv"). */
export function layerOfVariable(name: string): string {
  const clean = name.replace(/_\d+$/, "");
  const i = clean.lastIndexOf("/");
  return i > 0 ? clean.slice(0, i) : clean;
}

/** Per-layer L2 norms of the gradients, read to numbers (async). */
export async function layerGradNorms(
  grads: Record<string, tf.Tensor>,
): Promise<Record<string, number>> {
  const byLayer = new Map<string, tf.Tensor[]>();
  for (const [k, g] of Object.entries(grads)) {
    const layer = layerOfVariable(k);
    byLayer.set(layer, [...(byLayer.get(layer) ?? []), g]);
  }
  const names = [...byLayer.keys()];
  const norms = tf.tidy(() =>
    tf.stack(names.map((n) => tf.addN(byLayer.get(n)!.map((g) => g.square().sum())).sqrt()))
  );
  const values = await norms.data();
  norms.dispose();
  const out: Record<string, number> = {};
  names.forEach((n, i) => (out[n] = values[i]));
  return out;
}
