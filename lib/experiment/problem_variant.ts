/**
 * The training cell of the monograph's problem reproductions: one variant trained with lib/train,
 * keeping the forensics that explain it (gradient norms, pre-L2 norm, overflow, the features'
 * dominant channel), and optionally inspected before its model is disposed.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Forensics, TrainConfig } from "../train/mod.ts";
import type { CellContext } from "./define_experiment.ts";
import type { ExperimentData } from "./experiment_data.ts";
import { trainVariantKeepModel, type VariantOutcome } from "./train_variant.ts";
import { type FeatureDominance, featureDominance } from "./analysis/feature_dominance.ts";

/** A variant's outcome with the forensics that explain it. */
export interface ProblemOutcome extends VariantOutcome {
  forensics: Forensics[];
  /** Gradient norm of the last step (exactly 0 in the absorbing state). */
  lastGradNorm: number;
  /** Mean pre-L2 norm of the last forensics snapshot ("Infinity" when it overflowed). */
  preL2Norm: number | string;
  /** First step whose forensics show a non-finite pre-L2 norm, or null. */
  overflowStep: number | null;
  /** lib/train's evidence lines. */
  evidence: string[];
  /** Steps whose gradient norm was exactly 0. */
  zeroGradSteps: number;
  /** The input of the layer before the L2 normalisation (pooled features), per channel. */
  features?: FeatureDominance;
}

/**
 * Trains one variant and keeps its forensics; `options.inspect` sees the trained embedding model
 * before it is disposed.
 *
 * @example
 * ```ts ignore
 * const o = await trainProblemVariant(ctx, "problem 1", trainConfig, data);
 * console.log(o.mechanism, o.lastGradNorm);
 * ```
 */
export async function trainProblemVariant(
  ctx: CellContext,
  variant: string,
  config: TrainConfig,
  data: ExperimentData,
  options: { inspect?: (model: tf.LayersModel) => Promise<void> } = {},
): Promise<ProblemOutcome> {
  const { outcome, result } = await trainVariantKeepModel(ctx, variant, config, data);
  let features: FeatureDominance | undefined;
  try {
    features = await featureDominance(result.model, data.train);
    await options.inspect?.(result.model);
  } finally {
    result.model.dispose();
  }
  const last = result.forensics[result.forensics.length - 1];
  const overflow = result.forensics.find((f) => !Number.isFinite(f.preL2.norm.mean));
  const norm = last?.preL2.norm.mean ?? NaN;
  return {
    ...outcome,
    forensics: result.forensics,
    lastGradNorm: result.history[result.history.length - 1]?.gradNorm ?? NaN,
    preL2Norm: Number.isFinite(norm) ? norm : String(norm),
    overflowStep: overflow?.step ?? null,
    evidence: result.diagnosis?.evidence ?? [],
    zeroGradSteps: result.history.filter((h) => h.gradNorm === 0).length,
    features,
  };
}
