/**
 * A grid sweep: one cell per combination of the values of some list-valued config keys, each cell
 * narrowing every key to its one value — the cross-product experiments such as margin-sweep
 * (miners × margins) and mining (miners × seeds) used to spell out by hand. The first key varies
 * slowest.
 *
 * @example
 * ```ts
 * import { gridSweep } from "./grid_sweep.ts";
 * const cells = gridSweep({ miners: ["semihard", "hardest"], margins: [0.2, 1], seed: 1 }, [
 *   "miners",
 *   "margins",
 * ], ([m, a]) => `${m} α=${a}`);
 * console.assert(cells.length === 4 && cells[1].name === "semihard α=1");
 * console.assert(cells[3].set.miners![0] === "hardest" && cells[3].set.margins![0] === 1);
 * ```
 * @module
 */
import type { Cell } from "./define_experiment.ts";

/** Keys of `C` whose values are arrays. */
export type ListKeys<C> = { [K in keyof C]: C[K] extends readonly unknown[] ? K : never }[keyof C];

/**
 * The cells of the grid over `keys` (each a list-valued key of `config`), named by `name` from the
 * picked values (default: `key=value` joined by spaces). Throws, naming the key, when one is not a
 * non-empty list, and when two cells would get the same name.
 */
export function gridSweep<C extends object>(
  config: C,
  keys: readonly ListKeys<C>[],
  name?: (values: unknown[]) => string,
): Cell<C>[] {
  if (keys.length === 0) throw new Error("gridSweep: give at least one key");
  const lists = keys.map((k) => {
    const v = (config as Record<PropertyKey, unknown>)[k as PropertyKey];
    if (!Array.isArray(v) || v.length === 0) {
      throw new Error(
        `gridSweep: '${String(k)}' must be a non-empty list, got ${JSON.stringify(v)}`,
      );
    }
    return v as unknown[];
  });
  const label = name ??
    ((values: unknown[]) => keys.map((k, i) => `${String(k)}=${values[i]}`).join(" "));
  let combos: unknown[][] = [[]];
  for (const list of lists) combos = combos.flatMap((c) => list.map((v) => [...c, v]));
  const cells = combos.map((values) => ({
    name: label(values),
    set: Object.fromEntries(keys.map((k, i) => [k, [values[i]]])) as Partial<C>,
  }));
  const seen = new Set<string>();
  for (const c of cells) {
    if (seen.has(c.name)) throw new Error(`gridSweep: two cells are named '${c.name}'`);
    seen.add(c.name);
  }
  return cells;
}
