/**
 * The preset a notebook runs: FACENET_PRESET, else a fallback.
 * @module
 */
import { type PresetName, PRESETS } from "./config.ts";

/**
 * The preset named by the FACENET_PRESET environment variable (notebooks read it; tests set it to
 * "ci"), else `fallback`.
 *
 * @example
 * ```ts
 * import { presetFromEnv } from "./preset_from_env.ts";
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
