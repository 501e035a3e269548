/**
 * What `trainEmbedding` is configured with: `TrainConfig` (JSON-serialisable apart from the `model`,
 * `data` and `loader` objects), and the loader interface it reads batches from.
 *
 * @example
 * ```ts
 * import type { TrainConfig } from "./train_config.ts";
 * const config: TrainConfig = { steps: 10, loss: "triplet", lossOptions: { form: "softplus" } };
 * console.assert(config.steps === 10);
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type {
  Distance,
  DistanceName,
  LossName,
  LossOptionsOf,
  MinerName,
  ReducerName,
} from "../losses/mod.ts";
import type { ModelName, ModelOptions } from "../model/mod.ts";
import type { Dataset } from "../data/mod.ts";
import type { OptimizerName, OptimizerOptions } from "./optimizer.ts";
import type { ScheduleOptions } from "./schedule.ts";

/** One batch of a loader. The trainer disposes `images`. */
export interface TrainBatch {
  images: tf.Tensor4D;
  labels: Int32Array | ArrayLike<number>;
  paths?: string[];
  /**
   * A teacher's embeddings of the batch's images, [N, D] (e.g. of the clean photos before a
   * degradation): the targets of the `distillWeight` term. Disposed with the batch.
   */
  targets?: tf.Tensor2D;
}

/** A source of batches (lib/data's PK loader fits), optionally with resumable state. */
export interface BatchLoader {
  /** The next batch, or undefined when the loader is exhausted. */
  next(): Promise<TrainBatch | undefined>;
  /** Position to store in a checkpoint. */
  state?(): unknown;
  /** Continue from a stored position. */
  restore?(state: never): void;
  /** Stop background work. */
  close?(): Promise<void>;
}

/** "online" (embedding + miner + loss) or "triplet-model" (the monograph's three-input model). */
export type TrainMode = "online" | "triplet-model";

/** The fields of {@link TrainConfig} other than the loss and its options. Defaults: TRAIN_DEFAULTS. */
export interface TrainConfigBase {
  /** Dataset root or a scanned Dataset (a PK loader is built over it). */
  data?: string | Dataset;
  /** Ready-made loader factory (overrides `data`), called once with the resolved seed. */
  loader?: (seed: number) => BatchLoader;
  /** Model name (built with `modelOptions`, `size`, `width`, `seed`) or a model. Default "nn4-small2". */
  model?: ModelName | tf.LayersModel;
  modelOptions?: ModelOptions;
  /** Input size. Default 96. */
  size?: number;
  /** Width multiplier of the model. Default 1. */
  width?: number;
  /** Default "online". */
  mode?: TrainMode;
  /** A distance name, or a Distance (e.g. one that counts its calls). Default "squaredEuclidean" (FaceNet's). */
  distance?: DistanceName | Distance;
  /** Default "semihard". */
  miner?: MinerName;
  /** Extra miner options (semihard's fallback and select, batch-all's maxTriplets, …). */
  minerOptions?: Record<string, unknown>;
  /** Margin of the loss and the miners. Default 0.2 (ArcFace/CosFace: their own unless given). */
  margin?: number;
  /** Default "mean". */
  reducer?: ReducerName;
  /** Default "adagrad". */
  optimizer?: OptimizerName;
  optimizerOptions?: OptimizerOptions;
  /** Base learning rate. Default 0.05 (FaceNet's AdaGrad). */
  lr?: number;
  /** Schedule kind and its options (lr and steps come from this config). Default constant. */
  schedule?: Omit<ScheduleOptions, "lr" | "steps">;
  /** L2 weight decay on kernels. Default 0. */
  weightDecay?: number;
  /**
   * Weight λ of an embedding-distillation term added to the reduced loss: λ · mean over the batch of
   * ‖e − t‖² (lib/losses `distillationLoss`) against each batch's `targets`, which the loader must
   * give. Whole-batch online training only. Default 0 (none).
   */
  distillWeight?: number;
  /** Clip gradients by global norm; 0 disables. Default 0. */
  clipNorm?: number;
  /** Total steps. Required. */
  steps: number;
  /** Identities per batch. Default 10. */
  p?: number;
  /** Images per identity. Default 4. */
  k?: number;
  /** Loader augmentation. Default false. */
  augment?: boolean;
  /** Seed of everything (model init, loader, miner). Default 0. */
  seed?: number;
  /** Max distinct images per gradient micro-batch (accumulated); 0 = whole batch. Default 0. */
  microBatch?: number;
  /** Images per no-gradient embedding chunk when mining. Default: whole batch (or 90 with microBatch). */
  embedChunk?: number;
  /** Train on at most this many micro-batches of each step's mined triplets (benchmarks, time boxes). */
  maxMicroBatches?: number;
  /** Run the mining forward pass in training mode (batch norm). Default true (as facenet). */
  miningTraining?: boolean;
  /** "triplet-model" mode: random triplets per step (default p·k); steps per trunk (only 1). */
  trunk?: { tripletsPerStep?: number; stepsPerTrunk?: number };
  /** Checkpoint every N steps (and always at the end when `outDir` is set). 0: only at the end. */
  checkpointEvery?: number;
  /** Checkpoints kept. Default 2. */
  keepCheckpoints?: number;
  /** Collect collapse forensics every N steps (and when collapse is confirmed, and at the end). Default 50. */
  forensicsEvery?: number;
  /** Images of the batch used for forensics. Default 64. */
  forensicsImages?: number;
  /** Steps per epoch (for epoch metrics). Default: dataset images / (p·k), else 100. */
  epochSteps?: number;
  /** Consecutive collapsed steps that confirm a collapse. Default 3. */
  collapsePatience?: number;
  /** Stop when a collapse is confirmed. Default false. */
  stopOnCollapse?: boolean;
}

/**
 * Training configuration: {@link TrainConfigBase} and a loss with its own options, typed by the
 * loss (`LossOptionsByName[L]`): `trainEmbedding({ loss: "triplet", lossOptions: { scale: 1 } })`
 * does not compile. Without a literal loss name `L` is every loss and `lossOptions` may hold any
 * loss's options (configs spread from `Partial<TrainConfig>` stay assignable); validateTrainConfig
 * checks the keys against the loss at run time. Default loss "triplet".
 */
export interface TrainConfig<L extends LossName = LossName> extends TrainConfigBase {
  /** Default "triplet". */
  loss?: L;
  /** Options of that loss (margin and distance are top-level keys). */
  lossOptions?: LossOptionsOf<L>;
}
