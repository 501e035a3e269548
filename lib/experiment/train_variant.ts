/**
 * The training cell most experiments are made of: one variant trained with lib/train on the
 * experiment's synthetic identities LESS a held-out share of them (`heldOutFraction`), its step
 * metrics logged (tagged with the variant), verification evaluated on pairs among the held-out
 * identities only (people the model never saw, with the chance level and a Wilson 95% interval
 * beside it), and a compact outcome with lib/train's collapse diagnosis returned.
 * @module
 */
import {
  OPTIMIZER_NAMES,
  type OptimizerName,
  type TrainConfig,
  trainEmbedding,
  type TrainResult,
} from "../train/mod.ts";
import { evaluatePairs, modelEmbedder } from "../eval/mod.ts";
import { wilsonInterval } from "../atlas/mod.ts";
import { DISTANCE_NAMES, type DistanceName } from "../losses/mod.ts";
import { MODEL_NAMES, type ModelName } from "../model/mod.ts";
import type { Choices } from "./config.ts";
import type { CellContext } from "./define_experiment.ts";
import { checkHeldOut, type ExperimentData, experimentData } from "./experiment_data.ts";

/**
 * The config fields every experiment that trains on synthetic identities shares (data, model,
 * budget, optimiser); each experiment adds its own fields to these.
 */
export type TrainingExperimentConfig = {
  seed: number;
  model: ModelName;
  size: number;
  identities: number;
  perIdentity: number;
  difficulty: number;
  distance: DistanceName;
  steps: number;
  p: number;
  k: number;
  lr: number;
  optimizer: OptimizerName;
  /**
   * Share of the identities held out of training, in (0, 1): verification is measured on pairs
   * among them only (0.25 in every experiment's base).
   */
  heldOutFraction: number;
};

/** The choices of {@link TrainingExperimentConfig}'s enumerated fields (spread into `choices`). */
export const TRAINING_CHOICES: Choices<TrainingExperimentConfig> = {
  model: MODEL_NAMES,
  distance: DISTANCE_NAMES,
  optimizer: OPTIMIZER_NAMES,
};

/**
 * Checks the shared fields of a training experiment's config before any data are made (call it
 * from the experiment's `validate`): `heldOutFraction` in (0, 1), leaving ≥ 2 identities on each
 * side. `name` (the experiment's) starts the error.
 *
 * @example
 * ```ts
 * import { validateTrainingConfig } from "./train_variant.ts";
 * let err = "";
 * try { validateTrainingConfig("loss-zoo", { identities: 16, heldOutFraction: 0 }); }
 * catch (e) { err = String(e); }
 * console.assert(err.includes("loss-zoo: 'heldOutFraction' must be in (0, 1), got 0"));
 * ```
 */
export function validateTrainingConfig(
  name: string,
  config: Pick<TrainingExperimentConfig, "identities" | "heldOutFraction">,
): void {
  checkHeldOut(config.identities, config.heldOutFraction, name);
}

/**
 * The experiment's synthetic identities (cached by lib/data's ensureSynth): its data fields and
 * seed, with `heldOutFraction` of the identities held out (`train` is the rest; `pairs` are among
 * the held-out identities only).
 *
 * @example
 * ```ts ignore
 * const data = await trainingData(ctx, config);
 * ```
 */
export function trainingData(
  ctx: CellContext,
  config: TrainingExperimentConfig,
): Promise<ExperimentData> {
  return experimentData(ctx, {
    identities: config.identities,
    perIdentity: config.perIdentity,
    size: config.size,
    difficulty: config.difficulty,
    seed: config.seed,
    heldOut: { fraction: config.heldOutFraction },
  });
}

/**
 * A variant's TrainConfig: the experiment's model, size, distance, budget (steps, P×K), optimiser
 * and seed, forensics every quarter of the run; `over` sets or replaces the rest.
 *
 * @example
 * ```ts
 * import { variantTrainConfig } from "./train_variant.ts";
 * const t = variantTrainConfig({
 *   seed: 1, model: "tiny", size: 32, identities: 4, perIdentity: 4, difficulty: 1,
 *   distance: "squaredEuclidean", steps: 20, p: 4, k: 4, lr: 0.1, optimizer: "adam",
 *   heldOutFraction: 0.25,
 * }, { margin: 0.5 });
 * console.assert(t.forensicsEvery === 5 && t.margin === 0.5);
 * ```
 */
export function variantTrainConfig(
  config: TrainingExperimentConfig,
  over: Partial<TrainConfig> = {},
): TrainConfig {
  return {
    model: config.model,
    size: config.size,
    distance: config.distance,
    steps: config.steps,
    p: config.p,
    k: config.k,
    lr: config.lr,
    optimizer: config.optimizer,
    seed: config.seed,
    forensicsEvery: Math.max(5, Math.floor(config.steps / 4)),
    ...over,
  };
}

/** One step's metrics as an outcome keeps them (for plots). */
export type StepRecord = {
  step: number;
  loss: number;
  accuracy: number;
  dAp: number;
  dAn: number;
  activeFraction: number;
  gradNorm: number;
  stepMs: number;
  spread: number;
  collapsed: boolean;
};

/** What one trained variant produced. */
export interface VariantOutcome {
  variant: string;
  steps: number;
  finalLoss: number;
  /** Triplet accuracy of the last steps (fraction of valid triplets with d_an > d_ap). */
  accuracy: number;
  dAp: number;
  dAn: number;
  collapsed: boolean;
  collapseStep: number | null;
  /** lib/train's diagnosis: mechanism and one sentence. */
  mechanism: string;
  diagnosis: string;
  /**
   * Verification accuracy (lib/eval's 5-fold threshold protocol) on the data's pairs: pairs among
   * HELD-OUT identities (never trained on) when the data hold some out, as {@link trainingData}'s
   * do; compare it with {@link heldOutChance}. NaN when not evaluated; the chance level when the
   * model's embeddings were not finite ({@link verificationNonFinite}).
   */
  verificationAccuracy: number;
  /** VAL at {@link far} on the same pairs (NaN when not evaluated or not finite). */
  valAtFar: number;
  far: number;
  /** Accuracy of always giving the more frequent answer on those pairs (0.5 for balanced pairs). */
  heldOutChance: number;
  /** Wilson 95% interval of {@link verificationAccuracy} over the pairs (null when not evaluated). */
  heldOutCi: [number, number] | null;
  /** Pairs evaluated. */
  heldOutPairs: number;
  /** Identities trained on, and identities held out of training (0: pairs over training ones). */
  trainIdentities: number;
  heldOutIdentities: number;
  /** True when the model's embeddings were NaN or infinite (no distance to threshold). */
  verificationNonFinite: boolean;
  seconds: number;
  /** Step metrics (for plots). */
  history: StepRecord[];
}

/** Options of {@link trainVariant}. */
export interface TrainVariantOptions {
  /** FAR of VAL@FAR. Default 1e-2. */
  far?: number;
  /** Evaluate verification on the data's (held-out) pairs. Default true. */
  evaluate?: boolean;
}

/** The identities of `paths` (items of `data.dataset`), in first-seen order. */
function identitiesOf(data: ExperimentData, paths: string[]): string[] {
  const byPath = new Map(data.dataset.items.map((it) => [it.path, it.identity]));
  return [...new Set(paths.map((p) => byPath.get(p) ?? `?${p}`))];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Trains `config` on `data.train` (the identities not held out), evaluates verification on
 * `data.pairs` (among the held-out identities) and logs — first a `{ type: "data" }` record naming
 * the identities trained on and those of the evaluated pairs, so a run shows they are disjoint;
 * returns the outcome and lib/train's result, whose model the caller disposes (see
 * {@link trainVariant} for the usual case).
 *
 * @example
 * ```ts ignore
 * const { outcome, result } = await trainVariantKeepModel(ctx, "semihard", config, data);
 * result.model.dispose();
 * ```
 */
export async function trainVariantKeepModel(
  ctx: CellContext,
  variant: string,
  config: TrainConfig,
  data: ExperimentData,
  options: TrainVariantOptions = {},
): Promise<{ outcome: VariantOutcome; result: TrainResult }> {
  const started = performance.now();
  await ctx.log({
    type: "data",
    variant,
    trainIdentities: data.train.identities,
    evaluatedIdentities: identitiesOf(data, data.pairs.flatMap((p) => [p.a, p.b])),
  });
  const bar = ctx.progress(config.steps, variant, "step");
  const result = await trainEmbedding({ ...config, data: data.train }, {
    progress: bar,
    signal: ctx.signal,
  }); // trainEmbedding finishes the progress display itself
  try {
    const history: StepRecord[] = result.history.map((m) => ({
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
    let verificationAccuracy = NaN, valAtFar = NaN, nonFinite = false;
    let ci: [number, number] | null = null;
    const evaluate = options.evaluate !== false && data.pairs.length > 0;
    if (evaluate) {
      try {
        const ev = await evaluatePairs(modelEmbedder(result.model), data.pairs, {
          root: data.dir,
          far,
          folds: 5,
          fileFolds: false,
          signal: ctx.signal,
        });
        verificationAccuracy = ev.verification.accuracy;
        valAtFar = ev.verification.valAtFar.val;
      } catch (e) {
        // an overflowed embedding has no distances: nothing beats always giving one answer
        if (!(e instanceof Error) || !/non-finite distance/.test(e.message)) throw e;
        verificationAccuracy = data.chance;
        nonFinite = true;
      }
      const n = data.pairs.length;
      ci = wilsonInterval(Math.round(verificationAccuracy * n), n);
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
      heldOutChance: evaluate ? data.chance : NaN,
      heldOutCi: ci,
      heldOutPairs: evaluate ? data.pairs.length : 0,
      trainIdentities: data.train.identities.length,
      heldOutIdentities: data.heldOutIdentities.length,
      verificationNonFinite: nonFinite,
      seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      history,
    };
    await ctx.log({ type: "outcome", ...brief(outcome), variant });
    return { outcome, result };
  } catch (e) {
    result.model.dispose();
    throw e;
  }
}

/**
 * Trains `config` on `data.train`, evaluates verification on `data.pairs` (held-out identities),
 * logs the step metrics and the outcome, disposes the model and returns the outcome.
 *
 * @example
 * ```ts ignore
 * import { trainingData, trainVariant, variantTrainConfig } from "./train_variant.ts";
 * const data = await trainingData(ctx, config);
 * const outcome = await trainVariant(ctx, "semihard", variantTrainConfig(config, { miner: "semihard" }), data);
 * ```
 */
export async function trainVariant(
  ctx: CellContext,
  variant: string,
  config: TrainConfig,
  data: ExperimentData,
  options: TrainVariantOptions = {},
): Promise<VariantOutcome> {
  const { outcome, result } = await trainVariantKeepModel(ctx, variant, config, data, options);
  result.model.dispose();
  return outcome;
}

/**
 * The outcome without its history and name, for summaries.
 *
 * @example
 * ```ts
 * import { brief } from "./train_variant.ts";
 * const b = brief({ variant: "v", history: [], finalLoss: 1 } as never);
 * console.assert(!("history" in b) && !("variant" in b));
 * ```
 */
export function brief(o: VariantOutcome): Omit<VariantOutcome, "history" | "variant"> {
  const { history: _h, variant: _v, ...rest } = o;
  return rest;
}
