/**
 * The parts of a training run, built once from a validated config and the defaults table: the
 * loader (PK loader over the dataset, given the trainer's p, k and augmentation explicitly), the
 * model, the distance, loss, reducer, optimiser, schedule, the run's generator and the gradient
 * strategy (with its miner).
 *
 * @example
 * ```ts
 * import { buildTrainParts } from "./train_parts.ts";
 * console.assert(typeof buildTrainParts === "function");
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { createRng, type Rng } from "../random/mod.ts";
import {
  createDistance,
  createLoss,
  createReducer,
  type Distance,
  type EmbeddingLoss,
  LOSSES,
  type Reducer,
} from "../losses/mod.ts";
import { createModel } from "../model/mod.ts";
import { createPkLoader, type Dataset, scanDataset } from "../data/mod.ts";
import { createOptimizer, type Optimizer } from "./optimizer.ts";
import { createSchedule } from "./schedule.ts";
import { TRAIN_DEFAULTS } from "./train_defaults.ts";
import type { BatchLoader, TrainConfig } from "./train_config.ts";
import { createGradientStrategy } from "./create_gradient_strategy.ts";
import type { GradientStrategy } from "./gradient_strategy.ts";

/** Everything a run composes. The caller releases them with {@link releaseTrainParts}. */
export interface TrainParts {
  loader: BatchLoader;
  dataset?: Dataset;
  model: tf.LayersModel;
  /** True when the model was built here (the caller of trainEmbedding disposes it). */
  ownsModel: boolean;
  distance: Distance;
  loss: EmbeddingLoss;
  reducer: Reducer;
  optimizer: Optimizer;
  lrAt: (step: number) => number;
  rng: Rng;
  /** Model weights then the loss's own variables. */
  variables: tf.Variable[];
  lossVariables: tf.Variable[];
  strategy: GradientStrategy;
  margin: number;
  epochSteps: number;
}

/** The loader of a config: its factory, or a PK loader over `data` with the trainer's defaults. */
export async function openTrainLoader(
  config: TrainConfig,
): Promise<{ loader: BatchLoader; dataset?: Dataset }> {
  const seed = config.seed ?? TRAIN_DEFAULTS.seed;
  if (config.loader) return { loader: config.loader(seed) };
  if (config.data === undefined) {
    throw new Error("trainEmbedding: give 'data' (a folder or Dataset) or 'loader'");
  }
  const dataset = typeof config.data === "string"
    ? await scanDataset(config.data, { minPerIdentity: 2 })
    : config.data;
  if (dataset.identities.length < 2) {
    throw new Error(
      `trainEmbedding: dataset ${dataset.root} needs ≥ 2 identities with ≥ 2 images, has ${dataset.identities.length}`,
    );
  }
  const loader = createPkLoader(dataset, {
    p: config.p ?? TRAIN_DEFAULTS.p,
    k: config.k ?? TRAIN_DEFAULTS.k,
    size: config.size ?? TRAIN_DEFAULTS.size,
    seed: seed + 1,
    augment: config.augment ?? TRAIN_DEFAULTS.augment,
  });
  return { loader, dataset };
}

/** Builds the parts of a run (call after validateTrainConfig). */
export async function buildTrainParts(config: TrainConfig): Promise<TrainParts> {
  const d = TRAIN_DEFAULTS;
  const seed = config.seed ?? d.seed;
  const p = config.p ?? d.p, k = config.k ?? d.k;
  const margin = config.margin ?? d.margin;
  const { loader, dataset } = await openTrainLoader(config);
  let model: tf.LayersModel | undefined;
  try {
    const epochSteps = config.epochSteps ??
      (dataset
        ? Math.max(1, Math.ceil(dataset.items.length / (p * k)))
        : d.epochStepsWithoutDataset);
    const ownsModel = typeof config.model !== "object";
    model = typeof config.model === "object" ? config.model : createModel(config.model ?? d.model, {
      inputSize: config.size ?? d.size,
      widthMultiplier: config.width ?? d.width,
      seed,
      ...config.modelOptions,
    });
    const distance = typeof config.distance === "object"
      ? config.distance
      : createDistance(config.distance ?? d.distance);
    const lossName = config.loss ?? d.loss;
    const { ownMargin, needsClasses } = LOSSES[lossName];
    const loss = createLoss(lossName, {
      // the triplet default margin (0.2) is not ArcFace's: pass a margin only where it is the default's
      ...(ownMargin && config.margin === undefined ? {} : { margin }),
      distance,
      ...(needsClasses
        ? {
          numClasses: dataset?.identities.length,
          embeddingDim: model.outputs[0].shape[1] as number,
          seed,
        }
        : {}),
      ...config.lossOptions,
    });
    const reducer = createReducer(config.reducer ?? d.reducer);
    const optimizer = createOptimizer(config.optimizer ?? d.optimizer, config.optimizerOptions);
    const lrAt = createSchedule({ ...config.schedule, lr: config.lr ?? d.lr, steps: config.steps });
    const lossVariables = loss.trainableWeights ?? [];
    const variables = [
      ...model.trainableWeights.map((w) => w.read() as tf.Variable),
      ...lossVariables,
    ];
    const rng = createRng(seed + 2);
    const strategy = createGradientStrategy({
      model,
      variables,
      loss,
      reducer,
      distillWeight: config.distillWeight ?? 0,
    }, {
      mode: config.mode ?? d.mode,
      distance,
      margin,
      miner: config.miner ?? d.miner,
      minerOptions: config.minerOptions,
      microBatch: config.microBatch ?? d.microBatch,
      maxMicroBatches: config.maxMicroBatches,
      tripletsPerStep: config.trunk?.tripletsPerStep ?? p * k,
      rng,
    });
    return {
      loader,
      dataset,
      model,
      ownsModel,
      distance,
      loss,
      reducer,
      optimizer,
      lrAt,
      rng,
      variables,
      lossVariables,
      strategy,
      margin,
      epochSteps,
    };
  } catch (e) {
    if (typeof config.model !== "object") model?.dispose();
    await loader.close?.();
    throw e;
  }
}

/** Releases what the parts own: the optimiser's slots, the loss's variables, the loader. */
export async function releaseTrainParts(parts: TrainParts): Promise<void> {
  parts.optimizer.dispose();
  parts.loss.dispose?.();
  await parts.loader.close?.();
}
