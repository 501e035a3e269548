/**
 * Whole-batch gradients: one forward and backward pass over every image of the batch.
 *
 * @example
 * ```ts
 * import { wholeBatchGradients } from "./whole_batch_gradients.ts";
 * console.assert(typeof wholeBatchGradients === "function");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { distillationLoss, tupleCount } from "../losses/mod.ts";
import type {
  GradientStrategy,
  StepBatch,
  StepGradients,
  StrategyParts,
  TupleSelector,
} from "./gradient_strategy.ts";

/**
 * The strategy: tuples from `select`, then reducer(loss(model(images), labels, tuples)) and its
 * gradients in one pass (training-mode forward). With `parts.distillWeight` λ > 0 the batch's
 * `targets` are required and λ · mean‖e − t‖² is added (a step without tuples then still trains on
 * that term alone).
 */
export function wholeBatchGradients(
  parts: StrategyParts,
  options: { select: TupleSelector },
): GradientStrategy {
  const { model, variables, loss, reducer } = parts;
  const lambda = parts.distillWeight ?? 0;
  return {
    name: "wholeBatch",
    async gradients(batch: StepBatch): Promise<StepGradients> {
      const tuples = await options.select(batch);
      const chosenAt = performance.now();
      const targets = batch.targets;
      if (lambda > 0 && !targets) {
        throw new Error(
          "wholeBatchGradients: 'distillWeight' > 0 needs batches with 'targets' (a teacher's embeddings); the loader gave none",
        );
      }
      const distill = lambda > 0 && targets !== undefined;
      const hasTuples = tupleCount(tuples) > 0;
      if (!hasTuples && !distill) {
        return { tuples, chosenAt, grads: {}, microBatches: 0, microBatchesMined: 0 };
      }
      const r = tf.tidy(() =>
        tf.variableGrads(() => {
          const e = model.apply(batch.images, { training: true }) as tf.Tensor2D;
          const main = hasTuples
            ? reducer.reduce(loss.compute(e, batch.labels, tuples))
            : tf.scalar(0);
          return distill
            ? tf.add(main, tf.mul(lambda, tf.mean(distillationLoss(e, targets)))) as tf.Scalar
            : main;
        }, variables)
      );
      return {
        tuples,
        chosenAt,
        loss: r.value,
        grads: r.grads,
        microBatches: 1,
        microBatchesMined: 1,
      };
    },
  };
}
