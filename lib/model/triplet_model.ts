/**
 * The monograph's three-input triplet model: anchor, positive and negative images share one
 * embedding net ("facenet"); the outputs are pos_dist = d(f(a), f(p)), neg_dist = d(f(a), f(n))
 * (each [N,1]) and both stacked as [N,2,1] (the Keras model's `stacked_dists`).
 *
 * @example
 * ```ts
 * import { createModel } from "./create_model.ts";
 * import { createTripletModel } from "./triplet_model.ts";
 * const triplet = createTripletModel(createModel("tiny"));
 * console.assert(triplet.outputNames.join() === "pos_dist,neg_dist,stacked_dists");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  PairDistance,
  type PairDistanceFn,
  type PairwiseDistance,
  StackDistances,
} from "./pair_distance.ts";
import { registerModelLayers } from "./register_layers.ts";

/** Options of {@link createTripletModel}. */
export interface TripletModelOptions {
  /**
   * Distance between matching rows: a function (a, b) → [N] or [N,1], or any object with
   * `pairwise(a, b)` such as a lib/losses `Distance`. Default: plain Euclidean sqrt(Σ(a−b)²).
   */
  distance?: PairDistanceFn | PairwiseDistance;
  /** Name of the model. Default "triplet". */
  name?: string;
}

/**
 * Wraps an embedder (input [N,S,S,3], output [N,D]) into the three-input triplet model.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createModel } from "./create_model.ts";
 * import { createTripletModel } from "./triplet_model.ts";
 * const squared = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.sum(tf.squaredDifference(a, b), 1);
 * const triplet = createTripletModel(createModel("tiny"), { distance: squared });
 * console.assert(triplet.inputs.length === 3);
 * ```
 */
export function createTripletModel(
  embedder: tf.LayersModel,
  options: TripletModelOptions = {},
): tf.LayersModel {
  registerModelLayers();
  if (embedder.inputs.length !== 1 || embedder.outputs.length !== 1) {
    throw new Error(
      `createTripletModel: the embedder '${embedder.name}' must have one input and one output, ` +
        `got ${embedder.inputs.length} and ${embedder.outputs.length}`,
    );
  }
  const shape = embedder.inputs[0].shape.slice(1) as number[];
  const [anchor, pos, neg] = ["input_anchor", "input_pos", "input_neg"].map((name) =>
    tf.input({ name, shape })
  );
  const [ea, ep, en] = [anchor, pos, neg].map((x) => embedder.apply(x) as tf.SymbolicTensor);
  const posDist = new PairDistance({ name: "pos_dist", distance: options.distance })
    .apply([ea, ep]) as tf.SymbolicTensor; // [N,1]
  const negDist = new PairDistance({ name: "neg_dist", distance: options.distance })
    .apply([ea, en]) as tf.SymbolicTensor; // [N,1]
  const stacked = new StackDistances({ name: "stacked_dists" })
    .apply([posDist, negDist]) as tf.SymbolicTensor; // [N,2,1]
  return tf.model({
    name: options.name ?? "triplet",
    inputs: [anchor, pos, neg],
    outputs: [posDist, negDist, stacked],
  });
}
