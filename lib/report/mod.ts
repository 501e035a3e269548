/**
 * Run directories (config, provenance, metrics, summary) and self-contained HTML reports.
 * @module
 */
export * from "./provenance.ts";
export * from "./format_value.ts";
export * from "./results_table.ts";
export * from "./write_report.ts";
export * from "./create_run.ts";
export * from "./sweep_report.ts";
export * from "./display_report.ts";
