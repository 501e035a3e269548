/**
 * The analyses experiments are made of: collapse tallies and onsets, feature dominance, squared
 * distances, hardest pairs, epoch-time projections, distance probes, and each experiment's
 * summary-and-figures function.
 * @module
 */
export * from "./tally_miners.ts";
export * from "./mining_analysis.ts";
export * from "./collapse_onset.ts";
export * from "./output_geometry.ts";
export * from "./margin_sweep_analysis.ts";
