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
import { tupleCount } from "../losses/mod.ts";
import type {
  GradientStrategy,
  StepBatch,
  StepGradients,
  StrategyParts,
  TupleSelector,
} from "./gradient_strategy.ts";

/**
 * The strategy: tuples from `select`, then reducer(loss(model(images), labels, tuples)) and its
 * gradients in one pass (training-mode forward).
 */
export function wholeBatchGradients(
  parts: StrategyParts,
  options: { select: TupleSelector },
): GradientStrategy {
  const { model, variables, loss, reducer } = parts;
  return {
    name: "wholeBatch",
    async gradients(batch: StepBatch): Promise<StepGradients> {
      const tuples = await options.select(batch);
      const chosenAt = performance.now();
      if (tupleCount(tuples) === 0) {
        return { tuples, chosenAt, grads: {}, microBatches: 0, microBatchesMined: 0 };
      }
      const r = tf.tidy(() =>
        tf.variableGrads(() => {
          const e = model.apply(batch.images, { training: true }) as tf.Tensor2D;
          return reducer.reduce(loss.compute(e, batch.labels, tuples));
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
