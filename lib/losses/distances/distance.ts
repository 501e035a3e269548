/**
 * The `Distance` interface: how a batch of embeddings becomes distances.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { DistanceName } from "./distance_registry.ts";

/**
 * A distance between embeddings (pytorch-metric-learning's `BaseDistance`, typed).
 *
 * Both methods are differentiable and create only the tensor they return.
 */
export interface Distance {
  /** The distance's name, e.g. "euclideanEps". */
  readonly name: DistanceName;
  /** True when a smaller value means two embeddings are closer (true for every built-in distance). */
  readonly smallerIsCloser: boolean;
  /** [N,D] embeddings to the [N,N] matrix of distances between every pair of rows. */
  matrix(x: tf.Tensor2D): tf.Tensor2D;
  /** Row-wise distances between two [N,D] batches: element i is d(a[i], b[i]), shape [N]. */
  pairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D;
}
