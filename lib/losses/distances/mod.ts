/** Distances: embeddings to distance matrices and row-wise distances. @module */
export * from "./distance.ts";
export * from "./euclidean.ts";
export * from "./euclidean_eps.ts";
export * from "./euclidean_plus_eps.ts";
export * from "./squared_euclidean.ts";
export * from "./cosine.ts";
export * from "./distance_registry.ts";
export * from "./create_distance.ts";
