/** Training and evaluation loaders: PK sampling, batch decoding off the main thread. @module */
export * from "./loader.ts";
export * from "./pk_sampler.ts";
export * from "./pool.ts";
