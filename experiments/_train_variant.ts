/**
 * Internal: trains one variant of an experiment with lib/train, logs its step metrics (tagged with
 * the variant) to the run's metrics.jsonl, evaluates verification on the set's pairs, and returns
 * a compact outcome with the collapse diagnosis.
 * @module
 */
import {
  type OptimizerName,
  type TrainConfig,
  trainEmbedding,
  type TrainResult,
} from "../lib/train/mod.ts";
import { evaluatePairs, modelEmbedder } from "../lib/eval/mod.ts";
import type { DistanceName } from "../lib/losses/mod.ts";
import type { ModelName } from "../lib/model/mod.ts";
import type { ExperimentContext } from "./define_experiment.ts";
import { type SynthData, synthData } from "./_synth_data.ts";

/**
 * The config fields every experiment that trains on synthetic identities shares (data, model,
 * budget, optimiser); each experiment adds its own fields to these.
 */
export type TrainingExperimentConfig = {
  seed: number;
  model: string;
  size: number;
  identities: number;
  perIdentity: number;
  difficulty: number;
  distance: string;
  steps: number;
  p: number;
  k: number;
  lr: number;
  optimizer: string;
};

/** The experiment's synthetic identities (cached by spec): its data fields and seed. */
export function experimentData(
  ctx: ExperimentContext,
  config: TrainingExperimentConfig,
): Promise<SynthData> {
  return synthData(ctx, {
    identities: config.identities,
    perIdentity: config.perIdentity,
    size: config.size,
    difficulty: config.difficulty,
    seed: config.seed,
  });
}

/**
 * A variant's TrainConfig: the experiment's model, size, distance, budget (steps, P×K), optimiser
 * and seed, forensics every quarter of the run; `over` sets or replaces the rest.
 */
export function variantTrainConfig(
  config: TrainingExperimentConfig,
  over: Partial<TrainConfig> = {},
): TrainConfig {
  return {
    model: config.model as ModelName,
    size: config.size,
    distance: config.distance as DistanceName,
    steps: config.steps,
    p: config.p,
    k: config.k,
    lr: config.lr,
    optimizer: config.optimizer as OptimizerName,
    seed: config.seed,
    forensicsEvery: Math.max(5, Math.floor(config.steps / 4)),
    ...over,
  };
}

/** What one trained variant produced. */
export interface VariantOutcome {
  variant: string;
  steps: number;
  finalLoss: number;
  /** Triplet accuracy of the last step (fraction of valid triplets with d_an > d_ap). */
  accuracy: number;
  dAp: number;
  dAn: number;
  collapsed: boolean;
  collapseStep: number | null;
  /** lib/train's diagnosis: mechanism and one sentence. */
  mechanism: string;
  diagnosis: string;
  verificationAccuracy: number;
  valAtFar: number;
  far: number;
  seconds: number;
  /** Step metrics (for plots). */
  history: Record<string, number | boolean>[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Trains `config` on `data`, evaluates it, logs, and disposes the model. */
export async function trainVariant(
  ctx: ExperimentContext,
  variant: string,
  config: TrainConfig,
  data: SynthData,
  options: { far?: number; keepModel?: boolean; evaluate?: boolean } = {},
): Promise<VariantOutcome & { result?: TrainResult }> {
  const started = performance.now();
  const bar = ctx.progress(config.steps, variant, "step");
  const result = await trainEmbedding({ data: data.dataset, ...config }, {
    progress: bar,
    signal: ctx.signal,
  }); // trainEmbedding finishes the progress display itself
  const history = result.history.map((m) => ({
    step: m.step,
    loss: m.loss,
    accuracy: m.accuracy,
    dAp: m.dAp.mean,
    dAn: m.dAn.mean,
    activeFraction: m.activeFraction,
    gradNorm: m.gradNorm,
    stepMs: m.stepMs,
    spread: m.spread.meanPairwise,
    collapsed: m.collapsed,
  }));
  for (const h of history) await ctx.log({ variant, ...h });
  const far = options.far ?? 1e-2;
  let verificationAccuracy = NaN, valAtFar = NaN;
  if (options.evaluate !== false && data.pairs.length > 0) {
    const ev = await evaluatePairs(modelEmbedder(result.model), data.pairs, {
      root: data.dir,
      far,
      folds: 5,
      fileFolds: false,
    });
    verificationAccuracy = ev.verification.accuracy;
    valAtFar = ev.verification.valAtFar.val;
  }
  // Last few steps smooth out per-batch noise.
  const tail = history.slice(-Math.max(1, Math.min(5, Math.floor(history.length / 5))));
  const outcome: VariantOutcome = {
    variant,
    steps: result.step,
    finalLoss: mean(tail.map((h) => h.loss)),
    accuracy: mean(tail.map((h) => h.accuracy)),
    dAp: mean(tail.map((h) => h.dAp)),
    dAn: mean(tail.map((h) => h.dAn)),
    collapsed: result.collapseStep !== undefined,
    collapseStep: result.collapseStep ?? null,
    mechanism: result.diagnosis?.mechanism ?? "none",
    diagnosis: result.diagnosis?.summary ?? "",
    verificationAccuracy,
    valAtFar,
    far,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    history,
  };
  await ctx.log({ type: "outcome", ...brief(outcome), variant });
  if (options.keepModel) return { ...outcome, result };
  result.model.dispose();
  return outcome;
}

/** The outcome without its history, for summaries. */
export function brief(o: VariantOutcome): Omit<VariantOutcome, "history" | "variant"> {
  const { history: _h, variant: _v, ...rest } = o;
  return rest;
}
