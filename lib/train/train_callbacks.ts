/**
 * Training callbacks: hooks run after a step (every N steps), at an epoch's end and at the run's
 * end; what a hook returns is logged as a "callback" line and kept in the result.
 *
 * @example
 * ```ts
 * import { createCallbackRunner } from "./train_callbacks.ts";
 * const runner = createCallbackRunner([{ name: "twice", every: 2, onStep: (c) => ({ v: c.step * 2 }) }]);
 * console.assert(runner.results.length === 0);
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { EpochMetrics } from "./epoch_metrics.ts";
import type { StepMetrics } from "./step_metrics.ts";
import type { TrainConfig } from "./train_config.ts";

/** Context handed to callbacks. */
export interface TrainContext {
  step: number;
  epoch: number;
  model: tf.LayersModel;
  metrics: StepMetrics;
  config: Readonly<TrainConfig>;
}

/** A callback; what its hooks return is logged as a "callback" line and kept in the result. */
export interface TrainCallback {
  name: string;
  /** Run `onStep` every N steps (default every step). */
  every?: number;
  onStep?(
    ctx: TrainContext,
  ): Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
  onEpoch?(
    ctx: TrainContext & { epochMetrics: EpochMetrics },
  ): Promise<Record<string, unknown> | void> | void;
  onEnd?(
    ctx: TrainContext,
  ): Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
}

/** A callback's returned values at a step. */
export interface CallbackResult {
  name: string;
  step: number;
  values: Record<string, unknown>;
}

/** Runs the hooks of a list of callbacks and keeps what they return. */
export interface CallbackRunner {
  readonly results: CallbackResult[];
  onStep(ctx: TrainContext): Promise<void>;
  onEpoch(ctx: TrainContext & { epochMetrics: EpochMetrics }): Promise<void>;
  onEnd(ctx: TrainContext): Promise<void>;
}

/** A runner over `callbacks`; `log` receives each result as a "callback" record. */
export function createCallbackRunner(
  callbacks: TrainCallback[],
  log?: (record: Record<string, unknown>) => Promise<void>,
): CallbackRunner {
  const results: CallbackResult[] = [];
  const keep = async (name: string, step: number, values: Record<string, unknown> | void) => {
    if (!values) return;
    results.push({ name, step, values });
    await log?.({ type: "callback", name, step, ...values });
  };
  return {
    results,
    async onStep(ctx) {
      for (const cb of callbacks) {
        if (!cb.onStep || (cb.every && ctx.step % cb.every !== 0)) continue;
        await keep(cb.name, ctx.step, await cb.onStep.call(cb, ctx));
      }
    },
    async onEpoch(ctx) {
      for (const cb of callbacks) {
        if (cb.onEpoch) await keep(cb.name, ctx.step, await cb.onEpoch.call(cb, ctx));
      }
    },
    async onEnd(ctx) {
      for (const cb of callbacks) {
        if (cb.onEnd) await keep(cb.name, ctx.step, await cb.onEnd.call(cb, ctx));
      }
    },
  };
}
