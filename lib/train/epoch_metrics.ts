/**
 * Epoch metrics: step metrics averaged over an epoch (a JSONL line with type "epoch"), from an
 * accumulator whose state goes into checkpoints.
 *
 * @example
 * ```ts
 * import { createEpochAccumulator } from "./epoch_metrics.ts";
 * const acc = createEpochAccumulator(2);
 * acc.add({ step: 1, epoch: 0, loss: 1, accuracy: 0.5, activeFraction: 1, images: 8, stepMs: 100 });
 * const e = acc.add({ step: 2, epoch: 0, loss: 3, accuracy: 0.5, activeFraction: 1, images: 8, stepMs: 100 });
 * console.assert(e?.loss === 2 && e.imagesPerSec === 80);
 * ```
 * @module
 */

/** Metrics of one epoch (type "epoch"). */
export interface EpochMetrics {
  epoch: number;
  step: number;
  loss: number;
  accuracy: number;
  activeFraction: number;
  imagesPerSec: number;
  epochSec: number;
}

/** The running sums of the current epoch (checkpointed). */
export interface EpochSums {
  loss: number;
  accuracy: number;
  active: number;
  images: number;
  steps: number;
  sec: number;
}

/** Sums steps into epochs of `epochSteps` steps. */
export interface EpochAccumulator {
  /** Adds a step; returns the epoch's metrics when the step ends an epoch. */
  add(s: {
    step: number;
    epoch: number;
    loss: number;
    accuracy: number;
    activeFraction: number;
    images: number;
    stepMs: number;
  }): EpochMetrics | undefined;
  state(): EpochSums;
  restore(sums: EpochSums): void;
}

const empty = (): EpochSums => ({ loss: 0, accuracy: 0, active: 0, images: 0, steps: 0, sec: 0 });

/** An accumulator for epochs of `epochSteps` steps (step numbers are 1-based). */
export function createEpochAccumulator(epochSteps: number): EpochAccumulator {
  let acc = empty();
  return {
    add(s) {
      acc.loss += s.loss;
      acc.accuracy += s.accuracy;
      acc.active += s.activeFraction;
      acc.images += s.images;
      acc.steps += 1;
      acc.sec += s.stepMs / 1000;
      if (s.step % epochSteps !== 0) return undefined;
      const e: EpochMetrics = {
        epoch: s.epoch,
        step: s.step,
        loss: acc.loss / acc.steps,
        accuracy: acc.accuracy / acc.steps,
        activeFraction: acc.active / acc.steps,
        imagesPerSec: acc.images / acc.sec,
        epochSec: acc.sec,
      };
      acc = empty();
      return e;
    },
    state: () => ({ ...acc }),
    restore(sums) {
      acc = { ...sums };
    },
  };
}
