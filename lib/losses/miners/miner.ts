/**
 * The `Miner` interface.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Triplets } from "./tuples.ts";

/** Names of the built-in miners. */
export type MinerName = "random" | "all" | "semihard" | "hardest" | "batchAll";

/**
 * Chooses triplets inside a batch from labels and embeddings. Mining runs without gradient: it reads
 * the distance matrix with `await .data()`; the loss is then computed with gradient on the indices.
 */
export interface Miner {
  /** The miner's name. */
  readonly name: MinerName;
  /** Triplet indices into the batch, chosen from the labels and (without gradient) the embeddings. */
  mine(embeddings: tf.Tensor2D, labels: ArrayLike<number>): Promise<Triplets>;
}
