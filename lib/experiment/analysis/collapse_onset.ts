/**
 * The margin at which collapse starts, per miner, in a margin sweep.
 * @module
 */

/**
 * Per miner, the smallest margin from which every larger margin of the sweep collapsed too (the α
 * at which collapse starts), or null when the largest margin did not collapse.
 *
 * @example
 * ```ts
 * import { collapseOnset } from "./collapse_onset.ts";
 * const o = collapseOnset([
 *   { miner: "hardest", margin: 0.2, collapsed: false },
 *   { miner: "hardest", margin: 1, collapsed: true },
 *   { miner: "hardest", margin: 4, collapsed: true },
 * ]);
 * console.assert(o.hardest === 1);
 * ```
 */
export function collapseOnset(
  outcomes: readonly { miner: string; margin: number; collapsed: boolean }[],
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const miner of [...new Set(outcomes.map((o) => o.miner))]) {
    const os = outcomes.filter((o) => o.miner === miner).sort((a, b) => a.margin - b.margin);
    let onset: number | null = null;
    for (let i = os.length - 1; i >= 0 && os[i].collapsed; i--) onset = os[i].margin;
    out[miner] = onset;
  }
  return out;
}
