/** Evaluation: LFW-protocol verification, identification, PCA projection, embedders. @module */
export * from "./roc.ts";
export * from "./verify_pairs.ts";
export * from "./identification.ts";
export * from "./pca.ts";
export * from "./embedder.ts";
