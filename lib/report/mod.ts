/**
 * Run directories (config, provenance, metrics, summary) and self-contained HTML reports.
 * @module
 */
export * from "./provenance.ts";
export * from "./write_report.ts";
export * from "./create_run.ts";
