/**
 * Experiments as data (big_vision style): a name, a one-line description, three typed presets
 * (`ci` ≤ 2 min on 2 CPU cores, used by tests; `small` ≤ 20 min on CPU, the default; `paper`, the
 * monograph's settings, for a GPU) and a `run(config, ctx)` that returns a summary and figures.
 * The CLI (`deno task experiment`) and the notebooks both go through {@link runExperiment}.
 *
 * Configs are flat records of numbers, strings, booleans and arrays of those, always with a `seed`,
 * so every field can be overridden with `--set key=value` (arrays as comma lists).
 * @module
 */
import { createProgress, type Progress, type ProgressMode } from "../lib/cli/mod.ts";
import { type BackendPreference, initBackend } from "../lib/backend/mod.ts";
import type { Figure } from "../lib/plot/mod.ts";
import { createRun, formatValue, type Run } from "../lib/report/mod.ts";

/** A config field's value. */
export type ConfigValue = number | string | boolean | number[] | string[];
/** A flat experiment config; `seed` is always present. */
export type ExperimentConfig = { seed: number } & Record<string, ConfigValue>;
/** The three presets. */
export type PresetName = "ci" | "small" | "paper";
/** Preset names in order. */
export const PRESETS: readonly PresetName[] = ["ci", "small", "paper"];

/** What a running experiment is given. */
export interface ExperimentContext {
  preset: PresetName;
  /** The run folder: config.json and provenance.json are already written. */
  run: Run;
  /** Appends a record to metrics.jsonl. */
  log(record: Record<string, unknown>): Promise<void>;
  /** Prints a line (stdout on the CLI; the cell's output in a notebook). */
  print(line: string): void;
  /** Creates a progress display (bar on a TTY, live in Jupyter, lines in CI, nothing when quiet). */
  progress(total: number | undefined, label: string, unit?: string): Progress;
  /** Cache root for generated data (synthetic identities), the repository's data/ by default. */
  dataDir: string;
  signal?: AbortSignal;
}

/** What an experiment's run returns. */
export interface ExperimentResult {
  /** What was observed (collapsed or not, final loss, d_ap, d_an, accuracy, …) and the mechanism. */
  summary: Record<string, unknown>;
  figures?: Figure[];
  /** Explanations for the report (the mechanism behind what was observed). */
  notes?: string[];
}

/** A defined experiment. */
export interface Experiment<C extends ExperimentConfig = ExperimentConfig> {
  name: string;
  describe: string;
  presets: Record<PresetName, C>;
  run(config: C, ctx: ExperimentContext): Promise<ExperimentResult>;
}

function kindOf(v: ConfigValue): string {
  if (Array.isArray(v)) return v.length > 0 && typeof v[0] === "string" ? "string[]" : "number[]";
  return typeof v;
}

/**
 * Defines an experiment, checking that its presets share the same keys and value types.
 *
 * @example
 * ```ts
 * import { defineExperiment } from "./define_experiment.ts";
 * const exp = defineExperiment({
 *   name: "demo",
 *   describe: "a demo",
 *   presets: { ci: { seed: 1, steps: 2 }, small: { seed: 1, steps: 20 }, paper: { seed: 1, steps: 2000 } },
 *   run: (config) => Promise.resolve({ summary: { steps: config.steps } }),
 * });
 * console.assert(exp.name === "demo");
 * ```
 */
export function defineExperiment<C extends ExperimentConfig>(
  definition: Experiment<C>,
): Experiment<C> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(definition.name)) {
    throw new Error(`defineExperiment: name must be kebab-case, got '${definition.name}'`);
  }
  const ref = definition.presets.ci;
  for (const preset of PRESETS) {
    const p = definition.presets[preset];
    if (!p) throw new Error(`defineExperiment(${definition.name}): preset '${preset}' is missing`);
    const keys = Object.keys(p).sort().join(","), refKeys = Object.keys(ref).sort().join(",");
    if (keys !== refKeys) {
      throw new Error(
        `defineExperiment(${definition.name}): preset '${preset}' has keys [${keys}], preset 'ci' has [${refKeys}]`,
      );
    }
    for (const [k, v] of Object.entries(p)) {
      if (kindOf(v) !== kindOf(ref[k]) && !(Array.isArray(v) && v.length === 0)) {
        throw new Error(
          `defineExperiment(${definition.name}): '${k}' is ${kindOf(v)} in preset '${preset}' but ${
            kindOf(ref[k])
          } in 'ci'`,
        );
      }
    }
  }
  return definition;
}

function coerce(exp: string, key: string, raw: string, like: ConfigValue): ConfigValue {
  const bad = (what: string) =>
    new Error(
      `experiment ${exp}: --set ${key}=${raw}: expected ${what} (like ${JSON.stringify(like)})`,
    );
  const num = (s: string) => {
    const n = Number(s.trim());
    if (s.trim() === "" || !Number.isFinite(n)) throw bad("a number");
    return n;
  };
  switch (kindOf(like)) {
    case "number":
      return num(raw);
    case "boolean":
      if (["true", "1", "yes"].includes(raw)) return true;
      if (["false", "0", "no"].includes(raw)) return false;
      throw bad("true or false");
    case "string":
      return raw;
    case "number[]":
      return raw.trim() === "" ? [] : raw.split(",").map(num);
    case "string[]":
      return raw.trim() === "" ? [] : raw.split(",").map((s) => s.trim());
    default:
      throw bad("a supported value");
  }
}

/** Options of {@link resolveConfig}. */
export interface ResolveOptions {
  /** Default "small". */
  preset?: PresetName;
  /** Overrides: `["key=value", …]` (CLI) or `{key: value}` (notebooks, typed). */
  set?: string[] | Record<string, ConfigValue>;
  /** Overrides the config's seed. */
  seed?: number;
}

/**
 * The config of a preset with overrides applied. Unknown keys are rejected, naming the valid ones.
 *
 * @example
 * ```ts
 * import { defineExperiment, resolveConfig } from "./define_experiment.ts";
 * const exp = defineExperiment({
 *   name: "demo", describe: "d",
 *   presets: { ci: { seed: 1, lr: 0.1 }, small: { seed: 1, lr: 0.1 }, paper: { seed: 1, lr: 0.05 } },
 *   run: () => Promise.resolve({ summary: {} }),
 * });
 * const c = resolveConfig(exp, { preset: "ci", set: ["lr=0.5"], seed: 7 });
 * console.assert(c.lr === 0.5 && c.seed === 7);
 * ```
 */
export function resolveConfig<C extends ExperimentConfig>(
  exp: Experiment<C>,
  options: ResolveOptions = {},
): C {
  const preset = options.preset ?? "small";
  if (!PRESETS.includes(preset)) {
    throw new Error(
      `experiment ${exp.name}: unknown preset '${preset}'; expected one of ${PRESETS.join(", ")}`,
    );
  }
  const config = structuredClone(exp.presets[preset]) as Record<string, ConfigValue>;
  const valid = Object.keys(config);
  const entries: [string, string | ConfigValue][] = Array.isArray(options.set)
    ? options.set.map((s) => {
      const i = s.indexOf("=");
      if (i <= 0) throw new Error(`experiment ${exp.name}: --set expects key=value, got '${s}'`);
      return [s.slice(0, i).trim(), s.slice(i + 1)];
    })
    : Object.entries(options.set ?? {});
  for (const [key, value] of entries) {
    if (!(key in config)) {
      throw new Error(
        `experiment ${exp.name}: unknown config key '${key}'; valid keys: ${valid.join(", ")}`,
      );
    }
    if (typeof value === "string" && kindOf(config[key]) !== "string") {
      config[key] = coerce(exp.name, key, value, config[key]);
    } else {
      if (
        kindOf(value as ConfigValue) !== kindOf(config[key]) &&
        !(Array.isArray(value) && value.length === 0)
      ) {
        throw new Error(
          `experiment ${exp.name}: '${key}' must be ${kindOf(config[key])}, got ${
            JSON.stringify(value)
          }`,
        );
      }
      config[key] = value as ConfigValue;
    }
  }
  if (options.seed !== undefined) {
    if (!Number.isInteger(options.seed)) {
      throw new Error(`experiment ${exp.name}: --seed must be an integer, got ${options.seed}`);
    }
    config.seed = options.seed;
  }
  return config as C;
}

/**
 * The preset named by the FACENET_PRESET environment variable (notebooks read it; tests set it to
 * "ci"), else `fallback`.
 *
 * @example
 * ```ts
 * import { presetFromEnv } from "./define_experiment.ts";
 * console.assert(["ci", "small", "paper"].includes(presetFromEnv()));
 * ```
 */
export function presetFromEnv(fallback: PresetName = "small"): PresetName {
  let value: string | undefined;
  try {
    value = Deno.env.get("FACENET_PRESET");
  } catch { /* no env permission */ }
  if (value === undefined || value === "") return fallback;
  if (!PRESETS.includes(value as PresetName)) {
    throw new Error(`FACENET_PRESET must be one of ${PRESETS.join(", ")}, got '${value}'`);
  }
  return value as PresetName;
}

function envOr(name: string, fallback: string): string {
  try {
    return Deno.env.get(name) || fallback;
  } catch {
    return fallback;
  }
}

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions extends ResolveOptions {
  /** Root of run folders. Default: $FACENET_RUNS_DIR, else the repository's runs/. */
  outDir?: string;
  /** Cache root for generated data. Default: the repository's data/. */
  dataDir?: string;
  /** Backend to initialise first (its summary is printed). Default: leave the current one. */
  backend?: BackendPreference;
  /** Line printer. Default console.log. */
  print?: (line: string) => void;
  /** Progress display mode. Default "auto". */
  progress?: ProgressMode;
  signal?: AbortSignal;
}

/** What {@link runExperiment} returns. */
export interface ExperimentRun<C extends ExperimentConfig = ExperimentConfig>
  extends ExperimentResult {
  config: C;
  /** The run folder. */
  dir: string;
  /** The report's path. */
  report: string;
  /** Records logged to metrics.jsonl. */
  history: Record<string, unknown>[];
}

/** Formats a summary as aligned "key  value" lines; small flat objects on one line, others nested. */
export function formatSummary(summary: Record<string, unknown>, indent = "  "): string[] {
  const width = Math.max(0, ...Object.keys(summary).map((k) => k.length));
  const lines: string[] = [];
  for (const [k, v] of Object.entries(summary)) {
    const flat = v !== null && typeof v === "object" && !Array.isArray(v) &&
      Object.keys(v).length <= 6 &&
      Object.values(v).every((x) => x === null || typeof x !== "object");
    if (flat) {
      const parts = Object.entries(v as Record<string, unknown>).map(([a, b]) =>
        `${a} ${formatValue(b)}`
      );
      lines.push(`${indent}${k.padEnd(width)}  ${parts.join(", ")}`);
    } else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      lines.push(`${indent}${k}:`);
      lines.push(...formatSummary(v as Record<string, unknown>, indent + "  "));
    } else {
      lines.push(`${indent}${k.padEnd(width)}  ${formatValue(v)}`);
    }
  }
  return lines;
}

/**
 * Runs an experiment: resolves its config, opens the run folder, runs it, writes summary.json and
 * report.html, prints the summary.
 *
 * @example
 * ```ts ignore
 * import { runExperiment } from "./define_experiment.ts";
 * import { registry } from "./registry.ts";
 * const result = await runExperiment(registry["distance-eps"], { preset: "ci" });
 * console.log(result.summary);
 * ```
 */
export async function runExperiment<C extends ExperimentConfig>(
  exp: Experiment<C>,
  options: RunExperimentOptions = {},
): Promise<ExperimentRun<C>> {
  const print = options.print ?? ((line: string) => console.log(line));
  const preset = options.preset ?? "small";
  const config = resolveConfig(exp, options);
  if (options.backend) print((await initBackend(options.backend)).summary);
  const root = new URL("../", import.meta.url).pathname;
  const run = await createRun(exp.name, config, {
    outDir: options.outDir ?? envOr("FACENET_RUNS_DIR", `${root}runs`),
    extra: { experiment: exp.name, preset },
  });
  print(`${exp.name} (${preset}): ${exp.describe}`);
  print(`run folder: ${run.dir}`);
  const ctx: ExperimentContext = {
    preset,
    run,
    log: (record) => run.log(record),
    print,
    progress: (total, label, unit) =>
      createProgress(total, { label, unit, mode: options.progress ?? "auto" }),
    dataDir: options.dataDir ?? `${root}data`,
    signal: options.signal,
  };
  const started = performance.now();
  const result = await exp.run(config, ctx);
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    experiment: exp.name,
    preset,
    ...result.summary,
    seconds: Number(seconds.toFixed(2)),
  };
  await run.writeSummary(summary);
  const report = await run.writeReport({
    title: `${exp.name} (${preset})`,
    summary,
    figures: result.figures,
    notes: [exp.describe, ...(result.notes ?? [])],
  });
  print("summary:");
  for (const line of formatSummary(summary)) print(line);
  for (const note of result.notes ?? []) print(`note: ${note}`);
  print(`report: ${report}`);
  return { ...result, summary, config, dir: run.dir, report, history: run.history };
}
