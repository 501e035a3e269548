/**
 * `distance-eps`: √ vs √max(·,ε) vs √(·+ε) vs squared Euclidean distance near collapse.
 *
 * Part 1 measures each distance's value and gradient norm between two points at separations from 1
 * down to exactly 0. Part 2 trains free embeddings (L2-normalised, triplet loss over all valid
 * triplets) from a collapsed or nearly collapsed start and records where NaN appears and whether
 * training escapes. Uses lib/losses' distances, so it measures the toolkit's own implementations.
 * One cell (a few seconds).
 * @module
 */
import { createDistance, type DistanceName } from "../lib/losses/mod.ts";
import { createRng } from "../lib/random/mod.ts";
import { defineExperiment } from "../lib/experiment/mod.ts";
import {
  type DescentRun,
  distanceEpsAnalysis,
  type DistanceEpsCell,
  freeEmbeddingDescent,
  probeDistance,
  type ProbeRow,
  randomUnit,
} from "../lib/experiment/analysis/mod.ts";

const DISTANCES: DistanceName[] = [
  "euclidean",
  "euclideanEps",
  "euclideanPlusEps",
  "squaredEuclidean",
];

type Config = {
  seed: number;
  /** Embedding dimension. */
  dims: number;
  /** ε of euclideanEps and euclideanPlusEps. */
  eps: number;
  /** Part 1: point separations (0 included). */
  separations: number[];
  /** Part 2: points and identities of the free-embedding problem. */
  points: number;
  identities: number;
  /** Part 2: initial spread around one common point (0 = exactly collapsed). */
  initSpreads: number[];
  steps: number;
  learningRate: number;
  margin: number;
};

const base: Config = {
  seed: 1,
  dims: 64,
  eps: 1e-7,
  separations: [1, 1e-1, 1e-2, 1e-3, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 1e-7, 1e-8, 0],
  points: 24,
  identities: 4,
  initSpreads: [0, 1e-6, 1e-5, 1e-4, 1e-2],
  steps: 300,
  learningRate: 0.05,
  margin: 0.2,
};

export const distanceEps = defineExperiment({
  name: "distance-eps",
  describe:
    "√ vs √max(·,ε) vs √(·+ε) vs squared distance: where NaN appears, gradient norms near collapse",
  base,
  presets: {
    ci: {
      dims: 16,
      separations: [1, 1e-1, 1e-2, 1e-3, 1e-4, 3e-5, 1e-5, 1e-6, 1e-8, 0],
      points: 12,
      identities: 3,
      initSpreads: [0, 1e-5, 1e-2],
      steps: 40,
    },
    small: {},
    paper: {
      dims: 128,
      points: 60,
      identities: 6,
      initSpreads: [0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2],
      steps: 1000,
    },
  },
  async cell(config, ctx): Promise<DistanceEpsCell> {
    const rng = createRng(config.seed);
    const a = randomUnit(rng, config.dims), u = randomUnit(rng, config.dims);
    const distances = DISTANCES.map((name) => createDistance(name, { eps: config.eps }));
    // Part 1: value and gradient against separation.
    const probes: ProbeRow[] = [];
    for (const distance of distances) {
      for (const separation of config.separations) {
        const row = {
          distance: distance.name,
          separation,
          ...(await probeDistance(distance, a, u, separation)),
        };
        probes.push(row);
        await ctx.log({ part: "probe", ...row });
      }
    }
    // Part 2: free embeddings trained from a (nearly) collapsed start.
    const labels = Array.from({ length: config.points }, (_, i) => i % config.identities);
    const center = randomUnit(rng, config.dims);
    const bar = ctx.progress(
      distances.length * config.initSpreads.length * config.steps,
      "distance-eps",
      "step",
    );
    const descents: DescentRun[] = [];
    for (const distance of distances) {
      for (const initSpread of config.initSpreads) {
        const history = await freeEmbeddingDescent(distance, {
          labels,
          center,
          initSpread,
          noiseSeed: config.seed + 1,
          steps: config.steps,
          learningRate: config.learningRate,
          margin: config.margin,
          signal: ctx.signal,
          onStep: async (rec) => {
            await ctx.log({ part: "train", distance: distance.name, initSpread, ...rec });
            bar.tick(1, { loss: rec.loss });
          },
        });
        descents.push({ distance: distance.name, initSpread, history });
      }
    }
    bar.done();
    return { distances: DISTANCES, probes, descents };
  },
  analyse: (cells, config) => distanceEpsAnalysis(cells[0].result, config),
});
