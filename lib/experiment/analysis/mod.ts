/**
 * The analyses experiments are made of: collapse tallies and onsets, feature dominance, squared
 * distances, hardest pairs, epoch-time projections, distance probes, and each experiment's
 * summary-and-figures function.
 * @module
 */
export * from "./held_out_text.ts";
export * from "./tally_miners.ts";
export * from "./mining_analysis.ts";
export * from "./collapse_onset.ts";
export * from "./output_geometry.ts";
export * from "./margin_sweep_analysis.ts";
export * from "./loss_zoo_analysis.ts";
export * from "./hardest_pairs.ts";
export * from "./case_study_analysis.ts";
export * from "./distance_probe.ts";
export * from "./free_embedding_descent.ts";
export * from "./distance_eps_analysis.ts";
export * from "./feature_dominance.ts";
export * from "./squared_distances.ts";
export * from "./problem_report.ts";
export * from "./problem1_analysis.ts";
export * from "./problem2_analysis.ts";
export * from "./epoch_projection.ts";
export * from "./epoch_time_analysis.ts";
