/** Reducers: per-element losses to the scalar that is minimised. @module */
export * from "./reducer.ts";
export * from "./mean_reducer.ts";
export * from "./mean_non_zero_reducer.ts";
export * from "./sum_reducer.ts";
export * from "./reducer_registry.ts";
export * from "./create_reducer.ts";
