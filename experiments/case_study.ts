/**
 * `case-study`: trains a model (as the monograph's case study, on identities it can show), evaluates
 * verification on the set's pairs, and shows the hardest positive pairs (same identity, largest
 * distance) and the hardest negative pairs (different identities, smallest distance) as image grids
 * captioned with their distances, beside the distance histograms and the accuracy threshold.
 * @module
 */
import { decodeImage, itemPath } from "../lib/data/mod.ts";
import { evaluatePairs, modelEmbedder } from "../lib/eval/mod.ts";
import type { MinerName } from "../lib/losses/mod.ts";
import { type Figure, type GridCell, histogramFigure, imageGridFigure } from "../lib/plot/mod.ts";
import { defineExperiment } from "./define_experiment.ts";
import {
  brief,
  experimentData,
  type TrainingExperimentConfig,
  trainVariant,
  variantTrainConfig,
} from "./_train_variant.ts";

type Config = TrainingExperimentConfig & {
  miner: string;
  margin: number;
  /** Hardest pairs shown of each kind. */
  show: number;
  /** Pixel size of each grid cell. */
  cellSize: number;
};

/** One pair of the case study. */
export interface CasePair {
  a: string;
  b: string;
  distance: number;
  /** Whether the accuracy threshold gets it wrong. */
  misclassified: boolean;
}

/**
 * The `count` hardest pairs of each kind: positives by decreasing distance, negatives by
 * increasing distance (`distance < threshold` predicts "same").
 *
 * @example
 * ```ts
 * import { hardestPairs } from "./case_study.ts";
 * const pairs = [{ a: "x", b: "y", same: true }, { a: "x", b: "z", same: false }, { a: "y", b: "z", same: true }];
 * const h = hardestPairs(pairs, [0.2, 0.5, 0.9], { count: 1, threshold: 0.6 });
 * console.assert(h.positives[0].b === "z" && h.positives[0].misclassified && !h.negatives[0].misclassified);
 * ```
 */
export function hardestPairs(
  pairs: readonly { a: string; b: string; same: boolean }[],
  distances: ArrayLike<number>,
  options: { count: number; threshold: number },
): { positives: CasePair[]; negatives: CasePair[] } {
  if (distances.length !== pairs.length) {
    throw new Error(
      `hardestPairs: ${distances.length} distances for ${pairs.length} pairs (one each expected)`,
    );
  }
  const rows = pairs.map((p, i) => ({ ...p, distance: distances[i] }));
  const pick = (same: boolean, sign: number) =>
    rows.filter((r) => r.same === same)
      .sort((x, y) => sign * (x.distance - y.distance))
      .slice(0, options.count)
      .map((r) => ({
        a: r.a,
        b: r.b,
        distance: r.distance,
        misclassified: same ? r.distance >= options.threshold : r.distance < options.threshold,
      }));
  return { positives: pick(true, -1), negatives: pick(false, 1) };
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

export const caseStudy = defineExperiment<Config>({
  name: "case-study",
  describe:
    "for a trained model, the hardest positive and negative pairs as image grids with their distances",
  presets: {
    ci: {
      seed: 1,
      model: "tiny",
      size: 32,
      identities: 16,
      perIdentity: 6,
      difficulty: 1,
      miner: "semihard",
      distance: "squaredEuclidean",
      margin: 0.2,
      steps: 15,
      p: 6,
      k: 4,
      lr: 0.05,
      optimizer: "adagrad",
      show: 4,
      cellSize: 96,
    },
    small: {
      seed: 1,
      model: "tiny",
      size: 32,
      identities: 40,
      perIdentity: 10,
      difficulty: 1,
      miner: "semihard",
      distance: "squaredEuclidean",
      margin: 0.2,
      steps: 300,
      p: 8,
      k: 4,
      lr: 0.05,
      optimizer: "adagrad",
      show: 8,
      cellSize: 128,
    },
    paper: {
      seed: 1,
      model: "nn2",
      size: 224,
      identities: 500,
      perIdentity: 40,
      difficulty: 1,
      miner: "semihard",
      distance: "squaredEuclidean",
      margin: 0.2,
      steps: 20000,
      p: 25,
      k: 4,
      lr: 0.05,
      optimizer: "adagrad",
      show: 8,
      cellSize: 160,
    },
  },
  async run(config, ctx) {
    if (!(Number.isInteger(config.show) && config.show >= 1)) {
      throw new Error(`case-study: 'show' must be a positive integer, got ${config.show}`);
    }
    const data = await experimentData(ctx, config);
    // Train without trainVariant's own evaluation (pairs: []): the case study evaluates once, below,
    // keeping every pair's distance.
    const trained = await trainVariant(
      ctx,
      "case-study model",
      variantTrainConfig(config, { miner: config.miner as MinerName, margin: config.margin }),
      { ...data, pairs: [] },
      { keepModel: true },
    );
    const model = trained.result!.model;
    let ev;
    try {
      ev = await evaluatePairs(modelEmbedder(model), data.pairs, {
        root: data.dir,
        far: 1e-2,
        folds: 5,
        fileFolds: false,
      });
    } finally {
      model.dispose();
    }
    const threshold = ev.verification.threshold;
    const hard = hardestPairs(data.pairs, ev.distances, { count: config.show, threshold });
    const same = data.pairs.map((p) => p.same);
    const posD = Array.from(ev.distances).filter((_, i) => same[i]);
    const negD = Array.from(ev.distances).filter((_, i) => !same[i]);
    const b = brief(trained);
    const r4 = (x: number) => Number(x.toFixed(4));
    const summary = {
      training: {
        steps: b.steps,
        finalLoss: b.finalLoss,
        accuracy: b.accuracy,
        dAp: b.dAp,
        dAn: b.dAn,
        collapsed: b.collapsed,
        mechanism: b.mechanism,
      },
      verificationAccuracy: ev.verification.accuracy,
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
        data.dir,
        hard.positives,
        `hardest positives (same identity, largest distance; ✗ = above threshold ${
          threshold.toFixed(3)
        })`,
        config.cellSize,
      ),
      await pairGrid(
        data.dir,
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
      `Verification accuracy ${ev.verification.accuracy.toFixed(3)} at threshold ${
        threshold.toFixed(3)
      }; the grids show the ${config.show} hardest pairs of each kind.`,
    ];
    return { summary, figures, notes };
  },
});
