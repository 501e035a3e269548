/**
 * The one table of training defaults, read by the trainer and given to the PK loader explicitly
 * (lib/data may import it for its own defaults).
 *
 * @example
 * ```ts
 * import { TRAIN_DEFAULTS } from "./train_defaults.ts";
 * console.assert(TRAIN_DEFAULTS.p === 10 && TRAIN_DEFAULTS.augment === false);
 * ```
 * @module
 */
import type { DistanceName, LossName, MinerName, ReducerName } from "../losses/mod.ts";
import type { ModelName } from "../model/mod.ts";
import type { OptimizerName } from "./optimizer.ts";

/** The defaults of every optional {@link TrainConfig} field that has one. */
export interface TrainDefaults {
  /** Model variant. */
  model: ModelName;
  /** Input side in pixels. */
  size: number;
  /** Width multiplier of the model. */
  width: number;
  /** "online" (miner + loss) or "triplet-model" (the monograph's three-input model). */
  mode: "online" | "triplet-model";
  loss: LossName;
  /** FaceNet's ‖f(a) − f(b)‖². */
  distance: DistanceName;
  miner: MinerName;
  /** Margin α of the triplet loss and of the miners (FaceNet's). */
  margin: number;
  reducer: ReducerName;
  optimizer: OptimizerName;
  /** Base learning rate (FaceNet's AdaGrad). */
  lr: number;
  /** L2 weight decay on kernels. */
  weightDecay: number;
  /** Clip by global norm; 0 disables. */
  clipNorm: number;
  /** Identities per batch. */
  p: number;
  /** Images per identity. */
  k: number;
  /** Loader augmentation. */
  augment: boolean;
  /** Seed of model init (seed), loader (seed + 1) and miner/triplet draws (seed + 2). */
  seed: number;
  /** Images per gradient micro-batch; 0 is the whole batch. */
  microBatch: number;
  /** Images per no-gradient embedding chunk when micro-batching (without it: the whole batch). */
  microBatchEmbedChunk: number;
  /** Mining forward pass in training mode (batch norm, as davidsandberg/facenet). */
  miningTraining: boolean;
  /** Checkpoint every N steps; 0: only at the end. */
  checkpointEvery: number;
  /** Checkpoints kept. */
  keepCheckpoints: number;
  /** Forensics every N steps (and at step 1, at a confirmed collapse and at the end); 0: never. */
  forensicsEvery: number;
  /** Images of the batch probed by forensics. */
  forensicsImages: number;
  /** Steps per epoch when the data are a loader without a dataset. */
  epochStepsWithoutDataset: number;
  /** Consecutive collapsed steps that confirm a collapse. */
  collapsePatience: number;
  /** Stop when a collapse is confirmed. */
  stopOnCollapse: boolean;
}

/**
 * Training defaults. Before this table the PK loader defaulted to p = 8 and augmentation on while
 * the trainer used p = 10 and augmentation off; the trainer's values are kept (runs reproduce) and
 * the trainer now passes them to the loader explicitly.
 */
export const TRAIN_DEFAULTS: Readonly<TrainDefaults> = Object.freeze({
  model: "nn4-small2",
  size: 96,
  width: 1,
  mode: "online",
  loss: "triplet",
  distance: "squaredEuclidean",
  miner: "semihard",
  margin: 0.2,
  reducer: "mean",
  optimizer: "adagrad",
  lr: 0.05,
  weightDecay: 0,
  clipNorm: 0,
  p: 10,
  k: 4,
  augment: false,
  seed: 0,
  microBatch: 0,
  microBatchEmbedChunk: 90,
  miningTraining: true,
  checkpointEvery: 0,
  keepCheckpoints: 2,
  forensicsEvery: 50,
  forensicsImages: 64,
  epochStepsWithoutDataset: 100,
  collapsePatience: 3,
  stopOnCollapse: false,
});
