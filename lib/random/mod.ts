/** Seeded randomness. @module */
export * from "./rng.ts";
export * from "./mix_seed.ts";
