/**
 * The permissions every `deno task` of the toolkit grants (deno.json), as `deno run` flags: for
 * running one of its CLIs or scripts in a subprocess with the same rights.
 * @module
 */

/**
 * `deno run` flags for the toolkit's permissions: read and write (data, runs, the wasm threads'
 * worker script in the temp folder), env, ffi (sharp), sys, run (git, Python peers).
 *
 * @example
 * ```ts
 * import { TASK_PERMISSIONS } from "./task_permissions.ts";
 * const cmd = new Deno.Command(Deno.execPath(), {
 *   args: ["run", ...TASK_PERMISSIONS, "bin/model.ts", "tiny"],
 * });
 * console.log(TASK_PERMISSIONS.join(" "));
 * ```
 */
export const TASK_PERMISSIONS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys",
  "--allow-run",
];
