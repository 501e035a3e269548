/** Evaluation: LFW-protocol verification, identification, PCA projection, embedders. @module */
export * from "./roc.ts";
export * from "./verify_pairs.ts";
export * from "./identification.ts";
export * from "./pca.ts";
export * from "./embedder.ts";
export * from "./face_api_embedder.ts";
export * from "./embed_paths.ts";
export * from "./pair_distances.ts";
export * from "./evaluate_pairs.ts";
export * from "./degrade.ts";
