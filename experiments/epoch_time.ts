/**
 * `epoch-time`: time per epoch and images per second for the monograph's two settings
 * (100 persons / 33,600 photos, trunk 1000, batch 100; 4,775 persons / 1,747,650 photos, trunk 8000,
 * batch 80), measured on this backend at small scale and projected to the full epoch, beside the
 * monograph's 11,273 s and 7.37 h.
 *
 * Measured: a few training steps of the model (NN2) in the monograph's way — its three-input
 * triplet model fed random triplets drawn from a trunk of images (lib/train's "triplet-model" mode)
 * — and FaceNet's way — PK batches with online semi-hard mining. Each step's time is split into the
 * forward+backward+update part and the rest (waiting for the batch, embedding it without gradient,
 * mining). Warm-up steps are not counted. The projection's assumptions are stated in the summary
 * (lib/experiment/analysis' projectSettings). A timing of this machine: its cell is never read back
 * from the cache.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createModel, MODEL_NAMES, type ModelName } from "../lib/model/mod.ts";
import { MINER_NAMES, type MinerName } from "../lib/losses/mod.ts";
import { type StepMetrics, trainEmbedding } from "../lib/train/mod.ts";
import { type CellContext, defineExperiment, experimentData } from "../lib/experiment/mod.ts";
import {
  type EpochSettings,
  epochTimeAnalysis,
  type EpochTimeCell,
} from "../lib/experiment/analysis/mod.ts";

type Config = EpochSettings & {
  seed: number;
  model: ModelName;
  /** Input size the steps are measured at (projection scales to `targetSize`). */
  size: number;
  targetSize: number;
  identities: number;
  perIdentity: number;
  dataSize: number;
  /** Steps not counted (first-call compilation, allocation). */
  warmupSteps: number;
  /** Steps measured per way. */
  steps: number;
  /** Monograph way: random triplets per measured step. */
  tripletsPerStep: number;
  /** Batch the triplets are drawn from, and the PK batch of the online way: P identities × K. */
  p: number;
  k: number;
  miner: MinerName;
};

/** The monograph's settings (its reported 11,273.36 s per epoch, 33 trunks; 7.37 h, 1,206 s a trunk). */
const MONOGRAPH: EpochSettings = {
  settingNames: ["100 persons / 33,600 photos", "4,775 persons / 1,747,650 photos"],
  persons: [100, 4775],
  photos: [33600, 1747650],
  trunks: [1000, 8000],
  batches: [100, 80],
  monographEpochSeconds: [11273.359802007675, 7.37 * 3600],
  monographTrunkSeconds: [11273.359802007675 / 33, 1206],
};

const base: Config = {
  seed: 1,
  model: "nn2",
  size: 224,
  targetSize: 224,
  identities: 16,
  perIdentity: 6,
  dataSize: 32,
  warmupSteps: 1,
  steps: 3,
  tripletsPerStep: 4,
  p: 4,
  k: 3,
  miner: "semihard",
  ...MONOGRAPH,
};

async function measure(
  ctx: CellContext,
  model: tf.LayersModel,
  config: Config,
  mode: "triplet-model" | "online",
  dataset: Parameters<typeof trainEmbedding>[0]["data"],
): Promise<StepMetrics[]> {
  const steps = config.warmupSteps + config.steps;
  const bar = ctx.progress(steps, mode === "online" ? "PK + semi-hard" : "trunk triplets", "step");
  const r = await trainEmbedding({
    data: dataset,
    model,
    size: config.size,
    mode,
    miner: config.miner,
    trunk: { tripletsPerStep: config.tripletsPerStep },
    steps,
    p: config.p,
    k: config.k,
    seed: config.seed,
    forensicsEvery: 0,
  }, { progress: bar, signal: ctx.signal });
  bar.done();
  for (const h of r.history) {
    await ctx.log({
      way: mode,
      step: h.step,
      stepMs: h.stepMs,
      gradMs: h.gradMs,
      mineMs: h.mineMs,
      loss: h.loss,
    });
  }
  return r.history;
}

const times = (h: StepMetrics[]) => h.map((m) => ({ stepMs: m.stepMs, gradMs: m.gradMs }));

export const epochTime = defineExperiment({
  name: "epoch-time",
  describe:
    "time per epoch and images/s for the monograph's two settings, measured here and projected, vs 11,273 s and 7.37 h",
  base,
  presets: {
    ci: { warmupSteps: 0, steps: 1, tripletsPerStep: 1, p: 2, k: 2 },
    small: {},
    paper: {
      identities: 100,
      perIdentity: 20,
      dataSize: 64,
      warmupSteps: 2,
      steps: 10,
      tripletsPerStep: 100,
      p: 25,
      k: 4,
    },
  },
  choices: { model: MODEL_NAMES, miner: MINER_NAMES },
  cache: false,
  async cell(config, ctx): Promise<EpochTimeCell> {
    const data = await experimentData(ctx, {
      identities: config.identities,
      perIdentity: config.perIdentity,
      size: config.dataSize,
      difficulty: 1,
      seed: config.seed,
    });
    const model = createModel(config.model, { inputSize: config.size, seed: config.seed });
    try {
      const trunk = await measure(ctx, model, config, "triplet-model", data.dataset);
      const pk = await measure(ctx, model, config, "online", data.dataset);
      return { backend: tf.getBackend(), trunkSteps: times(trunk), pkSteps: times(pk) };
    } finally {
      model.dispose();
    }
  },
  analyse: (cells, config) => epochTimeAnalysis(cells[0].result, config),
});
