/**
 * One optimiser update from a step's gradients: L2 weight decay, clipping by global norm, the
 * NaN/Inf guard (nan_guard.ts), then the optimiser at the schedule's learning rate.
 *
 * @example
 * ```ts
 * import { updateWeights } from "./update_weights.ts";
 * console.assert(typeof updateWeights === "function");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { addWeightDecay, clipByGlobalNorm } from "./gradients.ts";
import { type GuardContext, guardFinite } from "./nan_guard.ts";
import type { Optimizer } from "./optimizer.ts";

/** Options of {@link updateWeights}. */
export interface UpdateOptions {
  variables: tf.Variable[];
  optimizer: Optimizer;
  weightDecay: number;
  clipNorm: number;
  /** The step's loss value (checked by the guard with the gradient norm). */
  loss: number;
  /** What the guard reports when a value is not finite. */
  guard: GuardContext;
}

/** Applies the update; returns the gradient norm before clipping. Leaves `grads` to the caller. */
export async function updateWeights(
  grads: Record<string, tf.Tensor>,
  options: UpdateOptions,
): Promise<number> {
  const decayed = addWeightDecay(grads, options.variables, options.weightDecay);
  const clipped = clipByGlobalNorm(decayed, options.clipNorm);
  tf.dispose(Object.values(decayed));
  const gradNorm = (await clipped.norm.data())[0];
  clipped.norm.dispose();
  try {
    await guardFinite({ loss: options.loss, gradNorm }, options.guard);
    options.optimizer.apply(options.variables, clipped.grads, options.guard.lr);
  } finally {
    tf.dispose(Object.values(clipped.grads));
  }
  return gradNorm;
}
