/**
 * Resume and checkpoint wiring of a training run: what goes into a checkpoint besides the weights
 * and the optimiser (the run's generator, the loader's position, the collapse detector, the epoch
 * sums), and how a run continues from the latest one exactly.
 *
 * @example
 * ```ts
 * import { createTrainCheckpoints } from "./train_checkpoints.ts";
 * console.assert(typeof createTrainCheckpoints === "function");
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Rng } from "../random/mod.ts";
import { loadCheckpoint, restoreCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import type { CollapseDetector } from "./metrics_log.ts";
import type { EpochAccumulator, EpochSums } from "./epoch_metrics.ts";
import type { Optimizer } from "./optimizer.ts";
import type { BatchLoader } from "./train_config.ts";

/** The run state a checkpoint carries. */
export interface TrainState {
  model: tf.LayersModel;
  optimizer: Optimizer;
  /** Trained variables outside the model (a loss's class weights). */
  lossVariables: tf.Variable[];
  rng: Rng;
  loader: BatchLoader;
  detector: CollapseDetector;
  epochs: EpochAccumulator;
}

/** The checkpoints of one run. */
export interface TrainCheckpoints {
  /** Restores the latest checkpoint if there is one; returns its step (0 when none). */
  resume(): Promise<number>;
  /** Writes a checkpoint at `step` (no-op without a folder). */
  save(step: number): Promise<void>;
  /** The folder of the last checkpoint written or restored. */
  readonly last: string | undefined;
}

/** The JSON state stored beside the weights (key names kept from earlier checkpoints). */
interface Extra {
  rng: number;
  loader?: unknown;
  detector: Parameters<CollapseDetector["restore"]>[0];
  epochAcc: EpochSums;
}

/** Checkpoints in `dir` (undefined: nothing is written and resume is refused). */
export function createTrainCheckpoints(
  dir: string | undefined,
  state: TrainState,
  options: { keep: number },
): TrainCheckpoints {
  let last: string | undefined;
  return {
    get last() {
      return last;
    },
    async resume() {
      if (!dir) throw new Error("trainEmbedding: resume needs 'outDir'");
      const ck = await loadCheckpoint(dir);
      if (!ck) return 0;
      restoreCheckpoint(ck, {
        model: state.model,
        optimizer: state.optimizer,
        variables: state.lossVariables,
      });
      const extra = ck.extra as unknown as Extra;
      state.rng.state = extra.rng;
      if (extra.loader !== undefined) {
        if (typeof state.loader.restore !== "function") {
          throw new Error(
            "trainEmbedding: checkpoint has loader state but the loader has no restore()",
          );
        }
        state.loader.restore(extra.loader as never);
      }
      state.detector.restore(extra.detector);
      state.epochs.restore(extra.epochAcc);
      last = ck.path;
      return ck.step;
    },
    async save(step) {
      if (!dir) return;
      const extra: Extra = {
        rng: state.rng.state,
        loader: state.loader.state?.(),
        detector: state.detector.state(),
        epochAcc: state.epochs.state(),
      };
      last = await saveCheckpoint(dir, {
        model: state.model,
        step,
        optimizer: state.optimizer,
        variables: state.lossVariables,
        keep: options.keep,
        extra: extra as unknown as Record<string, unknown>,
      });
    },
  };
}
