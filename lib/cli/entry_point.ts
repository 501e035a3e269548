/**
 * What every entry point (`bin/*.ts`, experiments/main.ts, bench/main.ts) shares: one table of exit
 * codes, a usage error type, Ctrl-C as an `AbortSignal`, and `runMain`, which runs a task's
 * `main(args)` under `import.meta.main` and exits with its code.
 *
 * | code | meaning |
 * | ---- | ------- |
 * | 0    | done |
 * | 1    | runtime failure (missing data, a failed step) |
 * | 2    | usage error (unknown flag, bad or missing value) |
 * | 130  | interrupted (Ctrl-C; the work left a resumable state) |
 *
 * @example
 * ```ts
 * import { EXIT_CODES, exitCodeFor, UsageError } from "./entry_point.ts";
 * console.assert(exitCodeFor(new UsageError("--steps must be an integer")) === EXIT_CODES.usage);
 * console.assert(exitCodeFor(new Error("no such folder")) === EXIT_CODES.failure);
 * ```
 * @module
 */

/** The exit codes of every task. */
export const EXIT_CODES = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/**
 * A usage error: an unknown flag, a missing or malformed value. Entry points exit with 2.
 *
 * @example
 * ```ts
 * import { UsageError } from "./entry_point.ts";
 * const e = new UsageError("train: --steps N is required");
 * console.assert(e instanceof Error && e.name === "UsageError");
 * ```
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * A numeric flag of parsed CLI `flags`: undefined when absent (or `fallback` when given), else the
 * number, or a {@link UsageError} naming the command, the flag and the value when it is not one.
 *
 * @example
 * ```ts
 * import { numberFlag } from "./entry_point.ts";
 * console.assert(numberFlag({ size: "96" }, "size") === 96);
 * console.assert(numberFlag({}, "size", { fallback: 160 }) === 160);
 * let err = "";
 * try { numberFlag({ size: "big" }, "size", { command: "eval" }); } catch (e) { err = String(e); }
 * console.assert(err.includes("eval: --size must be a number, got 'big'"));
 * ```
 */
export function numberFlag<F extends number | undefined = undefined>(
  flags: Record<string, unknown>,
  key: string,
  options: { fallback?: F; command?: string } = {},
): number | F {
  const v = flags[key];
  if (v === undefined) return options.fallback as F;
  const n = Number(v);
  if (typeof v === "boolean" || (typeof v === "string" && v.trim() === "") || !Number.isFinite(n)) {
    throw new UsageError(
      `${options.command ? `${options.command}: ` : ""}--${key} must be a number, got '${v}'`,
    );
  }
  return n;
}

/**
 * The exit code for an error a task's `main` threw: {@link UsageError} → 2; an abort (the error is
 * an `AbortError`, or `signal` is aborted) → 130; anything else → 1.
 *
 * @example
 * ```ts
 * import { exitCodeFor } from "./entry_point.ts";
 * const c = new AbortController();
 * c.abort();
 * console.assert(exitCodeFor(new Error("stopped"), c.signal) === 130);
 * ```
 */
export function exitCodeFor(error: unknown, signal?: AbortSignal): number {
  if (error instanceof UsageError) return EXIT_CODES.usage;
  if (signal?.aborted) return EXIT_CODES.interrupted;
  if (error instanceof DOMException && error.name === "AbortError") return EXIT_CODES.interrupted;
  return EXIT_CODES.failure;
}

/** Ctrl-C as an abort signal; see {@link listenForInterrupt}. */
export interface Interrupt {
  /** Aborted on the first Ctrl-C (reason: an `AbortError` "interrupted (Ctrl-C)"). */
  signal: AbortSignal;
  /** Removes the listener. */
  dispose(): void;
}

/** Options of {@link listenForInterrupt}. */
export interface InterruptOptions {
  /** Called on the first Ctrl-C (e.g. to say what stops and how to resume). */
  onInterrupt?: () => void;
  /** Exit at once with 130 on the second Ctrl-C. Default true. */
  exitOnSecond?: boolean;
}

/**
 * Listens for SIGINT: the first aborts the returned signal (long work checks it once per step and
 * stops with a resumable state), the second exits with 130 at once. Where signals are not
 * available the signal simply never aborts.
 *
 * @example
 * ```ts
 * import { listenForInterrupt } from "./entry_point.ts";
 * const interrupt = listenForInterrupt();
 * console.assert(!interrupt.signal.aborted);
 * interrupt.dispose();
 * ```
 */
export function listenForInterrupt(options: InterruptOptions = {}): Interrupt {
  const controller = new AbortController();
  const exitOnSecond = options.exitOnSecond ?? true;
  const handler = () => {
    if (controller.signal.aborted) {
      if (exitOnSecond) Deno.exit(EXIT_CODES.interrupted);
      return;
    }
    options.onInterrupt?.();
    controller.abort(new DOMException("interrupted (Ctrl-C)", "AbortError"));
  };
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", handler);
    listening = true;
  } catch {
    // No SIGINT here (e.g. some Windows consoles): nothing to listen for.
  }
  return {
    signal: controller.signal,
    dispose: () => {
      if (!listening) return;
      listening = false;
      Deno.removeSignalListener("SIGINT", handler);
    },
  };
}

/**
 * Runs `fn` with `console.log`/`info`/`table` written to stderr, so that stdout carries only what
 * the caller prints afterwards (`--json`: one JSON object).
 *
 * @example
 * ```ts
 * import { withStdoutOnStderr } from "./entry_point.ts";
 * const n = await withStdoutOnStderr(() => {
 *   console.log("this line goes to stderr");
 *   return Promise.resolve(42);
 * });
 * console.assert(n === 42);
 * ```
 */
export async function withStdoutOnStderr<T>(fn: () => Promise<T>): Promise<T> {
  const { log, info, table } = console;
  console.log = console.info = (...args: unknown[]) => console.error(...args);
  console.table = (...args: unknown[]) => console.error(...args);
  try {
    return await fn();
  } finally {
    Object.assign(console, { log, info, table });
  }
}

/**
 * Runs a task's `main(args)` and exits with the code it returns; an error it throws is printed as
 * `task: message` and exits with {@link exitCodeFor}'s code (usage errors also print `usage`).
 * Call it only under `import.meta.main`.
 *
 * @example
 * ```ts ignore
 * import { runMain } from "../lib/cli/mod.ts";
 * export async function main(args: string[]): Promise<number> { return args.length ? 0 : 2; }
 * if (import.meta.main) await runMain("demo", main);
 * ```
 */
export async function runMain(
  task: string,
  main: (args: string[]) => Promise<number>,
  options: { args?: string[]; usage?: string } = {},
): Promise<never> {
  let code: number;
  try {
    code = await main(options.args ?? Deno.args);
  } catch (e) {
    code = exitCodeFor(e);
    const message = e instanceof Error ? e.message : String(e);
    console.error(message.startsWith(`${task}:`) ? message : `${task}: ${message}`);
    if (code === EXIT_CODES.usage && options.usage && !message.includes(options.usage)) {
      console.error(options.usage);
    }
  }
  Deno.exit(code);
}
