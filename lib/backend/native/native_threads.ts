/**
 * Threads oneDNN computes on. Debian's libdnnl2 runs on OpenMP: `OMP_NUM_THREADS` when set, else
 * every logical core.
 * @module
 */

/**
 * The number of threads oneDNN's OpenMP runtime uses in this process.
 *
 * @example
 * ```ts
 * import { nativeThreads } from "./native_threads.ts";
 * console.log(nativeThreads()); // e.g. 2
 * ```
 */
export function nativeThreads(): number {
  let env: string | undefined;
  try {
    env = Deno.env.get("OMP_NUM_THREADS");
  } catch {
    env = undefined; // no env permission: OpenMP's default
  }
  const n = Number.parseInt(env?.split(",")[0] ?? "", 10);
  return Number.isFinite(n) && n > 0 ? n : (navigator.hardwareConcurrency ?? 1);
}
