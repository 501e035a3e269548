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
  MatrixSelector,
  OnePassBatch,
  OnePassResult,
  StepBatch,
  StepGradients,
  StrategyParts,
  TupleSelector,
} from "./gradient_strategy.ts";

/** Backends whose synchronous reads are plain memory copies (GPU backends' would stall or fail). */
const SYNC_READ_BACKENDS = new Set(["cpu", "wasm", "native", "tensorflow"]);

/**
 * Whether `backend` can run a one-pass step (`viewAndGradients`), which reads the distance matrix
 * synchronously while the gradient tape records (tf.variableGrads takes a synchronous function):
 * cpu, wasm, native and tensorflow (tfjs-node) can; on webgl and webgpu the trainer takes the
 * two-pass step, whose reads are asynchronous.
 *
 * @example
 * ```ts
 * import { onePassBackend } from "./whole_batch_gradients.ts";
 * console.assert(onePassBackend("wasm") && !onePassBackend("webgpu"));
 * ```
 */
export function onePassBackend(backend: string): boolean {
  return SYNC_READ_BACKENDS.has(backend);
}

/**
 * The strategy: tuples from `select`, then reducer(loss(model(images), labels, tuples)) and its
 * gradients in one pass (training-mode forward). With `parts.distillWeight` λ > 0 the batch's
 * `targets` are required and λ · mean‖e − t‖² is added (a step without tuples then still trains on
 * that term alone). With `selectMatrix` (a miner that mines a distance matrix synchronously) the
 * strategy also offers `viewAndGradients`: mining and gradients from one forward pass.
 */
export function wholeBatchGradients(
  parts: StrategyParts,
  options: { select: TupleSelector; selectMatrix?: MatrixSelector },
): GradientStrategy {
  const { model, variables, loss, reducer } = parts;
  const lambda = parts.distillWeight ?? 0;
  /** Whether the batch trains on the distillation term (throws when it should and cannot). */
  const distills = (batch: OnePassBatch): boolean => {
    if (lambda > 0 && !batch.targets) {
      throw new Error(
        "wholeBatchGradients: 'distillWeight' > 0 needs batches with 'targets' (a teacher's embeddings); the loader gave none",
      );
    }
    return lambda > 0;
  };
  /** The reduced loss of embeddings `e` (recorded on the tape when called inside it). */
  const objective = (
    e: tf.Tensor2D,
    batch: OnePassBatch,
    tuples: StepGradients["tuples"],
  ): tf.Scalar => {
    const main = tupleCount(tuples) > 0
      ? reducer.reduce(loss.compute(e, batch.labels, tuples))
      : tf.scalar(0);
    return distills(batch)
      ? tf.add(main, tf.mul(lambda, tf.mean(distillationLoss(e, batch.targets!)))) as tf.Scalar
      : main;
  };
  const strategy: GradientStrategy = {
    name: "wholeBatch",
    async gradients(batch: StepBatch): Promise<StepGradients> {
      const tuples = await options.select(batch);
      const chosenAt = performance.now();
      if (tupleCount(tuples) === 0 && !distills(batch)) {
        return { tuples, chosenAt, grads: {}, microBatches: 0, microBatchesMined: 0 };
      }
      const r = tf.tidy(() =>
        tf.variableGrads(() => {
          const e = model.apply(batch.images, { training: true }) as tf.Tensor2D;
          return objective(e, batch, tuples);
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
  const selectMatrix = options.selectMatrix;
  if (!selectMatrix) return strategy;
  // deno-lint-ignore require-await -- async so that a refusal is a rejected promise, not a throw
  strategy.viewAndGradients = async (batch, { distance }): Promise<OnePassResult> => {
    let embeddings: tf.Tensor2D | undefined, matrix: tf.Tensor2D | undefined;
    let values: Float32Array = new Float32Array(0), chosenAt = 0;
    let tuples: StepGradients["tuples"] | undefined, trains = true;
    const distill = distills(batch); // throws before the tape starts, as nothing is saved yet
    const gradStartedAt = performance.now();
    try {
      const r = tf.tidy(() =>
        tf.variableGrads(() => {
          const e = model.apply(batch.images, { training: true }) as tf.Tensor2D;
          embeddings = tf.keep(e);
          matrix = tf.keep(distance.matrix(e));
          values = matrix.dataSync() as Float32Array; // sync read allowed: see onePassBackend()
          tuples = selectMatrix(values, batch.labels);
          chosenAt = performance.now();
          trains = tupleCount(tuples) > 0 || distill;
          // Nothing to train on: a zero loss still connected to every variable (the tape cannot
          // be left half-way without leaking the activations it saved); its gradients are dropped.
          return trains ? objective(e, batch, tuples) : tf.mul(tf.sum(e), 0) as tf.Scalar;
        }, variables)
      );
      const view = { embeddings: embeddings!, matrix: matrix!, values };
      if (!trains) {
        tf.dispose([r.value, ...Object.values(r.grads)]);
        return {
          tuples: tuples!,
          chosenAt,
          gradStartedAt,
          view,
          grads: {},
          microBatches: 0,
          microBatchesMined: 0,
        };
      }
      return {
        tuples: tuples!,
        chosenAt,
        gradStartedAt,
        view,
        loss: r.value,
        grads: r.grads,
        microBatches: 1,
        microBatchesMined: 1,
      };
    } catch (e) {
      tf.dispose([embeddings, matrix].filter((t): t is tf.Tensor2D => t !== undefined));
      throw e;
    }
  };
  return strategy;
}
