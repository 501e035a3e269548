/**
 * A preset's config with `--set` overrides and `--seed` applied, checked before any work is done.
 * @module
 */
import {
  type ConfigValue,
  type ExperimentConfig,
  kindOf,
  type PresetName,
  PRESETS,
} from "./config.ts";
import { checkChoices } from "./check_choices.ts";
import type { Experiment } from "./define_experiment.ts";

/** Options of {@link resolveConfig}. */
export interface ResolveOptions {
  /** Default "small". */
  preset?: PresetName;
  /** Overrides: `["key=value", …]` (CLI) or `{key: value}` (notebooks, typed). */
  set?: string[] | Record<string, ConfigValue>;
  /** Overrides the config's seed. */
  seed?: number;
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
  }
}

/**
 * Parses `["key=value", …]` into entries (the value still a string).
 *
 * @example
 * ```ts
 * import { parseSet } from "./resolve_config.ts";
 * console.assert(parseSet(["lr=0.1"], "demo")[0][1] === "0.1");
 * ```
 */
export function parseSet(set: string[], exp: string): [string, string][] {
  return set.map((s) => {
    const i = s.indexOf("=");
    if (i <= 0) throw new Error(`experiment ${exp}: --set expects key=value, got '${s}'`);
    return [s.slice(0, i).trim(), s.slice(i + 1)];
  });
}

/**
 * Applies overrides to a config: unknown keys are rejected naming the valid ones, strings are
 * coerced to the field's kind, typed values must have it, then enumerated fields are checked
 * against the experiment's choices and its own `validate`.
 *
 * @example
 * ```ts
 * import { applyOverrides, defineExperiment } from "./mod.ts";
 * const exp = defineExperiment({
 *   name: "demo", describe: "d", base: { seed: 1, lr: 0.1 },
 *   presets: { ci: {}, small: {}, paper: {} },
 *   cell: () => Promise.resolve(0), analyse: () => ({ summary: {} }),
 * });
 * console.assert(applyOverrides(exp, exp.presets.ci, ["lr=0.5"]).lr === 0.5);
 * ```
 */
export function applyOverrides<C extends ExperimentConfig>(
  exp: Experiment<C, object, unknown>,
  config: C,
  set: string[] | Record<string, ConfigValue> | Partial<C>,
  where = "--set",
): C {
  const out = structuredClone(config) as Record<string, ConfigValue>;
  const entries: [string, string | ConfigValue][] = Array.isArray(set)
    ? parseSet(set, exp.name)
    : Object.entries(set as Record<string, ConfigValue>);
  for (const [key, value] of entries) {
    if (!(key in out)) {
      throw new Error(
        `experiment ${exp.name}: unknown config key '${key}'; valid keys: ${
          Object.keys(out).join(", ")
        }`,
      );
    }
    if (typeof value === "string" && kindOf(out[key]) !== "string") {
      out[key] = coerce(exp.name, key, value, out[key]);
    } else {
      const empty = Array.isArray(value) && value.length === 0;
      if (!empty && kindOf(value) !== kindOf(out[key])) {
        throw new Error(
          `experiment ${exp.name}: '${key}' must be ${kindOf(out[key])}, got ${
            JSON.stringify(value)
          }`,
        );
      }
      out[key] = structuredClone(value);
    }
  }
  checkChoices(out, exp.choices, `experiment ${exp.name}, ${where}`);
  exp.validate?.(out as C);
  return out as C;
}

/**
 * The config of a preset with overrides applied. Unknown keys, values of the wrong kind and
 * enumerated values outside their choices are rejected here, before any data are generated.
 *
 * @example
 * ```ts
 * import { defineExperiment, resolveConfig } from "./mod.ts";
 * const exp = defineExperiment({
 *   name: "demo", describe: "d",
 *   base: { seed: 1, lr: 0.1, miner: "semihard" },
 *   presets: { ci: {}, small: {}, paper: { lr: 0.05 } },
 *   choices: { miner: ["semihard", "hardest"] },
 *   cell: () => Promise.resolve(0), analyse: () => ({ summary: {} }),
 * });
 * const c = resolveConfig(exp, { preset: "ci", set: ["lr=0.5"], seed: 7 });
 * console.assert(c.lr === 0.5 && c.seed === 7);
 * ```
 */
export function resolveConfig<C extends ExperimentConfig>(
  exp: Experiment<C, object, unknown>,
  options: ResolveOptions = {},
): C {
  const preset = options.preset ?? "small";
  if (!PRESETS.includes(preset)) {
    throw new Error(
      `experiment ${exp.name}: unknown preset '${preset}'; expected one of ${PRESETS.join(", ")}`,
    );
  }
  const config = applyOverrides(exp, exp.presets[preset], options.set ?? {});
  if (options.seed !== undefined) {
    if (!Number.isInteger(options.seed)) {
      throw new Error(`experiment ${exp.name}: --seed must be an integer, got ${options.seed}`);
    }
    config.seed = options.seed;
  }
  return config;
}
