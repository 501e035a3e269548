/**
 * When a step collects collapse forensics (forensics.ts), and the collection on a probe of the
 * batch with the step's per-layer gradient norms.
 *
 * @example
 * ```ts
 * import { wantsForensics } from "./step_forensics.ts";
 * console.assert(wantsForensics(1, { every: 50, steps: 100, confirmed: false }));
 * console.assert(!wantsForensics(2, { every: 50, steps: 100, confirmed: false }));
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { collectForensics, type Forensics } from "./forensics.ts";
import { layerGradNorms } from "./gradients.ts";

/** True at step 1, every `every` steps, at a confirmed collapse and at the last step (never when every is 0). */
export function wantsForensics(
  step: number,
  options: { every: number; steps: number; confirmed: boolean },
): boolean {
  return options.every > 0 &&
    (step % options.every === 0 || step === 1 || options.confirmed || step === options.steps);
}

/** Forensics on the first `images` images of the batch; gradient norms from `grads` when any. */
export async function stepForensics(
  model: tf.LayersModel,
  batch: tf.Tensor4D,
  options: { step: number; images: number; grads: Record<string, tf.Tensor> },
): Promise<Forensics> {
  const probe = tf.slice(batch, 0, Math.min(batch.shape[0], options.images));
  try {
    const gradNorms = Object.keys(options.grads).length > 0
      ? await layerGradNorms(options.grads)
      : undefined;
    return await collectForensics(model, probe, { step: options.step, gradNorms });
  } finally {
    probe.dispose();
  }
}
