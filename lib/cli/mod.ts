/**
 * Command-line helpers: argument parsing (the @std/cli stand-in), progress display, the tasks'
 * permissions, and the entry-point contract (exit codes 0/1/2/130, Ctrl-C as an AbortSignal,
 * `runMain`). `train_args.ts` (`deno task train`'s flags) is imported directly: it pulls in
 * lib/model and lib/losses, which the rest of lib/cli does not need.
 * @module
 */
export * from "./std_cli.ts";
export * from "./progress.ts";
export * from "./task_permissions.ts";
export * from "./entry_point.ts";
