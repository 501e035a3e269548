/** Command-line helpers: argument parsing (the @std/cli stand-in) and progress display. @module */
export * from "./std_cli.ts";
export * from "./progress.ts";
export * from "./task_permissions.ts";
export * from "./entry_point.ts";
