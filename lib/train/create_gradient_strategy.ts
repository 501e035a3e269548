/**
 * The gradient strategy a config asks for, with the miner built once.
 *
 * @example
 * ```ts
 * import { createGradientStrategy } from "./create_gradient_strategy.ts";
 * console.assert(typeof createGradientStrategy === "function");
 * ```
 * @module
 */
import { createMiner, type Distance, type Miner, type MinerName } from "../losses/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { GradientStrategy, StrategyParts, TupleSelector } from "./gradient_strategy.ts";
import { microBatchGradients } from "./micro_batch_gradients.ts";
import { tripletModelGradients } from "./triplet_model_gradients.ts";
import { wholeBatchGradients } from "./whole_batch_gradients.ts";
import type { TrainMode } from "./train_config.ts";

/** Options of {@link createGradientStrategy} (resolved config values). */
export interface GradientStrategyOptions {
  mode: TrainMode;
  distance: Distance;
  margin: number;
  miner: MinerName;
  minerOptions?: Record<string, unknown>;
  microBatch: number;
  maxMicroBatches?: number;
  /** Triplet model: random triplets per step. */
  tripletsPerStep: number;
  /** The run's generator (checkpointed): miner seeds and the triplet model's draws. */
  rng: Rng;
}

/**
 * A selector mining the step's shared distance matrix. Miners that draw random numbers get a seed
 * from the run's generator at every call, so a resumed run mines what the uninterrupted one did.
 */
export function minerSelector(miner: Miner): TupleSelector {
  return (b) =>
    miner.mineMatrix
      ? Promise.resolve(miner.mineMatrix(b.view.values, b.labels))
      : miner.mine(b.view.embeddings, b.labels);
}

/**
 * "triplet-model" mode: {@link tripletModelGradients}; otherwise a miner built once and
 * {@link microBatchGradients} when `microBatch` > 0, else {@link wholeBatchGradients}.
 */
export function createGradientStrategy(
  parts: StrategyParts,
  options: GradientStrategyOptions,
): GradientStrategy {
  if (options.mode === "triplet-model") {
    return tripletModelGradients(parts, {
      distance: options.distance,
      tripletsPerStep: options.tripletsPerStep,
      rng: options.rng,
    });
  }
  const { seed, ...rest } = options.minerOptions ?? {};
  const miner = createMiner(options.miner, {
    margin: options.margin,
    distance: options.distance,
    seed: typeof seed === "number" ? () => seed : () => options.rng.int(2 ** 31),
    ...rest,
  });
  const select = minerSelector(miner);
  return options.microBatch > 0
    ? microBatchGradients(parts, {
      select,
      microBatch: options.microBatch,
      maxMicroBatches: options.maxMicroBatches,
    })
    : wholeBatchGradients(parts, { select });
}
