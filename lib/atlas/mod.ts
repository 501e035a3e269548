/** The collapse atlas: collapse rates with intervals, run verdicts, held-out verification, findings text. @module */
export * from "./wilson_interval.ts";
export * from "./held_out_split.ts";
export * from "./held_out_accuracy.ts";
export * from "./classify_run.ts";
export * from "./atlas_cell.ts";
export * from "./findings_text.ts";
export * from "./phase_diagram.ts";
export * from "./printed_value_readings.ts";
export * from "./outcome_verdict.ts";
export * from "./problem_seeds.ts";
export * from "./nearest_collapsing.ts";
