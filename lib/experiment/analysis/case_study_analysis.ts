/**
 * The `case-study` experiment's analysis: the hardest positive and negative pairs of a trained
 * model — pairs of identities it was never trained on — as captioned image grids, beside the
 * distance histograms, the accuracy threshold and the accuracy against chance.
 * @module
 */
import { decodeImage, itemPath, type PairRecord } from "../../data/mod.ts";
import { type Figure, type GridCell, histogramFigure, imageGridFigure } from "../../plot/mod.ts";
import type { ExperimentResult } from "../define_experiment.ts";
import { wilsonInterval } from "../../atlas/mod.ts";
import { brief, type VariantOutcome } from "../train_variant.ts";
import { chanceStanding, heldOutSentence } from "./held_out_text.ts";
import { type CasePair, hardestPairs } from "./hardest_pairs.ts";

/** What the case study's cell measured: the trained model's outcome and every pair's distance. */
export interface CaseStudyCell {
  training: VariantOutcome;
  /** The synthetic set's folder (the images the grids show). */
  dataDir: string;
  /** Pairs among the held-out identities (never trained on), and each pair's distance. */
  pairs: PairRecord[];
  distances: number[];
  verificationAccuracy: number;
  threshold: number;
  /** Accuracy of always giving the more frequent answer on `pairs`. */
  chance: number;
  /** Identities held out of training (the pairs' identities) and identities trained on. */
  heldOutIdentities: number;
  trainIdentities: number;
}

/** The `case-study` summary. */
export interface CaseStudySummary {
  training: {
    steps: number;
    finalLoss: number;
    accuracy: number;
    dAp: number;
    dAn: number;
    collapsed: boolean;
    mechanism: string;
  };
  /** Verification accuracy on pairs of identities never trained on … */
  verificationAccuracy: number;
  /** … the chance level of those pairs, the accuracy's Wilson 95% interval, and in words. */
  heldOutChance: number;
  heldOutCi: [number, number];
  aboveChance: boolean;
  heldOut: string;
  threshold: number;
  pairs: { positive: number; negative: number };
  hardestPositiveDistances: number[];
  hardestNegativeDistances: number[];
  hardestPositives: string[];
  hardestNegatives: string[];
  misclassifiedShown: { positives: number; negatives: number };
  mechanism: string;
}

const identityOf = (path: string) => path.split("/").slice(-2, -1)[0] ?? path;

async function pairGrid(
  root: string,
  pairs: CasePair[],
  title: string,
  cellSize: number,
): Promise<Figure> {
  const cells: GridCell[] = [];
  for (const [i, p] of pairs.entries()) {
    for (const path of [p.a, p.b]) {
      const img = await decodeImage(itemPath({ root }, path));
      cells.push({
        image: { width: img.width, height: img.height, channels: 3, data: img.data },
        caption: `#${i + 1} ${identityOf(path)}${
          path === p.a ? "" : ` d=${p.distance.toFixed(3)}`
        }${path === p.b && p.misclassified ? " ✗" : ""}`,
      });
    }
  }
  return await imageGridFigure(cells, { title, columns: 4, cellSize });
}

/**
 * Summary, figures and notes of the `case-study` experiment from its one cell.
 *
 * @example
 * ```ts ignore
 * const { summary } = await caseStudyAnalysis(cell, { show: 4, cellSize: 96 });
 * ```
 */
export async function caseStudyAnalysis(
  cell: CaseStudyCell,
  config: { show: number; cellSize: number },
): Promise<ExperimentResult<CaseStudySummary>> {
  const { threshold, distances, pairs } = cell;
  const hard = hardestPairs(pairs, distances, { count: config.show, threshold });
  const same = pairs.map((p) => p.same);
  const posD = distances.filter((_, i) => same[i]);
  const negD = distances.filter((_, i) => !same[i]);
  const b = brief(cell.training);
  const r4 = (x: number) => Number(x.toFixed(4));
  const n = pairs.length;
  const held = {
    verificationAccuracy: cell.verificationAccuracy,
    heldOutChance: cell.chance,
    heldOutCi: wilsonInterval(Math.round(cell.verificationAccuracy * n), n),
    heldOutPairs: n,
    heldOutIdentities: cell.heldOutIdentities,
  };
  const summary: CaseStudySummary = {
    training: {
      steps: b.steps,
      finalLoss: b.finalLoss,
      accuracy: b.accuracy,
      dAp: b.dAp,
      dAn: b.dAn,
      collapsed: b.collapsed,
      mechanism: b.mechanism,
    },
    verificationAccuracy: cell.verificationAccuracy,
    heldOutChance: cell.chance,
    heldOutCi: held.heldOutCi,
    aboveChance: chanceStanding(held) === "above",
    heldOut: heldOutSentence(held),
    threshold: r4(threshold),
    pairs: { positive: posD.length, negative: negD.length },
    hardestPositiveDistances: hard.positives.map((p) => r4(p.distance)),
    hardestNegativeDistances: hard.negatives.map((p) => r4(p.distance)),
    hardestPositives: hard.positives.map((p) => `${p.a} ~ ${p.b}: ${p.distance.toFixed(4)}`),
    hardestNegatives: hard.negatives.map((p) => `${p.a} ~ ${p.b}: ${p.distance.toFixed(4)}`),
    misclassifiedShown: {
      positives: hard.positives.filter((p) => p.misclassified).length,
      negatives: hard.negatives.filter((p) => p.misclassified).length,
    },
    mechanism: b.collapsed ? b.diagnosis : "the model did not collapse",
  };
  const figures: Figure[] = [
    await pairGrid(
      cell.dataDir,
      hard.positives,
      `hardest positives (same identity, largest distance; ✗ = above threshold ${
        threshold.toFixed(3)
      })`,
      config.cellSize,
    ),
    await pairGrid(
      cell.dataDir,
      hard.negatives,
      `hardest negatives (different identities, smallest distance; ✗ = below threshold)`,
      config.cellSize,
    ),
    histogramFigure([{ name: "same identity", values: posD }, {
      name: "different identities",
      values: negD,
    }], { title: `pair distances (threshold ${threshold.toFixed(3)})`, xTitle: "distance" }),
  ];
  const notes = [
    `Trained on ${cell.trainIdentities} identities; ${summary.heldOut}, at threshold ${
      threshold.toFixed(3)
    }; the grids show the ${config.show} hardest pairs of each kind among those held-out pairs.`,
  ];
  return { summary, figures, notes };
}
