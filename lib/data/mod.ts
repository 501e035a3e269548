/**
 * Faces in: datasets (layouts, pairs, splits, download), decoding, face detection and alignment,
 * preprocessing, loaders and the synthetic identities. Importing it loads neither sharp nor face-api:
 * they load on the first call that needs them.
 * @module
 */
export * from "./dataset/mod.ts";
export * from "./decode/mod.ts";
export * from "./face/mod.ts";
export * from "./preprocess/mod.ts";
export * from "./loader/mod.ts";
export * from "./synth/mod.ts";
