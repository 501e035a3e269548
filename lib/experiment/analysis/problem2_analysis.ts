/**
 * The `problem2-margin4` analysis: the monograph's problem 2 (margin 4, loss → 4, chance accuracy,
 * tiny distances), the collinear collapse behind it from lib/train's forensics and the features'
 * dominant channel, the squared distances the monograph printed beside the measured ones, and each
 * fix before and after.
 * @module
 */
import { barFigure } from "../../plot/mod.ts";
import type { ExperimentResult } from "../define_experiment.ts";
import { heldOutSentence } from "./held_out_text.ts";
import type { ProblemOutcome } from "../problem_variant.ts";
import type { FeatureDominance } from "./feature_dominance.ts";
import {
  fixedBy,
  fixedCollapse,
  problemFigures,
  type ProblemRecord,
  variantRecord,
} from "./problem_report.ts";
import type { SquaredDistances } from "./squared_distances.ts";

/** A trained problem-2 variant and the squared distances of its final model. */
export interface Problem2Run {
  outcome: ProblemOutcome;
  squared: SquaredDistances;
}

/** A variant's record with its measured squared distances. */
export type Problem2Record = ProblemRecord & { dAp2: number; dAn2: number };

/** A fix's before and after (or the divergence that ended it). */
export interface Problem2Fix {
  change: string;
  before: Problem2Record;
  after: Problem2Record | { diverged: string };
  /** The run before collapsed, this one did not, and its held-out interval lies above chance. */
  fixed: boolean;
}

/** The `problem2-margin4` summary. */
export interface Problem2Summary {
  collapsed: boolean;
  collapseStep: number | null;
  finalLoss: number;
  lossMinusMargin: number;
  accuracy: number;
  dAp: number;
  dAn: number;
  dAp2?: number;
  dAn2?: number;
  dAp2First?: number[];
  dAn2First?: number[];
  probeTriplets?: number;
  probeAccuracy?: number;
  probeDAp?: number;
  probeDAn?: number;
  monographDAp2: number[];
  monographDAn2: number[];
  activeFraction: number;
  lastGradNorm: number;
  preL2Norm: number | string;
  outputCosineStd: number;
  dominantChannel: FeatureDominance | null;
  /** Verification accuracy on pairs of identities never trained on, with chance and interval. */
  verificationAccuracy: number;
  heldOutChance: number;
  heldOutCi: [number, number] | null;
  /** That accuracy against chance, for the unfixed run and each fix that finished, in words. */
  heldOut: string[];
  mechanism: string;
  mechanismSentence: string;
  evidence: string[];
  fixes: Record<string, Problem2Fix>;
  fixedBy: string[];
}

/** What the monograph printed for problem 2 (two triplets each), for comparison. */
const MONOGRAPH = {
  dAp2: [7.6563555e-7, 7.4684391e-7],
  dAn2: [7.9522505e-7, 7.5629816e-7],
};

const fmt = (x: number) => x.toExponential(2);

/** The sentence that puts the measured squared distances beside the monograph's. */
function squaredSentence(q: SquaredDistances | undefined): string {
  if (!q) return "";
  return `. The monograph printed the squared distances ‖f(a) − f(p)‖²₂ = ${
    MONOGRAPH.dAp2.map(fmt).join(", ")
  } and ‖f(a) − f(n)‖²₂ = ${
    MONOGRAPH.dAn2.map(fmt).join(", ")
  }; measured directly (Σ(a − b)², not the Gram form, which is quantised at this scale) on ` +
    `${q.triplets} random triplets of the final model they are d_ap² = ${fmt(q.dAp2)} and ` +
    `d_an² = ${fmt(q.dAn2)} on average (first two: ${q.dAp2First.map(fmt).join(", ")} and ${
      q.dAn2First.map(fmt).join(", ")
    }), with d_an² > d_ap² for ${(100 * q.accuracy).toFixed(1)}% of them (the squares of the ` +
    `√Σd² distances the loss trained on)`;
}

/** The facts behind a "constant-output"/collinear collapse, from the forensics snapshots. */
function geometry(o: ProblemOutcome): string {
  const f0 = o.forensics[0], f1 = o.forensics[o.forensics.length - 1];
  if (!f0 || !f1) return "";
  const d = o.features;
  const channel = d && Number.isFinite(d.share)
    ? `; the features entering ${d.layer} are one ReLU channel: channel ${d.channel} has mean ` +
      `|h| ${fmt(d.top)} against ${fmt(d.second)} for the next and carries ${
        (100 * d.share).toFixed(4)
      }% of ‖h‖, so every embedding is that channel times one row of ${d.layer}'s kernel — one ` +
      `direction whatever the input (a rank-one collapse)`
    : "";
  return `pairwise cosine of the outputs ${f1.cosine.mean.toFixed(6)} ± ${fmt(f1.cosine.std)} ` +
    `while the pre-L2 embeddings still differ in length (relative spread ${
      f1.preL2.relativeSpread.toFixed(3)
    }): ${
      f1.cosine.mean > 0.99 ? "they became collinear" : "they did not become collinear"
    }, and their norm ${f1.preL2.norm.mean > f0.preL2.norm.mean ? "grew" : "shrank"} from ${
      fmt(f0.preL2.norm.mean)
    } to ${
      fmt(f1.preL2.norm.mean)
    } (the gradient through x/‖x‖ scales as 1/‖x‖); the last step's gradient norm was ‖g‖ = ${
      fmt(o.lastGradNorm)
    }${channel}`;
}

const record = (r: Problem2Run): Problem2Record => ({
  ...variantRecord(r.outcome),
  dAp2: r.squared.dAp2,
  dAn2: r.squared.dAn2,
});

/**
 * Summary, figures and notes of `problem2-margin4`: `before` is the unfixed run, `fixes` each fix's
 * name, change and run (or the message of the divergence that ended it).
 *
 * @example
 * ```ts ignore
 * const { summary } = problem2Analysis(before, fixes, { margin: 4, probeTriplets: 96 });
 * ```
 */
export function problem2Analysis(
  before: Problem2Run,
  fixes: { fix: string; change: string; after: Problem2Run | { diverged: string } }[],
  config: { margin: number; probeTriplets: number },
): ExperimentResult<Problem2Summary> {
  const results: Record<string, Problem2Fix> = {};
  const runs: Problem2Run[] = [before];
  for (const { fix, change, after } of fixes) {
    if ("diverged" in after) {
      results[fix] = { change, before: record(before), after, fixed: false };
      continue;
    }
    runs.push(after);
    const o = after.outcome;
    results[fix] = {
      change,
      before: record(before),
      after: record(after),
      // a fix can only fix a run that collapsed, and must have learned (held-out above chance)
      fixed: fixedCollapse(before.outcome, o),
    };
  }
  const b = before.outcome, q = before.squared;
  const facts = geometry(b);
  // Every outcome in this sentence comes from the measured run; only the arithmetic is fixed.
  const active = b.history[b.history.length - 1]?.activeFraction ?? NaN;
  const m = config.margin;
  const activeText = active === 1
    ? `every mined triplet was active at the last step (activeFraction 1), so the loss is ` +
      `${m} + mean(d_ap − d_an) = ${b.finalLoss.toPrecision(4)}`
    : `${(active * 100).toFixed(0)}% of the mined triplets were active at the last step ` +
      `(loss ${b.finalLoss.toPrecision(4)})`;
  const sphere = m > 2
    ? `margin ${m} > 2, so no triplet of unit-length embeddings can ever meet it (d² ≤ 4)`
    : `margin ${m} ≤ 2, so triplets can meet it`;
  const accText = Math.abs(b.accuracy - 0.5) <= 0.05
    ? `at chance (0.5)`
    : b.accuracy > 0.5
    ? `above chance (0.5)`
    : `below chance (0.5)`;
  const mechanismSentence = `${b.mechanism}: ${b.diagnosis}` +
    (facts ? ` — ${facts}` : "") +
    `. With ${sphere}; ${activeText}; triplet accuracy ${b.accuracy.toFixed(3)} is ${accText}` +
    squaredSentence(q);
  const heldOut = runs.map((r) => `${r.outcome.variant}: ${heldOutSentence(r.outcome)}`);
  const summary: Problem2Summary = {
    collapsed: b.collapsed,
    collapseStep: b.collapseStep,
    finalLoss: b.finalLoss,
    lossMinusMargin: b.finalLoss - config.margin,
    accuracy: b.accuracy,
    dAp: b.dAp,
    dAn: b.dAn,
    dAp2: q.dAp2,
    dAn2: q.dAn2,
    dAp2First: q.dAp2First,
    dAn2First: q.dAn2First,
    probeTriplets: q.triplets,
    probeAccuracy: q.accuracy,
    probeDAp: q.dAp,
    probeDAn: q.dAn,
    monographDAp2: MONOGRAPH.dAp2,
    monographDAn2: MONOGRAPH.dAn2,
    activeFraction: b.history[b.history.length - 1]?.activeFraction ?? NaN,
    lastGradNorm: b.lastGradNorm,
    preL2Norm: b.preL2Norm,
    outputCosineStd: b.forensics[b.forensics.length - 1]?.cosine.std ?? NaN,
    dominantChannel: b.features ?? null,
    verificationAccuracy: b.verificationAccuracy,
    heldOutChance: b.heldOutChance,
    heldOutCi: b.heldOutCi,
    heldOut,
    mechanism: b.mechanism,
    mechanismSentence,
    evidence: b.evidence,
    fixes: results,
    fixedBy: fixedBy(results),
  };
  return {
    summary,
    figures: [
      ...problemFigures(runs.map((r) => r.outcome), "problem 2"),
      barFigure(
        runs.map((r) => r.outcome.variant),
        [
          { name: "mean ‖f(a) − f(p)‖²", y: runs.map((r) => r.squared.dAp2) },
          { name: "mean ‖f(a) − f(n)‖²", y: runs.map((r) => r.squared.dAn2) },
        ],
        {
          title: `problem 2: squared distances of the final model on ${config.probeTriplets} ` +
            `random triplets, measured directly (the monograph printed ~7.6e-7)`,
          yTitle: "‖·‖²₂",
          logY: true,
        },
      ),
    ],
    notes: [
      `Mechanism (lib/train forensics): ${mechanismSentence}.`,
      ...heldOut.map((h) => `${h}.`),
    ],
  };
}
