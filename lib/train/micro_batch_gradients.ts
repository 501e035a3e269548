/**
 * Micro-batch gradients: the mined triplets split into groups of at most `microBatch` distinct
 * images (micro_batches.ts), one forward and backward pass per group, gradients summed — so a
 * 1,800-image mining batch fits the 32-bit wasm heap. The sum over groups reduces as the whole
 * batch would through the reducer's `divisor`, read from the step's shared distance matrix.
 *
 * @example
 * ```ts
 * import { microBatchGradients } from "./micro_batch_gradients.ts";
 * console.assert(typeof microBatchGradients === "function");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { isTriplets, type Triplets, tupleCount } from "../losses/mod.ts";
import type {
  GradientStrategy,
  StepBatch,
  StepGradients,
  StrategyParts,
  TupleSelector,
} from "./gradient_strategy.ts";
import { splitTriplets } from "./micro_batches.ts";
import { wholeBatchGradients } from "./whole_batch_gradients.ts";

/** Options of {@link microBatchGradients}. */
export interface MicroBatchOptions {
  select: TupleSelector;
  /** Max distinct images per micro-batch (≥ 3). A batch this small or smaller is one pass. */
  microBatch: number;
  /** Train on at most this many micro-batches a step. Default: all. */
  maxMicroBatches?: number;
}

/** Per-element loss values of the whole batch without gradient, from the shared matrix. */
async function lossValues(parts: StrategyParts, batch: StepBatch, t: Triplets) {
  const v = tf.tidy(() =>
    parts.loss.fromMatrix
      ? parts.loss.fromMatrix(batch.view.matrix, batch.labels, t)
      : parts.loss.compute(batch.view.embeddings, batch.labels, t)
  );
  try {
    return await v.data();
  } finally {
    v.dispose();
  }
}

/** The strategy (see the module doc). */
export function microBatchGradients(
  parts: StrategyParts,
  options: MicroBatchOptions,
): GradientStrategy {
  const { model, variables, loss, reducer } = parts;
  const whole = wholeBatchGradients(parts, { select: options.select });
  return {
    name: "microBatch",
    async gradients(batch: StepBatch): Promise<StepGradients> {
      if (batch.images.shape[0] <= options.microBatch) return whole.gradients(batch);
      const mined = await options.select(batch);
      const chosenAt = performance.now();
      if (tupleCount(mined) === 0) {
        return { tuples: mined, chosenAt, grads: {}, microBatches: 0, microBatchesMined: 0 };
      }
      if (!isTriplets(mined)) {
        throw new Error("trainEmbedding: 'microBatch' needs triplets, the selector gave pairs");
      }
      const denom = reducer.divisor(await lossValues(parts, batch, mined));
      const all = splitTriplets(mined, options.microBatch);
      const groups = all.slice(0, options.maxMicroBatches ?? Infinity);
      const grads: Record<string, tf.Tensor> = {};
      let total = tf.scalar(0);
      for (const group of groups) {
        const r = tf.tidy(() => {
          const sub = tf.gather(batch.images, tf.tensor1d(group.images, "int32"));
          const subLabels = Int32Array.from(group.images, (i) => batch.labels[i]);
          return tf.variableGrads(() => {
            const e = model.apply(sub, { training: true }) as tf.Tensor2D;
            return loss.compute(e, subLabels, group.triplets).sum().div(denom) as tf.Scalar;
          }, variables);
        });
        const next = total.add(r.value) as tf.Scalar;
        tf.dispose([total, r.value]);
        total = next;
        for (const [name, g] of Object.entries(r.grads)) {
          if (grads[name]) {
            const s = grads[name].add(g);
            tf.dispose([grads[name], g]);
            grads[name] = s;
          } else grads[name] = g;
        }
      }
      return {
        tuples: mined,
        chosenAt,
        loss: total,
        grads,
        microBatches: groups.length,
        microBatchesMined: all.length,
      };
    },
  };
}
