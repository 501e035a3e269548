/**
 * The monograph's three-input triplet model: random triplets drawn from the batch (the "trunk"),
 * the anchor, positive and negative images embedded by the one shared model (in that order, as
 * the Keras model of lib/model's createTripletModel runs them), d_ap = d(f(a), f(p)) and
 * d_an = d(f(a), f(n)) with the config's distance, then any lib/losses loss that takes triplet
 * distances (`fromTripletDistances`: triplet in every form, contrastive) and any reducer.
 *
 * Computed without building the Keras three-input model, so the embedder's reference count is
 * never touched (that model's symbolic applies kept the embedder from being disposed).
 *
 * @example
 * ```ts
 * import { tripletModelGradients } from "./triplet_model_gradients.ts";
 * console.assert(typeof tripletModelGradients === "function");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Distance } from "../losses/mod.ts";
import type { Rng } from "../random/mod.ts";
import type {
  GradientStrategy,
  StepBatch,
  StepGradients,
  StrategyParts,
} from "./gradient_strategy.ts";
import { randomTriplets } from "./random_triplets.ts";

/** Options of {@link tripletModelGradients}. */
export interface TripletModelGradientsOptions {
  /** The distance of the model's distance layers (d_ap, d_an). */
  distance: Distance;
  /** Random triplets per step. */
  tripletsPerStep: number;
  /** The generator the triplets are drawn from (the run's, checkpointed). */
  rng: Rng;
}

/** The strategy (see the module doc). */
export function tripletModelGradients(
  parts: StrategyParts,
  options: TripletModelGradientsOptions,
): GradientStrategy {
  const { model, variables, loss, reducer } = parts;
  if (!loss.fromTripletDistances) {
    throw new Error(
      `trainEmbedding: loss '${loss.name}' cannot train the triplet model: it does not take ` +
        `triplet distances (d_ap, d_an); use triplet or contrastive`,
    );
  }
  const { distance } = options;
  return {
    name: "tripletModel",
    gradients(batch: StepBatch): Promise<StepGradients> {
      const t = randomTriplets(batch.labels, {
        count: options.tripletsPerStep,
        rng: options.rng,
      });
      const chosenAt = performance.now();
      if (t.anchors.length === 0) {
        return Promise.resolve({
          tuples: t,
          chosenAt,
          grads: {},
          microBatches: 0,
          microBatchesMined: 0,
        });
      }
      const r = tf.tidy(() => {
        const ia = tf.tensor1d(t.anchors, "int32"), ip = tf.tensor1d(t.positives, "int32");
        const ineg = tf.tensor1d(t.negatives, "int32");
        const xa = tf.gather(batch.images, ia),
          xp = tf.gather(batch.images, ip),
          xn = tf.gather(batch.images, ineg);
        return tf.variableGrads(() => {
          const ea = model.apply(xa, { training: true }) as tf.Tensor2D;
          const ep = model.apply(xp, { training: true }) as tf.Tensor2D;
          const en = model.apply(xn, { training: true }) as tf.Tensor2D;
          const dap = distance.pairwise(ea, ep);
          const dan = distance.pairwise(ea, en);
          return reducer.reduce(loss.fromTripletDistances!(dap, dan));
        }, variables);
      });
      return Promise.resolve({
        tuples: t,
        chosenAt,
        loss: r.value,
        grads: r.grads,
        microBatches: 1,
        microBatchesMined: 1,
      });
    },
  };
}
