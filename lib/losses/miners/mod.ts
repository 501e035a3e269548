/** Miners: triplet indices from labels and embeddings, without gradient. @module */
export * from "./tuples.ts";
export * from "./miner.ts";
export * from "./random_miner.ts";
export * from "./all_triplets_miner.ts";
export * from "./semihard_miner.ts";
export * from "./hardest_miner.ts";
export * from "./batch_all_miner.ts";
export * from "./miner_registry.ts";
export * from "./create_miner.ts";
export * from "./all_pairs.ts";
