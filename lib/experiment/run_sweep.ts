/**
 * Runs the cells of an experiment's sweep (all, or one shard's), each at most once per out dir:
 * a finished cell is cached under a key derived from its resolved config, so a second run, or a
 * run killed half-way and started again with the same out dir, reads it back instead.
 * @module
 */
import { createProgress, type ProgressMode } from "../cli/mod.ts";
import type { Shard } from "../data/mod.ts";
import type { ExperimentConfig } from "./config.ts";
import type { CellContext, CellOutcome, Experiment } from "./define_experiment.ts";
import { applyOverrides, resolveConfig, type ResolveOptions } from "./resolve_config.ts";
import { type CachedCell, cellKey, readCell, writeCell } from "./cell_cache.ts";
import { shardCells } from "./shard_cells.ts";
import { codeFingerprint } from "./code_fingerprint.ts";
import * as tf from "@tensorflow/tfjs";

/** Options of {@link runSweep}. */
export interface RunSweepOptions extends ResolveOptions {
  /** Root of run folders; the cache is `<outDir>/<name>/cells/`. Default: $FACENET_RUNS_DIR, else runs/. */
  outDir?: string;
  /** Cache root for generated data. Default: the repository's data/. */
  dataDir?: string;
  /** Run only this shard's cells ("k/n" or a Shard). */
  shard?: Shard | string;
  /** Use cached cells (default: the experiment's `cache`, true unless it measures time). */
  cache?: boolean;
  /** Fail (before running anything) unless every cell is cached: the merge of sharded runs. */
  cachedOnly?: boolean;
  /**
   * Reuse cached cells computed by another version of lib/ or experiments/ (another code
   * fingerprint) instead of running them again: for re-analysing a long sweep after editing its
   * analysis or report code. The outcome counts them (`staleCells`) and the run's records say so.
   * Default false: such cells run again.
   */
  reuseStale?: boolean;
  /** Receives each record a cell logs (replayed from the cache for cached cells). */
  log?: (record: Record<string, unknown>) => Promise<void>;
  /** Line printer. Default console.log. */
  print?: (line: string) => void;
  /** Progress display mode. Default "auto". */
  progress?: ProgressMode;
  signal?: AbortSignal;
}

/** A planned cell: its name, resolved config and cache key. */
export interface PlannedCell<C> {
  name: string;
  config: C;
  key: string;
}

/** What {@link runSweep} returns. */
export interface SweepOutcome<C, R> {
  config: C;
  /** Every cell of the sweep, planned. */
  plan: PlannedCell<C>[];
  /** The cells run or read back (the shard's, or all), in sweep order. */
  cells: CellOutcome<C, R>[];
  /** Where cells are cached. */
  cacheDir: string;
  /** The code fingerprint this process computes cells with. */
  code: string;
  /** Cells read from the cache that another code fingerprint computed (only with `reuseStale`). */
  staleCells: number;
}

function envOr(name: string, fallback: string): string {
  try {
    return Deno.env.get(name) || fallback;
  } catch {
    return fallback;
  }
}

const ROOT = new URL("../../", import.meta.url).pathname;

/** The default root of run folders: $FACENET_RUNS_DIR, else the repository's runs/. */
export function defaultRunsDir(): string {
  return envOr("FACENET_RUNS_DIR", `${ROOT}runs`);
}

/** The default cache root of generated data: the repository's data/. */
export function defaultDataDir(): string {
  return `${ROOT}data`;
}

/**
 * Resolves the config and every cell's config and key (all checks happen here, before any work).
 *
 * @example
 * ```ts
 * import { defineExperiment, planSweep } from "./mod.ts";
 * const exp = defineExperiment({
 *   name: "demo", describe: "d", base: { seed: 1, lrs: [0.1, 0.2] },
 *   presets: { ci: {}, small: {}, paper: {} },
 *   sweep: (c) => c.lrs.map((lr) => ({ name: `lr ${lr}`, set: { lrs: [lr] } })),
 *   cell: (c) => Promise.resolve(c.lrs[0]), analyse: () => ({ summary: {} }),
 * });
 * const { plan } = await planSweep(exp, { preset: "ci" });
 * console.assert(plan.length === 2 && plan[1].config.lrs[0] === 0.2);
 * ```
 */
export async function planSweep<C extends ExperimentConfig>(
  exp: Experiment<C, object, unknown>,
  options: ResolveOptions = {},
): Promise<{ config: C; plan: PlannedCell<C>[] }> {
  const config = resolveConfig(exp, options);
  const cells = exp.sweep(config);
  if (cells.length === 0) throw new Error(`experiment ${exp.name}: the sweep has no cells`);
  const seen = new Set<string>();
  const plan: PlannedCell<C>[] = [];
  for (const cell of cells) {
    if (seen.has(cell.name)) {
      throw new Error(`experiment ${exp.name}: two cells are named '${cell.name}'`);
    }
    seen.add(cell.name);
    const cellConfig = applyOverrides(exp, config, cell.set, `cell '${cell.name}'`);
    plan.push({
      name: cell.name,
      config: cellConfig,
      key: await cellKey(exp.name, exp.version, cell.name, cellConfig),
    });
  }
  return { config, plan };
}

/**
 * Runs an experiment's cells (or one shard's), caching each; returns their outcomes in order.
 *
 * @example
 * ```ts
 * import { defineExperiment, runSweep } from "./mod.ts";
 * const exp = defineExperiment({
 *   name: "demo", describe: "d", base: { seed: 1, lrs: [0.1, 0.2, 0.3] },
 *   presets: { ci: {}, small: {}, paper: {} },
 *   sweep: (c) => c.lrs.map((lr) => ({ name: `lr ${lr}`, set: { lrs: [lr] } })),
 *   cell: (c) => Promise.resolve({ loss: c.lrs[0] * 2 }), analyse: () => ({ summary: {} }),
 * });
 * const outDir = await Deno.makeTempDir();
 * const quiet = { preset: "ci" as const, outDir, print: () => {}, progress: "silent" as const };
 * const first = await runSweep(exp, { ...quiet, shard: "1/2" }); // cells 1 and 3
 * const all = await runSweep(exp, quiet); // cell 2 runs, 1 and 3 come from the cache
 * console.assert(first.cells.length === 2 && all.cells.filter((c) => c.cached).length === 2);
 * ```
 */
export async function runSweep<C extends ExperimentConfig, R>(
  exp: Experiment<C, object, R>,
  options: RunSweepOptions = {},
): Promise<SweepOutcome<C, R>> {
  const { config, plan } = await planSweep(exp, options);
  const preset = options.preset ?? "small";
  const cacheDir = `${options.outDir ?? defaultRunsDir()}/${exp.name}/cells`;
  const useCache = options.cache ?? exp.cache;
  // The cache key also names the backend: a cell computed on another backend (their float
  // rounding differs) is never reused. The code's fingerprint is stored in the cell: one computed
  // by another version of lib/ or experiments/ runs again, unless `reuseStale` (re-analysis).
  // Done here, after every check of planSweep and once the backend has started.
  const backend = tf.getBackend() ?? "none";
  const code = await codeFingerprint();
  for (const p of plan) {
    p.key = await cellKey(exp.name, exp.version, p.name, { config: p.config, backend });
  }
  const mine = options.shard === undefined ? plan : shardCells(plan, options.shard);
  const found = new Map<string, CachedCell>();
  let stale = 0;
  if (useCache || options.cachedOnly) {
    for (const p of mine) {
      const c = await readCell(cacheDir, p.key);
      if (!c) continue;
      if (c.code !== code) {
        stale++;
        if (!options.reuseStale) continue;
      }
      found.set(p.key, c);
    }
  }
  const print = options.print ?? ((line: string) => console.log(line));
  if (stale > 0) {
    print(
      options.reuseStale
        ? `${stale} cached cells were computed by other code (not fingerprint ${code}); reused as asked`
        : `${stale} cached cells were computed by other code (not fingerprint ${code}); they run ` +
          `again (reuse them for re-analysis with --reuse-stale)`,
    );
  }
  if (options.cachedOnly) {
    const missing = mine.filter((p) => !found.has(p.key));
    if (missing.length > 0) {
      throw new Error(
        `experiment ${exp.name}: cannot merge: ${missing.length} of ${mine.length} cells are not ` +
          `in ${cacheDir}: ${
            missing.slice(0, 8).map((p) => `'${p.name}' (cell ${plan.indexOf(p) + 1})`).join(", ")
          }${
            missing.length > 8 ? ` and ${missing.length - 8} more` : ""
          }; run their shards (or the experiment without --merge) first`,
      );
    }
  }
  const cells: CellOutcome<C, R>[] = [];
  for (const p of mine) {
    options.signal?.throwIfAborted();
    let stored = found.get(p.key);
    const cached = stored !== undefined;
    if (stored) {
      for (const r of stored.records) await options.log?.(r);
    } else {
      const records: Record<string, unknown>[] = [];
      const ctx: CellContext = {
        preset,
        cell: p.name,
        log: async (record) => {
          records.push(record);
          await options.log?.(record);
        },
        print,
        progress: (total, label, unit) =>
          createProgress(total, { label, unit, mode: options.progress ?? "auto" }),
        dataDir: options.dataDir ?? defaultDataDir(),
        signal: options.signal,
      };
      const started = performance.now();
      const result = await exp.cell(p.config, ctx);
      const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
      stored = await writeCell(cacheDir, {
        experiment: exp.name,
        version: exp.version,
        cell: p.name,
        key: p.key,
        config: p.config,
        result,
        records,
        seconds,
        finished: new Date().toISOString(),
        backend,
        code,
      });
    }
    cells.push({
      name: p.name,
      key: p.key,
      config: p.config,
      result: stored.result as R,
      cached,
      seconds: stored.seconds,
    });
  }
  return { config, plan, cells, cacheDir, code, staleCells: options.reuseStale ? stale : 0 };
}
