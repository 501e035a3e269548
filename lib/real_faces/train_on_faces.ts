/**
 * One training run on real-face crops, as both real-face experiments run it: a PK loader over the
 * training people (optionally degraded, {@link degradeBatches}), lib/train's `trainEmbedding`
 * (checkpoints and resume in `outDir`), an optional wall-clock budget, the accuracy-vs-minutes
 * curve on the given pair sets ({@link timedEvaluation}), and the model saved to `outDir/model`
 * (what `deno task eval --embedder DIR` reads).
 *
 * @example
 * ```ts
 * import { trainOnFaces } from "./train_on_faces.ts";
 * console.assert(typeof trainOnFaces === "function");
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { formatDuration, type Progress } from "../cli/mod.ts";
import { createPkLoader, type Dataset } from "../data/mod.ts";
import { saveModel } from "../model/mod.ts";
import { LOSSES } from "../losses/mod.ts";
import { type TrainConfig, trainEmbedding, type TrainResult } from "../train/mod.ts";
import { degradeBatches } from "./degrade_batches.ts";
import { teacherTargets } from "./teacher_targets.ts";
import { type CurvePoint, type PairSet, type SetNumbers, timedEvaluation } from "./pair_sets.ts";

/** Options of {@link trainOnFaces}. */
export interface TrainOnFacesOptions {
  /** Training settings (not `data` nor `loader`: the people of `train` are loaded here). */
  config: Omit<TrainConfig, "data" | "loader">;
  /** Degradation of training images (lib/eval's names); none when absent or "none". */
  degrade?: string;
  /** Share of each batch degraded. Default 1. */
  degradeFraction?: number;
  /**
   * A frozen teacher for embedding distillation (with `config.distillWeight` > 0): it embeds each
   * batch's images before `degrade`, and the student is pulled to those embeddings.
   */
  teacher?: tf.LayersModel;
  /**
   * Stop after this many minutes of training (0: run all steps). Default 0. With a "cosine"
   * schedule (and no `progress` clock of its own) the cosine then runs over these minutes of wall
   * time, reaching its floor when the budget ends, instead of over `steps`.
   */
  minutes?: number;
  /** Pair sets measured along training and at the end. */
  evalSets?: readonly PairSet[];
  /** Minutes between measurements (0: only at the end). Default 0. */
  everyMinutes?: number;
  /** Target FAR of VAL@FAR. Default 1e-2. */
  far?: number;
  /** Test-time flip in the measurements along training (see lib/eval's `modelEmbedder`). Default false. */
  flip?: boolean;
  /**
   * People with fewer photos are never sampled (the PK loader's `minImages`). Default 2; 1 also
   * samples people with one photo (their K images are augmented copies of it): for class losses.
   */
  minImages?: number;
  /** Run folder (metrics, checkpoints, report, `model/`); resumes when it holds a checkpoint. */
  outDir?: string;
  /**
   * Step progress. With a `minutes` budget each tick also shows the budget's time left ("left"),
   * so give a progress without a total there (the steps are not what ends the run).
   */
  progress?: Progress;
  signal?: AbortSignal;
}

/** What a run did. */
export interface FacesTrainingOutcome {
  steps: number;
  stopped: TrainResult["stopped"];
  /** Training minutes (measurements excluded when `evalSets` are given). */
  trainMinutes: number;
  /** Wall minutes of the whole run. */
  wallMinutes: number;
  /** Mean images per second over the steps. */
  imagesPerSec: number;
  /** Mean loss of the last 10 steps. */
  finalLoss: number;
  curve: CurvePoint[];
  /** Numbers of `evalSets` on the trained model (the curve's last measurement), when given. */
  finalSets?: Record<string, SetNumbers>;
  /** Where the model was saved (when `outDir` is given). */
  modelDir?: string;
  /** The 1-minute load average at the end (a shared machine's timings depend on it). */
  loadAverage?: number;
}

/**
 * Trains on the people of `train` (see the module doc); returns the outcome and the model (the
 * caller disposes a model it did not pass in `config.model`). A loss that needs classes (ArcFace,
 * CosFace) gets one class per person of `train` (`lossOptions.numClasses`, unless given).
 *
 * @param train the training people's crops
 * @param options config, degrade, degradeFraction, minutes, evalSets, everyMinutes, far, flip, minImages, outDir, progress, signal
 *
 * @example
 * ```ts
 * import { trainOnFaces } from "./train_on_faces.ts";
 * const ds = { root: ".", identities: [], items: [] };
 * const r = await trainOnFaces(ds, { config: { steps: 1 } }).catch((e) => e);
 * console.assert(r instanceof Error);
 * ```
 */
export async function trainOnFaces(
  train: Dataset,
  options: TrainOnFacesOptions,
): Promise<{ outcome: FacesTrainingOutcome; model: tf.LayersModel }> {
  const t0 = performance.now();
  const c = options.config;
  if (train.identities.length < 2) {
    throw new Error(`trainOnFaces: ${train.root} has ${train.identities.length} people; need ≥ 2`);
  }
  const minutes = options.minutes ?? 0;
  if (!(minutes >= 0)) throw new Error(`trainOnFaces: 'minutes' must be ≥ 0, got ${minutes}`);
  const minImages = options.minImages ?? 2;
  if (!(Number.isInteger(minImages) && minImages >= 1)) {
    throw new Error(`trainOnFaces: 'minImages' must be an integer ≥ 1, got ${minImages}`);
  }
  if ((c.distillWeight ?? 0) > 0 && !options.teacher) {
    throw new Error(
      `trainOnFaces: 'distillWeight' ${c.distillWeight} needs a 'teacher' model (its embeddings are the targets)`,
    );
  }
  const seed = c.seed ?? 0;
  const lossName = c.loss ?? "triplet";
  if (!(lossName in LOSSES)) {
    throw new Error(
      `trainOnFaces: unknown loss '${lossName}'; expected one of ${Object.keys(LOSSES).join(", ")}`,
    );
  }
  let budgetStart = performance.now();
  const elapsed = () => performance.now() - budgetStart;
  const schedule = scheduleOverBudget(c.schedule, minutes, elapsed);
  const config = {
    ...c,
    ...(LOSSES[lossName].needsClasses
      ? { lossOptions: { numClasses: train.identities.length, ...c.lossOptions } }
      : {}),
    ...(schedule ? { schedule } : {}),
  } as typeof c;
  const loader = (s: number) => {
    const pk = createPkLoader(train, {
      p: c.p ?? 10,
      k: c.k ?? 4,
      size: c.size ?? 96,
      seed: s + 1,
      augment: c.augment ?? false,
      minImages,
    });
    const taught = options.teacher ? teacherTargets(pk, options.teacher) : pk;
    return options.degrade && options.degrade !== "none"
      ? degradeBatches(taught, options.degrade, {
        fraction: options.degradeFraction ?? 1,
        seed: s + 7,
      })
      : taught;
  };
  const timed = timedEvaluation(options.evalSets ?? [], {
    everyMinutes: options.everyMinutes ?? 0,
    far: options.far,
    flip: options.flip ?? false,
  });
  const budget = new AbortController();
  budgetStart = performance.now();
  const timer = minutes > 0 ? setTimeout(() => budget.abort(), minutes * 60000) : undefined;
  const onOuter = () => budget.abort();
  options.signal?.addEventListener("abort", onOuter);
  let resume = false;
  if (options.outDir) {
    try {
      await Deno.stat(`${options.outDir}/checkpoints/latest.json`);
      resume = true;
    } catch { /* a fresh run */ }
  }
  let result: TrainResult;
  try {
    result = await trainEmbedding({ ...config, seed, loader }, {
      signal: budget.signal,
      progress: options.progress && minutes > 0
        ? budgetProgress(
          options.progress,
          () => minutes * 60 - elapsed() / 1000,
        )
        : options.progress ?? false,
      callbacks: options.evalSets?.length ? [timed] : [],
      outDir: options.outDir,
      resume,
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuter);
  }
  options.signal?.throwIfAborted();
  let modelDir: string | undefined;
  if (options.outDir) {
    modelDir = `${options.outDir}/model`;
    await saveModel(result.model, modelDir);
  }
  const h = result.history;
  const last = h.slice(-10);
  const outcome: FacesTrainingOutcome = {
    steps: result.step,
    stopped: result.stopped,
    trainMinutes: timed.curve.length
      ? timed.curve[timed.curve.length - 1].minutes
      : result.seconds / 60,
    wallMinutes: (performance.now() - t0) / 60000,
    imagesPerSec: h.length ? h.reduce((a, m) => a + m.imagesPerSec, 0) / h.length : 0,
    finalLoss: last.length ? last.reduce((a, m) => a + m.loss, 0) / last.length : NaN,
    curve: timed.curve,
    ...(timed.last ? { finalSets: timed.last } : {}),
    modelDir,
    loadAverage: Deno.loadavg?.()[0],
  };
  return { outcome, model: result.model };
}

/**
 * A "cosine" schedule without a clock of its own, run over a wall-clock budget of `minutes`:
 * the same schedule with `progress` = elapsedMs() / budget. Anything else (another kind, no
 * budget, a clock already set) is returned as it was.
 *
 * @example
 * ```ts
 * import { scheduleOverBudget } from "./train_on_faces.ts";
 * const cosine: { kind: string; progress?: () => number } = { kind: "cosine" };
 * const s = scheduleOverBudget(cosine, 2, () => 60000)!;
 * console.assert(s.progress!() === 0.5);
 * ```
 */
export function scheduleOverBudget<S extends { kind?: string; progress?: () => number }>(
  schedule: S | undefined,
  minutes: number,
  elapsedMs: () => number,
): S | undefined {
  if (!schedule || !(minutes > 0) || schedule.kind !== "cosine" || schedule.progress) {
    return schedule;
  }
  return { ...schedule, progress: () => elapsedMs() / (minutes * 60000) };
}

/**
 * `progress` whose ticks also show the time left of a wall-clock budget (`left`, h:mm:ss or m:ss).
 *
 * @example
 * ```ts
 * import { createProgress } from "../cli/mod.ts";
 * import { budgetProgress } from "./train_on_faces.ts";
 * const p = budgetProgress(createProgress(undefined, { mode: "silent" }), () => 90);
 * p.tick(1, { loss: 0.1 });
 * console.assert(p.count === 1);
 * ```
 */
export function budgetProgress(progress: Progress, secondsLeft: () => number): Progress {
  return {
    tick: (n, info) =>
      progress.tick(n, { ...info, left: formatDuration(Math.max(0, secondsLeft())) }),
    fail: (n) => progress.fail(n),
    done: () => progress.done(),
    get count() {
      return progress.count;
    },
    get failures() {
      return progress.failures;
    },
  };
}
