/**
 * Checks every enumerated field of a config against its list of choices.
 * @module
 */
import type { Choices, ConfigValue } from "./config.ts";

/**
 * Throws naming the field, the bad value and the valid choices when a field of `config` (or an
 * element of an array field) is not among its choices. `where` says whose config it is
 * ("experiment mining, --set").
 *
 * @example
 * ```ts
 * import { checkChoices } from "./check_choices.ts";
 * let message = "";
 * try {
 *   checkChoices({ seed: 1, miners: ["semihard", "foo"] }, { miners: ["semihard", "hardest"] }, "demo");
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * console.assert(message.includes("'foo'") && message.includes("semihard, hardest"));
 * ```
 */
export function checkChoices(
  config: Record<string, ConfigValue>,
  choices: Choices<Record<string, ConfigValue>>,
  where: string,
): void {
  for (const [key, allowed] of Object.entries(choices)) {
    if (allowed === undefined) continue;
    if (!(key in config)) {
      throw new Error(`${where}: choices given for '${key}', which is not a config key`);
    }
    const value = config[key];
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (!(allowed as readonly unknown[]).includes(v)) {
        throw new Error(
          `${where}: '${key}' cannot be ${JSON.stringify(v)}; valid choices: ${allowed.join(", ")}`,
        );
      }
    }
  }
}
