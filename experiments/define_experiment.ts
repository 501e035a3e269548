/**
 * Kept for existing importers (notebooks): the experiment framework now lives in lib/experiment.
 * @module
 */
export * from "../lib/experiment/mod.ts";
