/**
 * A variant of a defined experiment: the same sweep, cells and analysis under a new name, with
 * some base fields changed (and optionally other preset deltas).
 * @module
 */
import { type ConfigValue, type ExperimentConfig, kindOf, type PresetName } from "./config.ts";
import { defineExperiment, type Experiment } from "./define_experiment.ts";

/** What {@link deriveExperiment} changes. */
export interface DeriveOptions<C> {
  /** kebab-case name of the variant. */
  name: string;
  describe: string;
  /** Fields the variant changes, in its base and every preset (they win over the parent's deltas). */
  set: Partial<C>;
  /** Preset deltas of the variant. Default: the parent's, with `set` on top. */
  presets?: Record<PresetName, Partial<C>>;
}

/**
 * Defines a variant of `parent`: its base and every preset with `set` applied (or the given
 * `presets`), and the parent's choices, sweep, cell and analysis.
 *
 * @example
 * ```ts
 * import { defineExperiment, deriveExperiment } from "./mod.ts";
 * const parent = defineExperiment({
 *   name: "demo", describe: "d", base: { seed: 1, lr: 0.1, opt: "sgd" },
 *   presets: { ci: { lr: 1 }, small: {}, paper: {} }, choices: { opt: ["sgd", "adam"] },
 *   cell: (c) => Promise.resolve(c.lr), analyse: (cells) => ({ summary: { lr: cells[0].result } }),
 * });
 * const adam = deriveExperiment(parent, { name: "demo-adam", describe: "d, Adam", set: { opt: "adam" } });
 * console.assert(adam.presets.ci.opt === "adam" && adam.presets.ci.lr === 1);
 * const slow = deriveExperiment(parent, { name: "demo-slow", describe: "d, lr 0.01", set: { lr: 0.01 } });
 * console.assert(slow.presets.ci.lr === 0.01);
 * ```
 */
export function deriveExperiment<C extends ExperimentConfig, S extends object, R>(
  parent: Experiment<C, S, R>,
  options: DeriveOptions<C>,
): Experiment<C, S, R> {
  const { presets: _resolved, deltas, base, ...rest } = parent;
  for (const [key, value] of Object.entries(options.set)) {
    const like = (base as Record<string, ConfigValue>)[key];
    if (like === undefined) {
      throw new Error(
        `deriveExperiment(${options.name}): '${key}' is not a config key of ${parent.name}; ` +
          `valid keys: ${Object.keys(base).join(", ")}`,
      );
    }
    if (kindOf(value as ConfigValue) !== kindOf(like)) {
      throw new Error(
        `deriveExperiment(${options.name}): '${key}' must be ${kindOf(like)}, got ${
          JSON.stringify(value)
        }`,
      );
    }
  }
  return defineExperiment<C, S, R>({
    ...rest,
    name: options.name,
    describe: options.describe,
    base: { ...structuredClone(base), ...structuredClone(options.set) },
    presets: options.presets ?? {
      ci: { ...deltas.ci, ...options.set },
      small: { ...deltas.small, ...options.set },
      paper: { ...deltas.paper, ...options.set },
    },
  });
}
