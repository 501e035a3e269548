/**
 * `deno task bench <name> [flags]`: runs bench/<name>.ts, whose default export takes the remaining
 * arguments. Each benchmark prints its ratios measured in one run, as a table and as JSON.
 * Exit codes: 0 done, 1 runtime failure, 2 usage error (unknown benchmark), 130 interrupted.
 * @module
 */
import { EXIT_CODES, runMain, UsageError } from "../lib/cli/mod.ts";

const BENCHES = ["backend", "model", "losses", "data", "train", "profile"] as const;
const USAGE = `usage: deno task bench <${BENCHES.join("|")}> [flags]`;

/** Runs `deno task bench` with `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === "--help" || name === "-h") {
    console.log(USAGE);
    return EXIT_CODES.ok;
  }
  if (!(BENCHES as readonly string[]).includes(name)) {
    throw new UsageError(`bench: unknown benchmark '${name}'`);
  }
  const mod = await import(`./${name}.ts`);
  await mod.default(rest);
  return EXIT_CODES.ok;
}

if (import.meta.main) await runMain("bench", main, { usage: USAGE });
