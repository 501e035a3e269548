/**
 * Per-miner tallies of trained variants over seeds: how often each collapsed, by which mechanism,
 * the means of its outcomes, and how many seeds' held-out verification lies above chance.
 * @module
 */
import type { VariantOutcome } from "../train_variant.ts";
import { chanceStanding } from "./held_out_text.ts";

/** Per-miner tally over the seeds. */
export interface MinerTally {
  runs: number;
  collapses: number;
  collapseRate: number;
  /** Seeds whose run collapsed. */
  collapsedSeeds: number[];
  /** Mechanism of each collapse ("mechanism" → count). */
  mechanisms: Record<string, number>;
  meanFinalLoss: number;
  meanDAp: number;
  meanDAn: number;
  /** Mean over seeds of verification accuracy on pairs of identities never trained on … */
  meanVerificationAccuracy: number;
  /** … the mean chance level of those pairs, and the seeds whose interval lies above chance. */
  meanHeldOutChance: number;
  aboveChanceSeeds: number[];
  /** Mean over seeds of last-step / first-step mean pairwise embedding distance (< 1: shrinking). */
  meanSpreadRatio: number;
  /** Per seed: final loss, collapse, collapse step. */
  perSeed: {
    seed: number;
    finalLoss: number;
    collapsed: boolean;
    collapseStep: number | null;
    verificationAccuracy: number;
    heldOutCi: [number, number] | null;
  }[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Tallies outcomes per miner (in order of first appearance): runs, collapses, rate, collapsed
 * seeds, mechanisms and means.
 *
 * @example
 * ```ts
 * import { tallyMiners } from "./tally_miners.ts";
 * const o = (seed: number, collapsed: boolean) => ({
 *   miner: "hardest", seed, collapsed, mechanism: collapsed ? "constant-output" : "none",
 *   finalLoss: 0.2, dAp: 0, dAn: 0, verificationAccuracy: 0.5, collapseStep: collapsed ? 3 : null,
 *   heldOutChance: 0.5, heldOutCi: (collapsed ? [0.4, 0.6] : [0.55, 0.7]) as [number, number],
 *   history: [{ spread: 1 }, { spread: 0.5 }],
 * });
 * const t = tallyMiners([o(1, true), o(2, false)]);
 * console.assert(t.hardest.collapseRate === 0.5 && t.hardest.meanSpreadRatio === 0.5);
 * console.assert(t.hardest.aboveChanceSeeds.join() === "2");
 * ```
 */
export function tallyMiners(
  outcomes: (
    & Pick<
      VariantOutcome,
      | "collapsed"
      | "mechanism"
      | "finalLoss"
      | "dAp"
      | "dAn"
      | "verificationAccuracy"
      | "heldOutChance"
      | "heldOutCi"
      | "collapseStep"
    >
    & { miner: string; seed: number; history: { spread: number }[] }
  )[],
): Record<string, MinerTally> {
  const out: Record<string, MinerTally> = {};
  for (const miner of [...new Set(outcomes.map((o) => o.miner))]) {
    const os = outcomes.filter((o) => o.miner === miner);
    const collapsed = os.filter((o) => o.collapsed);
    const mechanisms: Record<string, number> = {};
    for (const o of collapsed) mechanisms[o.mechanism] = (mechanisms[o.mechanism] ?? 0) + 1;
    out[miner] = {
      runs: os.length,
      collapses: collapsed.length,
      collapseRate: collapsed.length / os.length,
      collapsedSeeds: collapsed.map((o) => o.seed),
      mechanisms,
      meanFinalLoss: mean(os.map((o) => o.finalLoss)),
      meanDAp: mean(os.map((o) => o.dAp)),
      meanDAn: mean(os.map((o) => o.dAn)),
      meanVerificationAccuracy: mean(os.map((o) => o.verificationAccuracy)),
      meanHeldOutChance: mean(os.map((o) => o.heldOutChance)),
      aboveChanceSeeds: os.filter((o) => chanceStanding(o) === "above").map((o) => o.seed),
      meanSpreadRatio: mean(os.map((o) => {
        const first = o.history[0]?.spread, last = o.history.at(-1)?.spread;
        return (last as number) / (first as number);
      })),
      perSeed: os.map((o) => ({
        seed: o.seed,
        finalLoss: o.finalLoss,
        collapsed: o.collapsed,
        collapseStep: o.collapseStep,
        verificationAccuracy: o.verificationAccuracy,
        heldOutCi: o.heldOutCi,
      })),
    };
  }
  return out;
}
