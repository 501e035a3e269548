/**
 * Experiments as data (big_vision style). An experiment is a typed config — one `base` plus a
 * delta per preset (`ci`, `small`, `paper`) — a sweep (the list of cells, each a set of overrides of
 * the config), the work of one cell, and the analysis that turns the cells' results into a typed
 * summary, figures and notes. The runner ({@link runExperiment}) executes the cells, caches each
 * under a key derived from its resolved config, resumes after a kill, and shards (`--shard k/n`).
 *
 * Declare a config as a `type` alias (not an `interface`) of flat fields: type aliases get the
 * implicit index signature that makes them an {@link ExperimentConfig}. Enumerated fields take a
 * literal union (`miner: MinerName`) and list their values in `choices`, so a bad `--set` fails
 * before any data are generated, and the experiment's code needs no casts.
 * @module
 */
import type { Figure } from "../plot/mod.ts";
import type { Progress } from "../cli/mod.ts";
import type { ReportSections, Run } from "../report/mod.ts";
import {
  type Choices,
  type ConfigValue,
  type ExperimentConfig,
  kindOf,
  type PresetName,
  PRESETS,
} from "./config.ts";
import { checkChoices } from "./check_choices.ts";

/** One cell of a sweep: a name (unique in the sweep) and the overrides it applies to the config. */
export interface Cell<C> {
  name: string;
  set: Partial<C>;
}

/** What the work of one cell is given. */
export interface CellContext {
  preset: PresetName;
  /** The cell's name. */
  cell: string;
  /** Appends a record to the run's metrics.jsonl (kept with the cell's cached result). */
  log(record: Record<string, unknown>): Promise<void>;
  /** Prints a line (stdout on the CLI; the cell's output in a notebook). */
  print(line: string): void;
  /** Creates a progress display (bar on a TTY, live in Jupyter, lines in CI, nothing when quiet). */
  progress(total: number | undefined, label: string, unit?: string): Progress;
  /** Cache root for generated data (synthetic identities): the repository's data/ by default. */
  dataDir: string;
  signal?: AbortSignal;
}

/** A finished cell: its resolved config and its result (read back from the cache, fresh or not). */
export interface CellOutcome<C, R> {
  name: string;
  /** The cache key (derived from the experiment, its version and the cell's resolved config). */
  key: string;
  config: C;
  result: R;
  /** True when the result came from an earlier run's cache. */
  cached: boolean;
  /** Seconds the cell took when it ran. */
  seconds: number;
}

/** What the analysis is given. */
export interface AnalysisContext {
  preset: PresetName;
  /** The run folder (config.json and provenance.json are written). */
  run: Run;
  print(line: string): void;
  dataDir: string;
}

/**
 * What an analysis returns: a typed summary (numbers first), figures and notes for the report, and
 * optionally the report's leading sections (question, findings, headline figure, results table,
 * curves; see lib/report's `ReportSections`).
 */
export interface ExperimentResult<S> extends ReportSections {
  summary: S;
  figures?: Figure[];
  notes?: string[];
}

/** What {@link defineExperiment} is given. */
export interface ExperimentDefinition<C extends ExperimentConfig, S extends object, R> {
  /** kebab-case name (the CLI's and the run folder's). */
  name: string;
  /** One line for `--list` and the report. */
  describe: string;
  /** The full config every preset starts from. */
  base: C;
  /** Each preset as the fields it changes in `base` (`{}` for none). */
  presets: Record<PresetName, Partial<C>>;
  /** Valid values of the enumerated fields, checked before any data are generated. */
  choices?: Choices<C>;
  /** Further checks of a resolved config (throw with the key and the reason). */
  validate?(config: C): void;
  /** The sweep: its cells in order. Default: one cell, "run", with no overrides. */
  sweep?(config: C): Cell<C>[];
  /** The work of one cell; its result must survive JSON (non-finite numbers are kept). */
  cell(config: C, ctx: CellContext): Promise<R>;
  /** Turns the cells' outcomes (in sweep order) into the summary, figures and notes. */
  analyse(
    cells: CellOutcome<C, R>[],
    config: C,
    ctx: AnalysisContext,
  ): ExperimentResult<S> | Promise<ExperimentResult<S>>;
  /** Part of every cache key: bump it when a cell's code changes its result. Default 1. */
  version?: number;
  /** Cache cells (default true; false for measurements of this machine, e.g. timings). */
  cache?: boolean;
}

/** A defined experiment: the definition with every preset resolved to a full config. */
export interface Experiment<
  C extends ExperimentConfig = ExperimentConfig,
  S extends object = object,
  R = unknown,
> extends Omit<ExperimentDefinition<C, S, R>, "presets" | "sweep" | "version" | "cache"> {
  /** Every preset as a full config (base with its delta applied). */
  presets: Record<PresetName, C>;
  /** Each preset as given: the fields it changes in `base`. */
  deltas: Record<PresetName, Partial<C>>;
  choices: Choices<C>;
  sweep(config: C): Cell<C>[];
  version: number;
  cache: boolean;
}

/** Any experiment, whatever its config, summary and cell result (the registry's value type). */
export type AnyExperiment = Experiment<ExperimentConfig, object, unknown>;

/**
 * Defines an experiment: resolves each preset (base + delta), checking that a delta changes only
 * keys of the base, keeps each value's kind, and gives enumerated fields valid choices.
 *
 * @example
 * ```ts
 * import { defineExperiment } from "./define_experiment.ts";
 * const exp = defineExperiment({
 *   name: "demo",
 *   describe: "a demo",
 *   base: { seed: 1, steps: 20, miner: "semihard" },
 *   presets: { ci: { steps: 2 }, small: {}, paper: { steps: 2000 } },
 *   choices: { miner: ["semihard", "hardest"] },
 *   cell: (config) => Promise.resolve({ steps: config.steps }),
 *   analyse: (cells) => ({ summary: { steps: cells[0].result.steps } }),
 * });
 * console.assert(exp.presets.ci.steps === 2 && exp.presets.small.miner === "semihard");
 * ```
 */
export function defineExperiment<C extends ExperimentConfig, S extends object, R>(
  definition: ExperimentDefinition<C, S, R>,
): Experiment<C, S, R> {
  const where = `defineExperiment(${definition.name})`;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(definition.name)) {
    throw new Error(`defineExperiment: name must be kebab-case, got '${definition.name}'`);
  }
  const base = definition.base as Record<string, ConfigValue>;
  if (typeof base.seed !== "number") {
    throw new Error(`${where}: the base config needs a numeric 'seed'`);
  }
  const presets = {} as Record<PresetName, C>;
  for (const preset of PRESETS) {
    const delta = definition.presets[preset] as Record<string, ConfigValue> | undefined;
    if (!delta) throw new Error(`${where}: preset '${preset}' is missing (use {} for the base)`);
    for (const [key, value] of Object.entries(delta)) {
      if (!(key in base)) {
        throw new Error(
          `${where}: preset '${preset}' sets '${key}', which the base does not have; base keys: ${
            Object.keys(base).join(", ")
          }`,
        );
      }
      const empty = Array.isArray(value) && value.length === 0;
      if (!empty && kindOf(value) !== kindOf(base[key])) {
        throw new Error(
          `${where}: '${key}' is ${kindOf(value)} in preset '${preset}' but ${
            kindOf(base[key])
          } in the base`,
        );
      }
    }
    const config = { ...structuredClone(base), ...structuredClone(delta) } as C;
    checkChoices(config, definition.choices ?? {}, `${where}, preset '${preset}'`);
    definition.validate?.(config);
    presets[preset] = config;
  }
  const experiment: Experiment<C, S, R> = {
    ...definition,
    presets,
    deltas: definition.presets,
    choices: definition.choices ?? {},
    sweep: definition.sweep ?? (() => [{ name: "run", set: {} }]),
    version: definition.version ?? 1,
    cache: definition.cache ?? true,
  };
  return experiment;
}
