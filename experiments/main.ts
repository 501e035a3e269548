/**
 * `deno task experiment <name> [--preset ci|small|paper] [--set key=value …] [--out DIR] [--seed N]
 * [--backend B]`, or `deno task experiment --list`.
 * @module
 */
import { parseArgs } from "@std/cli";
import type { BackendPreference } from "../lib/backend/mod.ts";
import { type PresetName, PRESETS, runExperiment } from "./define_experiment.ts";
import { registry } from "./registry.ts";

const USAGE =
  `usage: deno task experiment <name> [--preset ci|small|paper] [--set key=value …] [--out DIR]
                               [--seed N] [--backend auto|wasm|cpu|tensorflow|tensorflow-gpu|webgpu]
       deno task experiment --list
       deno task experiment <name> --show-config   (print the resolved config and exit)`;

/** Runs the CLI with `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const flags = parseArgs(args, {
    string: ["preset", "out", "seed", "backend"],
    boolean: ["list", "help", "show-config"],
    collect: ["set"],
    alias: { h: "help" },
    unknown: (arg) => {
      throw new Error(`unknown flag '${arg}'\n${USAGE}`);
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
  if (flags["show-config"]) {
    const { resolveConfig } = await import("./define_experiment.ts");
    console.log(JSON.stringify(resolveConfig(exp, { preset, set, seed }), null, 2));
    return 0;
  }
  await runExperiment(exp, {
    preset,
    set,
    seed,
    outDir: flags.out as string | undefined,
    backend: (flags.backend as BackendPreference | undefined) ?? "auto",
  });
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(`experiment: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exit(2);
  }
}
