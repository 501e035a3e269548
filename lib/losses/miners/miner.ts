/**
 * The `Miner` interface.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Triplets } from "./tuples.ts";
import type { Distance } from "../distances/distance.ts";
import type { MinerName } from "./miner_registry.ts";

/**
 * Chooses triplets inside a batch from labels and embeddings. Mining runs without gradient: it reads
 * the distance matrix with `await .data()`; the loss is then computed with gradient on the indices.
 */
export interface Miner {
  /** The miner's name. */
  readonly name: MinerName;
  /** Triplet indices into the batch, chosen from the labels and (without gradient) the embeddings. */
  mine(embeddings: tf.Tensor2D, labels: ArrayLike<number>): Promise<Triplets>;
  /**
   * The same choice from the batch's distance matrix already read (row-major [N·N] values of
   * `distance`), so one matrix serves mining, the loss and diagnostics. Miners that ignore
   * distances (random, all) read only its size.
   */
  mineMatrix?(distances: ArrayLike<number>, labels: ArrayLike<number>): Triplets;
  /** The distance the miner reads (miners that use distances). */
  readonly distance?: Distance;
}

/**
 * A miner's seed: a number (one generator for the miner's life, successive calls continue its
 * sequence) or a function called once per `mine()` for a fresh generator's seed.
 */
export type MinerSeed = number | (() => number);
