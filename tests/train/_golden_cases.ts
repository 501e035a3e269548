/**
 * Internal: short deterministic training runs whose numbers were recorded from the trainer before
 * the redesign (tests/train/_golden/pre_redesign.json, written by _record_golden.ts) and that the
 * refactored trainer must reproduce (train_numerics_test.ts).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createModel } from "../../lib/model/mod.ts";
import { type BatchLoader, type TrainConfig, trainEmbedding } from "../../lib/train/mod.ts";
import { tinySynth } from "./_fixtures.ts";

/** An in-memory loader of seeded random batches: 12 images, labels 0..3 three times. */
export function randomLoader(seed: number, n = 12): BatchLoader {
  let i = 0;
  return {
    next() {
      const images = tf.randomNormal([n, 32, 32, 3], 0, 1, "float32", seed + i++) as tf.Tensor4D;
      return Promise.resolve({ images, labels: Int32Array.from({ length: n }, (_, j) => j % 4) });
    },
    state: () => i,
    restore: (s: never) => void (i = s as number),
  };
}

const base = { size: 32, p: 4, k: 3, seed: 11, lr: 0.05, forensicsEvery: 0 };

/** The recorded cases: a name and a config (data: "synth" means the tiny synthetic set). */
export const GOLDEN_CASES: Record<string, Omit<TrainConfig, "data"> & { data?: "synth" }> = {
  onlineSemihard: { ...base, steps: 3, forensicsEvery: 2 },
  onlineBatchAllMeanNonZeroSgd: {
    ...base,
    steps: 3,
    miner: "batchAll",
    reducer: "meanNonZero",
    optimizer: "sgd",
    lr: 0.1,
    weightDecay: 1e-3,
    clipNorm: 0.5,
    distance: "euclideanEps",
    schedule: { kind: "cosine", warmupSteps: 1 },
  },
  onlineRandomSquaredHinge: {
    ...base,
    steps: 3,
    miner: "random",
    lossOptions: { form: "squaredHinge" },
    margin: 0.5,
  },
  onlineContrastiveHardestSum: {
    ...base,
    steps: 3,
    loss: "contrastive",
    miner: "hardest",
    reducer: "sum",
    optimizer: "sgd",
    lr: 0.01,
  },
  microSemihardMeanNonZero: {
    ...base,
    steps: 3,
    microBatch: 5,
    embedChunk: 4,
    reducer: "meanNonZero",
  },
  microAllMeanCapped: {
    ...base,
    steps: 3,
    microBatch: 5,
    maxMicroBatches: 2,
    miner: "all",
    optimizer: "sgd",
    lr: 0.2,
  },
  tripletModelSynth: {
    ...base,
    data: "synth",
    mode: "triplet-model",
    trunk: { tripletsPerStep: 16 },
    steps: 4,
    optimizer: "adam",
    lr: 0.003,
  },
  onlineSynthEpochs: { ...base, data: "synth", steps: 4, forensicsEvery: 3 },
  arcfaceSynth: { ...base, data: "synth", steps: 2, loss: "arcface", miner: "hardest" },
};

const num = (v: number) => (Number.isFinite(v) ? v : String(v));

/** Runs one case and returns its numbers (per step, per epoch, forensics, final weights). */
export async function runGoldenCase(name: string): Promise<Record<string, unknown>> {
  const { data, ...config } = GOLDEN_CASES[name];
  const model = createModel("tiny", { inputSize: 32, seed: config.seed });
  const r = await trainEmbedding(
    {
      ...config,
      model,
      ...(data === "synth" ? { data: await tinySynth() } : { loader: (s) => randomLoader(s) }),
    } as TrainConfig,
    { progress: false },
  );
  let weightSum = 0, weightAbs = 0;
  for (const w of r.model.weights) {
    for (const v of (await w.read().data()) as Float32Array) {
      weightSum += v;
      weightAbs += Math.abs(v);
    }
  }
  model.dispose();
  return {
    steps: r.history.map((h) => ({
      step: h.step,
      loss: num(h.loss),
      accuracy: num(h.accuracy),
      minedAccuracy: num(h.minedAccuracy),
      activeFraction: num(h.activeFraction),
      triplets: h.triplets,
      gradNorm: num(h.gradNorm),
      lr: h.lr,
      dApMean: num(h.dAp.mean),
      dAnMean: num(h.dAn.mean),
      meanPairwise: num(h.spread.meanPairwise),
      dimStd: num(h.spread.dimStd),
      collapsed: h.collapsed,
      microBatches: h.microBatches,
      microBatchesMined: h.microBatchesMined,
    })),
    epochs: r.epochs.map((e) => ({ step: e.step, loss: num(e.loss), accuracy: num(e.accuracy) })),
    forensics: r.forensics.map((f) => ({
      step: f.step,
      outputSpread: num(f.outputSpread),
      rms0: num(f.layers[0]?.activationRms ?? NaN),
      gradNorms: Object.values(f.gradNorms ?? {}).slice(0, 3).map(num),
    })),
    weightSum,
    weightAbs,
  };
}
