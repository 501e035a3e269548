/**
 * Runs an experiment end to end: checks its config, opens the run folder (lib/report's
 * createRun: config.json, provenance.json, metrics.jsonl), runs or reads back its cells, analyses
 * them, writes summary.json, cells.json and report.html, and prints the summary.
 * @module
 */
import { type BackendPreference, initBackend } from "../backend/mod.ts";
import { createRun, reportSections } from "../report/mod.ts";
import type { ExperimentConfig } from "./config.ts";
import type { Experiment, ExperimentResult } from "./define_experiment.ts";
import { defaultDataDir, defaultRunsDir, planSweep, runSweep } from "./run_sweep.ts";
import type { RunSweepOptions } from "./run_sweep.ts";
import { formatSummary } from "./format_summary.ts";

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions extends Omit<RunSweepOptions, "shard" | "log"> {
  /** Backend to initialise first (its summary is printed). Default: leave the current one. */
  backend?: BackendPreference;
}

/** The summary as written: the experiment's own, with its name, preset and wall time. */
export type RunSummary<S> = S & {
  experiment: string;
  preset: string;
  seconds: number;
  /** Cells reused from an earlier version of the code (`reuseStale`); absent when none. */
  staleCells?: number;
  /** The code fingerprint of this process, given with `staleCells`. */
  code?: string;
};

/** What {@link runExperiment} returns. */
export interface ExperimentRun<C, S> extends ExperimentResult<RunSummary<S>> {
  config: C;
  /** The run folder. */
  dir: string;
  /** The report's path. */
  report: string;
  /** Records logged to metrics.jsonl. */
  history: Record<string, unknown>[];
  /** Cells read from the cache / run now. */
  cellsCached: number;
  cellsRun: number;
}

/**
 * Runs an experiment (see the module doc). Every check — preset, `--set` keys and kinds, choices,
 * the experiment's own `validate`, every cell's overrides — happens before the backend starts or
 * any data are generated.
 *
 * @example
 * ```ts
 * import { defineExperiment, runExperiment } from "./mod.ts";
 * const exp = defineExperiment({
 *   name: "demo", describe: "d", base: { seed: 1, lr: 0.1 },
 *   presets: { ci: {}, small: {}, paper: {} },
 *   cell: (c) => Promise.resolve({ loss: c.lr }),
 *   analyse: (cells) => ({ summary: { loss: cells[0].result.loss } }),
 * });
 * const outDir = await Deno.makeTempDir();
 * const r = await runExperiment(exp, { preset: "ci", outDir, print: () => {}, progress: "silent" });
 * console.assert(r.summary.loss === 0.1 && r.summary.experiment === "demo");
 * ```
 */
export async function runExperiment<C extends ExperimentConfig, S extends object, R>(
  exp: Experiment<C, S, R>,
  options: RunExperimentOptions = {},
): Promise<ExperimentRun<C, S>> {
  const print = options.print ?? ((line: string) => console.log(line));
  const preset = options.preset ?? "small";
  const { config } = await planSweep(exp, options); // every check, before any work
  if (options.backend) print((await initBackend(options.backend)).summary);
  const run = await createRun(exp.name, config, {
    outDir: options.outDir ?? defaultRunsDir(),
    extra: { experiment: exp.name, preset },
  });
  print(`${exp.name} (${preset}): ${exp.describe}`);
  print(`run folder: ${run.dir}`);
  const started = performance.now();
  const sweep = await runSweep(exp, { ...options, print, log: (r) => run.log(r) });
  const cellsCached = sweep.cells.filter((c) => c.cached).length;
  if (cellsCached > 0) {
    print(`${cellsCached} of ${sweep.cells.length} cells read from ${sweep.cacheDir}`);
  }
  if (sweep.staleCells > 0) {
    print(
      `${sweep.staleCells} of ${sweep.cells.length} cells were computed by an earlier version of ` +
        `the code (--reuse-stale); this process's code fingerprint is ${sweep.code}`,
    );
  }
  await run.writeJson(
    "cells.json",
    sweep.cells.map((c) => ({ name: c.name, key: c.key, cached: c.cached, seconds: c.seconds })),
  );
  const result = await exp.analyse(sweep.cells, config, {
    preset,
    run,
    print,
    dataDir: options.dataDir ?? defaultDataDir(),
  });
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    experiment: exp.name,
    preset,
    ...result.summary,
    ...(sweep.staleCells > 0 ? { staleCells: sweep.staleCells, code: sweep.code } : {}),
    seconds: Number(seconds.toFixed(2)),
  } as RunSummary<S>;
  await run.writeSummary(summary);
  const report = await run.writeReport({
    title: `${exp.name} (${preset})`,
    summary,
    figures: result.figures,
    notes: [exp.describe, ...(result.notes ?? [])],
    ...reportSections(result),
  });
  print("summary:");
  for (const line of formatSummary(summary)) print(line);
  for (const note of result.notes ?? []) print(`note: ${note}`);
  print(`report: ${report}`);
  return {
    ...result,
    summary,
    config,
    dir: run.dir,
    report,
    history: run.history,
    cellsCached,
    cellsRun: sweep.cells.length - cellsCached,
  };
}
