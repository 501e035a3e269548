/**
 * One training step on one batch: the no-gradient view with its one distance matrix
 * (batch_view.ts), the gradient strategy's tuples, loss and gradients, the guarded weight update
 * (update_weights.ts) and the step's metrics measured on the same matrix (step_metrics.ts).
 *
 * @example
 * ```ts
 * import { createStepRunner } from "./train_step.ts";
 * console.assert(typeof createStepRunner === "function");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type BatchView, disposeBatchView, viewBatch } from "./batch_view.ts";
import type { StepGradients } from "./gradient_strategy.ts";
import { measureStep, type StepMetrics } from "./step_metrics.ts";
import type { TrainBatch, TrainConfig } from "./train_config.ts";
import { TRAIN_DEFAULTS } from "./train_defaults.ts";
import type { TrainParts } from "./train_parts.ts";
import { updateWeights } from "./update_weights.ts";

/** A finished step: its metrics, and its batch and raw gradients until `dispose()` (forensics). */
export interface StepOutcome {
  metrics: StepMetrics;
  images: tf.Tensor4D;
  /** The step's gradients before decay and clipping (empty when nothing was trained). */
  grads: Record<string, tf.Tensor>;
  /** Frees the batch, the gradients, the loss and the view. */
  dispose(): void;
}

/** Runs steps; remembers the previous gradient norm for the NaN guard's diagnosis. */
export interface StepRunner {
  /** Trains on `batch` as step `step` (1-based); disposes the batch if it throws. */
  run(batch: TrainBatch, step: number, start: number): Promise<StepOutcome>;
}

/** A runner over the parts of a run. `lastCheckpoint` is named by the NaN guard's error. */
export function createStepRunner(
  parts: TrainParts,
  config: TrainConfig,
  options: { lastCheckpoint: () => string | undefined },
): StepRunner {
  const d = TRAIN_DEFAULTS;
  const chunk = config.embedChunk ??
    ((config.microBatch ?? d.microBatch) > 0 ? d.microBatchEmbedChunk : undefined);
  let previousGradNorm = 0;
  return {
    async run(batch, step, start) {
      const labels = Int32Array.from(batch.labels), images = batch.images;
      const lr = parts.lrAt(step - 1);
      let view: BatchView | undefined, g: StepGradients | undefined;
      const dispose = () => {
        tf.dispose([
          images,
          ...(batch.targets ? [batch.targets] : []),
          ...(g?.loss ? [g.loss] : []),
        ]);
        tf.dispose(Object.values(g?.grads ?? {}));
        disposeBatchView(view);
      };
      try {
        view = await viewBatch(parts.model, images, {
          distance: parts.distance,
          chunk,
          training: config.miningTraining ?? d.miningTraining,
        });
        g = await parts.strategy.gradients({ images, labels, view, targets: batch.targets });
        const loss = g.loss ? (await g.loss.data())[0] : 0;
        let gradNorm = 0;
        if (g.loss) {
          gradNorm = await updateWeights(g.grads, {
            variables: parts.variables,
            optimizer: parts.optimizer,
            weightDecay: config.weightDecay ?? d.weightDecay,
            clipNorm: config.clipNorm ?? d.clipNorm,
            loss,
            guard: {
              step,
              images,
              embeddings: view.embeddings,
              distance: parts.distance.name,
              previousGradNorm,
              lr,
              lastCheckpoint: options.lastCheckpoint(),
            },
          });
          previousGradNorm = gradNorm;
        }
        const updated = performance.now();
        const metrics = await measureStep(view, {
          step,
          epoch: Math.floor((step - 1) / parts.epochSteps),
          labels,
          tuples: g.tuples,
          loss,
          lr,
          gradNorm,
          distance: parts.distance,
          margin: parts.margin,
          times: { start, chosen: g.chosenAt, updated },
          microBatches: g.microBatches,
          microBatchesMined: g.microBatchesMined,
        });
        return { metrics, images, grads: g.grads, dispose };
      } catch (e) {
        dispose();
        throw e;
      }
    },
  };
}
