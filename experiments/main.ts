/**
 * `deno task experiment <name> [--preset ci|small|paper] [--set key=value …] [--out DIR] [--seed N]
 * [--backend B]`, or `deno task experiment --list`.
 * @module
 */
import { parseArgs } from "@std/cli";
import type { BackendPreference } from "../lib/backend/mod.ts";
import {
  EXIT_CODES,
  listenForInterrupt,
  runMain,
  UsageError,
  withStdoutOnStderr,
} from "../lib/cli/mod.ts";
import { type PresetName, PRESETS, resolveConfig, runExperiment } from "./define_experiment.ts";
import { registry } from "./registry.ts";

const USAGE =
  `usage: deno task experiment <name> [--preset ci|small|paper] [--set key=value …] [--out DIR]
                               [--seed N] [--backend auto|wasm|cpu|tensorflow|tensorflow-gpu|webgpu]
       deno task experiment --list
       deno task experiment <name> --show-config   (print the resolved config and exit)
       --json: stdout is the summary as one JSON object (everything else on stderr)
exit codes: 0 done, 1 runtime failure, 2 usage error, 130 interrupted`;

/** Runs the CLI with `args`; returns the exit code (0, 1 failure, 2 usage error, 130 Ctrl-C). */
export async function main(args: string[]): Promise<number> {
  const flags = parseArgs(args, {
    string: ["preset", "out", "seed", "backend"],
    boolean: ["list", "help", "show-config", "json"],
    collect: ["set"],
    alias: { h: "help" },
    unknown: (arg) => {
      throw new UsageError(`unknown flag '${arg}'\n${USAGE}`);
    },
  });
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (flags.list) {
    const width = Math.max(...Object.keys(registry).map((k) => k.length));
    for (const [name, exp] of Object.entries(registry)) {
      console.log(`${name.padEnd(width)}  ${exp.describe}`);
    }
    return 0;
  }
  const name = flags._[0] === undefined ? undefined : String(flags._[0]);
  if (!name) {
    console.error(USAGE);
    return 2;
  }
  const exp = registry[name];
  if (!exp) {
    console.error(`unknown experiment '${name}'; known: ${Object.keys(registry).join(", ")}`);
    return 2;
  }
  const preset = (flags.preset as string | undefined ?? "small") as PresetName;
  if (!PRESETS.includes(preset)) {
    console.error(`unknown preset '${preset}'; expected one of ${PRESETS.join(", ")}`);
    return 2;
  }
  const seedText = flags.seed as string | undefined;
  const seed = seedText === undefined ? undefined : Number(seedText);
  if (seed !== undefined && !Number.isInteger(seed)) {
    console.error(`--seed must be an integer, got '${seedText}'`);
    return 2;
  }
  const set = (flags.set as unknown[]).map(String);
  let config;
  try {
    config = resolveConfig(exp, { preset, set, seed });
  } catch (e) {
    throw new UsageError((e as Error).message); // a bad --set key or value
  }
  if (flags["show-config"]) {
    console.log(JSON.stringify(config, null, 2));
    return 0;
  }
  const interrupt = listenForInterrupt();
  try {
    const run = () =>
      runExperiment(exp, {
        preset,
        set,
        seed,
        outDir: flags.out as string | undefined,
        backend: (flags.backend as BackendPreference | undefined) ?? "auto",
        signal: interrupt.signal,
      });
    if (!flags.json) await run();
    else {
      const r = await withStdoutOnStderr(run);
      console.log(JSON.stringify({ ...r.summary, dir: r.dir, report: r.report }));
    }
    return interrupt.signal.aborted ? EXIT_CODES.interrupted : EXIT_CODES.ok;
  } catch (e) {
    if (!interrupt.signal.aborted) throw e;
    console.error(`experiment: interrupted (${(e as Error).message})`);
    return EXIT_CODES.interrupted;
  } finally {
    interrupt.dispose();
  }
}

if (import.meta.main) await runMain("experiment", main);
