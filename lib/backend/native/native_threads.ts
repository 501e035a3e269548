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

/** What {@link chooseWaitPolicy} decided. */
export interface WaitPolicyChoice {
  /** The value to set OMP_WAIT_POLICY to, or undefined to leave OpenMP's default. */
  set?: "PASSIVE";
  /** Why, for the backend summary (undefined when nothing was decided). */
  note?: string;
}

/**
 * OpenMP's wait policy for this process. Left as it is when `OMP_WAIT_POLICY` is set or the machine
 * is quiet: OpenMP's default spins briefly between parallel regions, which on a quiet 2-core machine
 * trains ~25% faster than sleeping. When the 1-minute load average is already at least the number of
 * cores (another training run, a test suite), spinning threads of two processes steal each other's
 * cores, so the policy becomes passive.
 *
 * @example
 * ```ts
 * import { chooseWaitPolicy } from "./native_threads.ts";
 * console.assert(chooseWaitPolicy({ load: 3.1, cores: 2 }).set === "PASSIVE");
 * console.assert(chooseWaitPolicy({ load: 0.4, cores: 2 }).set === undefined);
 * console.assert(chooseWaitPolicy({ load: 9, cores: 2, current: "active" }).set === undefined);
 * ```
 */
export function chooseWaitPolicy(
  machine: { load: number; cores: number; current?: string },
): WaitPolicyChoice {
  if (machine.current) return {};
  if (Number.isFinite(machine.load) && machine.load >= machine.cores) {
    return {
      set: "PASSIVE",
      note: `OpenMP waits passively: load ${machine.load.toFixed(1)} ≥ ${machine.cores} cores ` +
        `(set OMP_WAIT_POLICY to choose)`,
    };
  }
  return {};
}

let applied: WaitPolicyChoice | undefined;

/**
 * Applies {@link chooseWaitPolicy} to this process's environment (once, before oneDNN's OpenMP
 * runtime loads) and returns the choice; without env or sys permission it leaves OpenMP's default.
 *
 * @example
 * ```ts ignore
 * import { applyWaitPolicy } from "./native_threads.ts";
 * console.log(applyWaitPolicy().note ?? "OpenMP default wait policy");
 * ```
 */
export function applyWaitPolicy(): WaitPolicyChoice {
  if (applied) return applied;
  try {
    const choice = chooseWaitPolicy({
      load: Deno.loadavg()[0],
      cores: navigator.hardwareConcurrency ?? 1,
      current: Deno.env.get("OMP_WAIT_POLICY"),
    });
    if (choice.set) Deno.env.set("OMP_WAIT_POLICY", choice.set);
    applied = choice;
  } catch {
    applied = {}; // no env or sys permission: OpenMP's default
  }
  return applied;
}
