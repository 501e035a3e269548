/**
 * The types of an experiment's config: flat records of numbers, strings, booleans and arrays of
 * those (so every field can be set from the command line), always with a `seed`; the three preset
 * names; and the typed list of choices an enumerated field is checked against.
 * @module
 */

/** A config field's value. */
export type ConfigValue = number | string | boolean | number[] | string[];

/** A flat experiment config; `seed` is always present. */
export type ExperimentConfig = { seed: number } & { [key: string]: ConfigValue };

/** The three presets: `ci` (≤ 2 min on 2 CPU cores, used by tests), `small` (CPU), `paper` (GPU). */
export type PresetName = "ci" | "small" | "paper";

/** Preset names in order. */
export const PRESETS: readonly PresetName[] = ["ci", "small", "paper"];

/** The element type of an array field, or the field's own type. */
export type ElementOf<V> = V extends readonly (infer E)[] ? E : V;

/**
 * For enumerated fields, the values they may take (for an array field, the values its elements may
 * take). `--set` values and every preset are checked against these before any work is done.
 */
export type Choices<C> = { [K in keyof C]?: readonly ElementOf<C[K]>[] };

/** The kind of a config value, as `--set` parses it. */
export type ValueKind = "number" | "string" | "boolean" | "number[]" | "string[]";

/**
 * The kind of a config value (an empty array is "number[]": give presets a non-empty example).
 *
 * @example
 * ```ts
 * import { kindOf } from "./config.ts";
 * console.assert(kindOf(["a"]) === "string[]" && kindOf(1) === "number");
 * ```
 */
export function kindOf(value: ConfigValue): ValueKind {
  if (Array.isArray(value)) {
    return value.length > 0 && typeof value[0] === "string" ? "string[]" : "number[]";
  }
  return typeof value as "number" | "string" | "boolean";
}
