/**
 * The choices of every enumerated training option, in one table (for validation, usage text and
 * `--set` overrides).
 *
 * @example
 * ```ts
 * import { TRAIN_CHOICES } from "./train_choices.ts";
 * console.assert(TRAIN_CHOICES.miner.includes("semihard"));
 * ```
 * @module
 */
import {
  DISTANCE_NAMES,
  type DistanceName,
  LOSS_NAMES,
  type LossName,
  MINER_NAMES,
  type MinerName,
  REDUCER_NAMES,
  type ReducerName,
  TRIPLET_FORMS,
  type TripletForm,
} from "../losses/mod.ts";
import { type L2PoolingKind, MODEL_NAMES, type ModelName, type NormKind } from "../model/mod.ts";
import { OPTIMIZER_NAMES, type OptimizerName } from "./optimizer.ts";
import { SCHEDULE_KINDS, type ScheduleKind } from "./schedule.ts";
import type { TrainMode } from "./train_config.ts";

/** Every value of a string union, as an object's keys: the compiler rejects a missing or extra one. */
const all = <T extends string>(values: Record<T, true>): readonly T[] => Object.keys(values) as T[];

/** Normalisations of the model (lib/model's NormKind). */
export const NORM_KINDS: readonly NormKind[] = all<NormKind>({
  lrn: true,
  batch: true,
  none: true,
});
/** Training modes. */
export const TRAIN_MODES: readonly TrainMode[] = all<TrainMode>({
  online: true,
  "triplet-model": true,
});

/** The choice lists of the enumerated options of a TrainConfig (and of its modelOptions). */
export interface TrainChoices {
  readonly model: readonly ModelName[];
  readonly mode: readonly TrainMode[];
  readonly loss: readonly LossName[];
  readonly distance: readonly DistanceName[];
  readonly miner: readonly MinerName[];
  readonly reducer: readonly ReducerName[];
  readonly optimizer: readonly OptimizerName[];
  readonly schedule: readonly ScheduleKind[];
  readonly norm: readonly NormKind[];
  readonly tripletForm: readonly TripletForm[];
  readonly l2Pooling: readonly L2PoolingKind[];
}

/** The choice lists of the enumerated options of a TrainConfig (and of its modelOptions). */
export const TRAIN_CHOICES: TrainChoices = {
  model: MODEL_NAMES,
  mode: TRAIN_MODES,
  loss: LOSS_NAMES,
  distance: DISTANCE_NAMES,
  miner: MINER_NAMES,
  reducer: REDUCER_NAMES,
  optimizer: OPTIMIZER_NAMES,
  schedule: SCHEDULE_KINDS,
  norm: NORM_KINDS,
  tripletForm: TRIPLET_FORMS,
  l2Pooling: all<L2PoolingKind>({ l2: true, max: true }),
};
