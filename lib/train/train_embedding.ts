/**
 * The training loop: a short composition of parts (see lib/train/mod.ts for the map). Each step:
 * take a batch; embed it without gradient and compute its ONE distance matrix (batch_view.ts);
 * let the gradient strategy choose tuples and compute loss and gradients (whole batch,
 * micro-batches or the three-input triplet model); update the weights behind the NaN guard
 * (update_weights.ts); measure the step on the same matrix; log, collect forensics, close epochs,
 * run callbacks, checkpoint.
 *
 * With `outDir`, the run folder is lib/report's (train_run_folder.ts): config.json,
 * provenance.json, metrics.jsonl, checkpoints/, summary.json, report.html. `resume: true`
 * continues from the latest checkpoint exactly (weights, optimiser, RNG, loader).
 *
 * @example
 * ```ts
 * import { trainEmbedding } from "./train_embedding.ts";
 * // const result = await trainEmbedding({ data: "data/synth", model: "tiny", steps: 100 }, { outDir: "runs/x" });
 * console.assert(typeof trainEmbedding === "function");
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Progress, ProgressMode } from "../cli/mod.ts";
import { type CollapseDiagnosis, diagnoseCollapse } from "./diagnose.ts";
import { createEpochAccumulator, type EpochMetrics } from "./epoch_metrics.ts";
import type { Forensics } from "./forensics.ts";
import { createCollapseDetector } from "./metrics_log.ts";
import type { StepMetrics } from "./step_metrics.ts";
import { stepForensics, wantsForensics } from "./step_forensics.ts";
import {
  type CallbackResult,
  createCallbackRunner,
  type TrainCallback,
  type TrainContext,
} from "./train_callbacks.ts";
import { createTrainCheckpoints } from "./train_checkpoints.ts";
import type { TrainConfig } from "./train_config.ts";
import type { LossName } from "../losses/mod.ts";
import { TRAIN_DEFAULTS } from "./train_defaults.ts";
import { buildTrainParts, releaseTrainParts } from "./train_parts.ts";
import { openTrainRun, type TrainRun } from "./train_run_folder.ts";
import { trainSummary } from "./train_summary.ts";
import { createStepRunner } from "./train_step.ts";
import { trainProgress } from "./train_progress.ts";
import { validateTrainConfig } from "./validate_train_config.ts";

// Types callers imported from this file before it was split (kept so their imports still work).
export type { BatchLoader, TrainBatch, TrainConfig } from "./train_config.ts";
export type { TrainCallback, TrainContext } from "./train_callbacks.ts";
export type { StepMetrics } from "./step_metrics.ts";
export type { EpochMetrics } from "./epoch_metrics.ts";

/** Options of {@link trainEmbedding}. */
export interface TrainOptions {
  signal?: AbortSignal;
  /** A Progress, a mode for createProgress, or false. Default "auto". */
  progress?: Progress | ProgressMode | false;
  callbacks?: TrainCallback[];
  /** The run folder (metrics, checkpoints, summary, report). Without it nothing is written. */
  outDir?: string;
  /** Continue from the latest checkpoint in `outDir/checkpoints`. Default false. */
  resume?: boolean;
  /** Stop (as if aborted, with a checkpoint) after this step — for tests and time boxes. */
  stopAfterStep?: number;
}

/** What {@link trainEmbedding} returns. */
export interface TrainResult {
  /** The trained model (the caller disposes it when it was built here). */
  model: tf.LayersModel;
  /** Last completed step. */
  step: number;
  /** Step the run started from (0, or the resumed checkpoint's). */
  startStep: number;
  stopped: "completed" | "aborted" | "collapsed";
  history: StepMetrics[];
  epochs: EpochMetrics[];
  /** Start of the confirmed collapse at the end of the run, if any. */
  collapseStep?: number;
  collapseEvents: { step: number; recovered?: number }[];
  forensics: Forensics[];
  /** The diagnosis of the last forensics snapshot against the first. */
  diagnosis?: CollapseDiagnosis;
  callbackResults: CallbackResult[];
  /** Last checkpoint folder written. */
  checkpoint?: string;
  seconds: number;
}

/**
 * Trains an embedding model. See the module doc for the step and what is written. The config is
 * validated (validateTrainConfig) before any data are read or any model is built.
 *
 * @example
 * ```ts
 * import { trainEmbedding } from "./train_embedding.ts";
 * // const r = await trainEmbedding({ data: "data/synth", model: "tiny", steps: 20, p: 4, k: 3, size: 32 });
 * // r.model.dispose();
 * console.assert(typeof trainEmbedding === "function");
 * ```
 */
export async function trainEmbedding<L extends LossName = LossName>(
  config: TrainConfig<L>,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const t0 = performance.now();
  validateTrainConfig(config);
  const d = TRAIN_DEFAULTS, steps = config.steps;
  const parts = await buildTrainParts(config);
  const { model, loader } = parts;
  const detector = createCollapseDetector({
    patience: config.collapsePatience ?? d.collapsePatience,
  });
  const epochAcc = createEpochAccumulator(parts.epochSteps);
  const checkpoints = createTrainCheckpoints(
    options.outDir ? `${options.outDir}/checkpoints` : undefined,
    { ...parts, detector, epochs: epochAcc },
    { keep: config.keepCheckpoints ?? d.keepCheckpoints },
  );
  const runner = createStepRunner(parts, config, { lastCheckpoint: () => checkpoints.last });
  const history: StepMetrics[] = [], epochs: EpochMetrics[] = [], forensics: Forensics[] = [];
  let step = 0, stopped: TrainResult["stopped"] = "completed";
  let run: TrainRun | undefined, progress: Progress | undefined, result: TrainResult;
  try {
    if (options.resume) step = await checkpoints.resume();
    const startStep = step;
    run = options.outDir ? await openTrainRun(options.outDir, config, { startStep }) : undefined;
    const log = run?.log;
    const callbacks = createCallbackRunner(options.callbacks ?? [], log);
    progress = trainProgress(options.progress, { steps, initial: step });
    while (step < steps) {
      if (options.signal?.aborted || step >= (options.stopAfterStep ?? Infinity)) {
        stopped = "aborted";
        break;
      }
      const start = performance.now();
      const batch = await loader.next();
      if (!batch) throw new Error(`trainEmbedding: the loader ended at step ${step} of ${steps}`);
      const outcome = await runner.run(batch, step + 1, start);
      try {
        const metrics = outcome.metrics;
        step = metrics.step;
        history.push(metrics);
        await log?.({ type: "step", ...metrics });
        const confirmed = detector.update(step, metrics.collapsed);
        if (confirmed) {
          await log?.({
            type: "event",
            step,
            event: "collapse",
            collapseStep: detector.collapseStep,
          });
        }
        const every = config.forensicsEvery ?? d.forensicsEvery;
        if (wantsForensics(step, { every, steps, confirmed })) {
          const f = await stepForensics(model, outcome.images, {
            step,
            images: config.forensicsImages ?? d.forensicsImages,
            grads: outcome.grads,
          });
          forensics.push(f);
          await log?.({ type: "forensics", ...f });
        }
        const ctx: TrainContext = { step, epoch: metrics.epoch, model, metrics, config };
        const epoch = epochAcc.add({ ...metrics, images: outcome.images.shape[0] });
        if (epoch) {
          epochs.push(epoch);
          await log?.({ type: "epoch", ...epoch });
          await callbacks.onEpoch({ ...ctx, epochMetrics: epoch });
        }
        progress?.tick(1, {
          loss: metrics.loss,
          acc: metrics.accuracy,
          "img/s": Math.round(metrics.imagesPerSec),
        });
        await callbacks.onStep(ctx);
        const ckEvery = config.checkpointEvery ?? d.checkpointEvery;
        if (ckEvery > 0 && step % ckEvery === 0 && step < steps) await checkpoints.save(step);
        if (confirmed && (config.stopOnCollapse ?? d.stopOnCollapse)) {
          stopped = "collapsed";
          break;
        }
      } finally {
        outcome.dispose();
      }
    }
    await checkpoints.save(step);
    const last = history[history.length - 1];
    if (last) await callbacks.onEnd({ step, epoch: last.epoch, model, metrics: last, config });
    progress?.done();
    await releaseTrainParts(parts);
    result = {
      model,
      step,
      startStep,
      stopped,
      history,
      epochs,
      collapseStep: detector.collapseStep,
      collapseEvents: detector.events,
      forensics,
      diagnosis: forensics.length ? diagnoseCollapse(forensics) : undefined,
      callbackResults: callbacks.results,
      checkpoint: checkpoints.last,
      seconds: (performance.now() - t0) / 1000,
    };
  } catch (e) {
    progress?.done();
    await run?.log({
      type: "event",
      step,
      event: "error",
      message: e instanceof Error ? e.message : String(e),
    });
    await releaseTrainParts(parts);
    if (parts.ownsModel) model.dispose();
    throw e;
  }
  await run?.finish(trainSummary(result));
  return result;
}
