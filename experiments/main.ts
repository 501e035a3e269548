/**
 * `deno task experiment <name> [--preset ci|small|paper] [--set key=value …] [--out DIR] [--seed N]
 * [--backend B] [--shard k/n | --merge] [--fresh] [--reuse-stale] [--json]`, or `deno task experiment --list`.
 *
 * Cells are cached under `<out>/<name>/cells/`, so a killed run started again with the same `--out`
 * continues where it stopped. To spread a sweep over machines, run `--shard k/n` for k = 1..n (each
 * runs cells k, k + n, …), gather their `cells/` folders into one `--out`, then `--merge`:
 *
 * ```sh
 * # Slurm job array: sbatch --array=1-8 job.sh, with job.sh running
 * deno task experiment margin-sweep --preset small --out /shared/runs --shard ${SLURM_ARRAY_TASK_ID}/8
 * # then, once all eight finished:
 * deno task experiment margin-sweep --preset small --out /shared/runs --merge
 * ```
 * @module
 */
import { parseArgs } from "@std/cli";
import { type BackendPreference, initBackend } from "../lib/backend/mod.ts";
import {
  EXIT_CODES,
  listenForInterrupt,
  runMain,
  UsageError,
  withStdoutOnStderr,
} from "../lib/cli/mod.ts";
import {
  type PresetName,
  PRESETS,
  resolveConfig,
  runExperiment,
  runSweep,
} from "../lib/experiment/mod.ts";
import type { AnyExperiment } from "../lib/experiment/mod.ts";
import { parseShard } from "../lib/data/mod.ts";
import { experiments as registry } from "./registry.ts";

const USAGE =
  `usage: deno task experiment <name> [--preset ci|small|paper] [--set key=value …] [--out DIR]
                               [--seed N] [--backend auto|wasm|cpu|tensorflow|tensorflow-gpu|webgpu]
                               [--shard k/n | --merge] [--fresh] [--reuse-stale] [--json]
       deno task experiment --list
       deno task experiment <name> --show-config   (print the resolved config and exit)
       --shard k/n: run only cells k, k+n, … and cache them (no report); --merge: analyse
       cached cells only (fails naming missing ones); --fresh: rerun cached cells;
       --reuse-stale: reuse cells cached by an earlier version of lib/ or experiments/ (to
       re-analyse a long sweep after editing its analysis; the summary counts them)
       --json: stdout is the summary as one JSON object (everything else on stderr)
exit codes: 0 done, 1 runtime failure, 2 usage error, 130 interrupted`;

/** Runs the CLI with `args`; returns the exit code (0, 1 failure, 2 usage error, 130 Ctrl-C). */
export async function main(args: string[]): Promise<number> {
  const flags = parseArgs(args, {
    string: ["preset", "out", "seed", "backend", "shard"],
    boolean: ["list", "help", "show-config", "json", "merge", "fresh", "reuse-stale"],
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
  const shardText = flags.shard as string | undefined;
  try {
    config = resolveConfig(exp, { preset, set, seed });
    if (shardText !== undefined) parseShard(shardText);
  } catch (e) {
    throw new UsageError((e as Error).message); // a bad --set key or value, or --shard
  }
  if (shardText !== undefined && flags.merge) {
    throw new UsageError("--shard and --merge exclude each other: run the shards, then --merge");
  }
  if (flags["show-config"]) {
    console.log(JSON.stringify(config, null, 2));
    return 0;
  }
  const interrupt = listenForInterrupt();
  try {
    const options = {
      preset,
      set,
      seed,
      outDir: flags.out as string | undefined,
      backend: (flags.backend as BackendPreference | undefined) ?? "auto",
      signal: interrupt.signal,
      cachedOnly: flags.merge as boolean,
      cache: flags.fresh ? false : undefined,
      reuseStale: flags["reuse-stale"] as boolean,
    };
    if (shardText !== undefined) {
      const shard = await withStdoutOnStderr(() => runShard(exp, shardText, options));
      if (flags.json) console.log(JSON.stringify(shard));
      return interrupt.signal.aborted ? EXIT_CODES.interrupted : EXIT_CODES.ok;
    }
    const run = () => runExperiment(exp, options);
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

/** Runs one shard's cells (caching them) and prints which ran, which were cached, what is left. */
async function runShard(
  exp: AnyExperiment,
  shard: string,
  options: Parameters<typeof runExperiment>[1] & { backend: BackendPreference },
) {
  console.log((await initBackend(options.backend)).summary);
  const r = await runSweep(exp, { ...options, shard });
  const ran = r.cells.filter((c) => !c.cached).map((c) => c.name);
  const cached = r.cells.filter((c) => c.cached).map((c) => c.name);
  console.log(
    `${exp.name} shard ${shard}: ${ran.length} cells run, ${cached.length} already cached, ` +
      `${r.plan.length - r.cells.length} in other shards; cells in ${r.cacheDir}`,
  );
  console.log(`when every shard has finished: deno task experiment ${exp.name} … --merge`);
  return { experiment: exp.name, shard, ran, cached, cells: r.plan.length, cacheDir: r.cacheDir };
}

if (import.meta.main) await runMain("experiment", main);
