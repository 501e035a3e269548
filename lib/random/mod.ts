/** Seeded randomness. @module */
export * from "./rng.ts";
