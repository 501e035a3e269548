/**
 * Frees every weight of a model, nested models included. tfjs's `LayersModel.dispose()` counts
 * references per call, so a model applied several times inside another (the triplet model's
 * shared "facenet") keeps its weights after both are disposed; this does not.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createModel } from "./create_model.ts";
 * import { createTripletModel } from "./triplet_model.ts";
 * import { disposeModel } from "./dispose_model.ts";
 * const before = tf.memory().numTensors;
 * disposeModel(createTripletModel(createModel("tiny")));
 * console.assert(tf.memory().numTensors === before);
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** Disposes all weights of `model` (and of models nested in it); returns how many it freed. */
export function disposeModel(model: tf.LayersModel): number {
  let freed = 0;
  for (const w of model.weights) {
    const v = (w as unknown as { val: tf.Tensor }).val;
    if (v && !v.isDisposed) {
      v.dispose();
      freed++;
    }
  }
  return freed;
}
