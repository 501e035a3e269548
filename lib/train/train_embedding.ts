/**
 * The training loop: an embedding model trained over a PK loader with a miner, a loss and a
 * reducer ("online" mode, FaceNet's), or the monograph's three-input triplet model fed random
 * triplets drawn from "trunks" of images ("triplet-model" mode), on the same data.
 *
 * Each step: take a batch (P identities × K images), embed it without gradient and mine triplets,
 * then compute the loss with gradient — in one pass, or, when `microBatch` is set, in micro-batches
 * of at most that many distinct images whose gradients are accumulated (so a 1,800-image mining
 * batch fits the 32-bit wasm heap: the no-gradient embedding also runs in `embedChunk` chunks).
 * Then: NaN/Inf guard, L2 weight decay, clipping by global norm, an optimiser update at the
 * schedule's learning rate.
 *
 * Written to `outDir`: `metrics.jsonl` (per step, per epoch, forensics, callbacks, events),
 * `checkpoints/` (every `checkpointEvery` steps and at the end; see checkpoint.ts), `summary.json`.
 * `resume: true` continues from the latest checkpoint exactly (weights, optimiser, RNG, loader).
 *
 * @example
 * ```ts
 * import { trainEmbedding } from "./train_embedding.ts";
 * // const result = await trainEmbedding({ data: "data/synth", model: "tiny", steps: 100 }, { outDir: "runs/x" });
 * console.assert(typeof trainEmbedding === "function");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random/mod.ts";
import { createProgress, type Progress, type ProgressMode } from "../cli/mod.ts";
import {
  createDistance,
  createLoss,
  createMiner,
  createReducer,
  type Distance,
  type DistanceName,
  type EmbeddingLoss,
  isTriplets,
  type LossName,
  type Miner,
  type MinerName,
  type Pairs,
  type Reducer,
  type ReducerName,
  tripletDiagnostics,
  type Triplets,
  tupleCount,
} from "../losses/mod.ts";
import {
  createModel,
  createTripletModel,
  type ModelName,
  type ModelOptions,
} from "../model/mod.ts";
import { createPkLoader, type Dataset, scanDataset } from "../data/mod.ts";
import {
  createOptimizer,
  type Optimizer,
  type OptimizerName,
  type OptimizerOptions,
} from "./optimizer.ts";
import { createSchedule, type ScheduleOptions } from "./schedule.ts";
import { addWeightDecay, clipByGlobalNorm, layerGradNorms } from "./gradients.ts";
import { loadCheckpoint, restoreCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { collectForensics, type Forensics } from "./forensics.ts";
import { type CollapseDiagnosis, diagnoseCollapse } from "./diagnose.ts";
import { createCollapseDetector, type MetricsLog, openMetricsLog } from "./metrics_log.ts";
import { likelyNonFiniteCause, NonFiniteError } from "./non_finite.ts";
import { splitTriplets } from "./micro_batches.ts";
import { embedInChunks } from "./embed_in_chunks.ts";
import { randomTriplets } from "./random_triplets.ts";
import { batchTripletAccuracy } from "./batch_accuracy.ts";

/** One batch of a loader. The trainer disposes `images`. */
export interface TrainBatch {
  images: tf.Tensor4D;
  labels: Int32Array | ArrayLike<number>;
  paths?: string[];
}

/** A source of batches (lib/data's PK loader fits), optionally with resumable state. */
export interface BatchLoader {
  /** The next batch, or undefined when the loader is exhausted. */
  next(): Promise<TrainBatch | undefined>;
  /** Position to store in a checkpoint. */
  state?(): unknown;
  /** Continue from a stored position. */
  restore?(state: never): void;
  /** Stop background work. */
  close?(): Promise<void>;
}

/** Training configuration (JSON-serialisable apart from `model`/`data`/`loader` objects). */
export interface TrainConfig {
  /** Dataset root or a scanned Dataset (a PK loader is built over it). */
  data?: string | Dataset;
  /** Ready-made loader factory (overrides `data`), called once with the resolved seed. */
  loader?: (seed: number) => BatchLoader;
  /** Model name (built with `modelOptions`, `size`, `width`, `seed`) or a model. Default "nn4-small2". */
  model?: ModelName | tf.LayersModel;
  modelOptions?: ModelOptions;
  /** Input size. Default 96. */
  size?: number;
  /** Width multiplier of the model. Default 1. */
  width?: number;
  /** "online" (embedding + miner + loss) or "triplet-model" (the monograph's three-input model). */
  mode?: "online" | "triplet-model";
  /** Default "triplet". */
  loss?: LossName;
  /** Extra loss options (form, scale, …). */
  lossOptions?: Record<string, unknown>;
  /** Default "squaredEuclidean" (FaceNet's). */
  distance?: DistanceName;
  /** Default "semihard". */
  miner?: MinerName;
  minerOptions?: Record<string, unknown>;
  /** Default 0.2. */
  margin?: number;
  /** Default "mean". */
  reducer?: ReducerName;
  /** Default "adagrad". */
  optimizer?: OptimizerName;
  optimizerOptions?: OptimizerOptions;
  /** Base learning rate. Default 0.05 (FaceNet's AdaGrad). */
  lr?: number;
  /** Schedule kind and its options (lr and steps come from this config). Default constant. */
  schedule?: Omit<ScheduleOptions, "lr" | "steps">;
  /** L2 weight decay on kernels. Default 0. */
  weightDecay?: number;
  /** Clip gradients by global norm; 0 disables. Default 0. */
  clipNorm?: number;
  /** Total steps. Required. */
  steps: number;
  /** Identities per batch. Default 10. */
  p?: number;
  /** Images per identity. Default 4. */
  k?: number;
  /** Loader augmentation. Default false. */
  augment?: boolean;
  /** Seed of everything (model init, loader, miner). Default 0. */
  seed?: number;
  /** Max distinct images per gradient micro-batch (accumulated); 0 = whole batch. Default 0. */
  microBatch?: number;
  /** Images per no-gradient embedding chunk when mining. Default: whole batch (or 90 with microBatch). */
  embedChunk?: number;
  /** Train on at most this many micro-batches of each step's mined triplets (benchmarks, time boxes). */
  maxMicroBatches?: number;
  /** Run the mining forward pass in training mode (batch norm). Default true (as facenet). */
  miningTraining?: boolean;
  /** "triplet-model" mode: random triplets per step and steps per trunk. Defaults p·k and 1. */
  trunk?: { tripletsPerStep?: number; stepsPerTrunk?: number };
  /** Checkpoint every N steps (and always at the end when `outDir` is set). 0: only at the end. */
  checkpointEvery?: number;
  /** Checkpoints kept. Default 2. */
  keepCheckpoints?: number;
  /** Collect collapse forensics every N steps (and when collapse is confirmed, and at the end). Default 50. */
  forensicsEvery?: number;
  /** Images of the batch used for forensics. Default 64. */
  forensicsImages?: number;
  /** Steps per epoch (for epoch metrics). Default: dataset images / (p·k), else 100. */
  epochSteps?: number;
  /** Consecutive collapsed steps that confirm a collapse. Default 3. */
  collapsePatience?: number;
  /** Stop when a collapse is confirmed. Default false. */
  stopOnCollapse?: boolean;
}

/** Metrics of one step (also a JSONL line with type "step"). */
export interface StepMetrics {
  step: number;
  epoch: number;
  loss: number;
  /** Fraction of all valid triplets of the batch with d_an > d_ap (see batch_accuracy.ts). */
  accuracy: number;
  /** The same over the mined triplets only (≈ 1 by construction for semi-hard mining). */
  minedAccuracy: number;
  /** Fraction of mined triplets with positive loss. */
  activeFraction: number;
  triplets: number;
  dAp: { mean: number; std: number; min: number; max: number };
  dAn: { mean: number; std: number; min: number; max: number };
  spread: { meanPairwise: number; dimStd: number };
  collapsed: boolean;
  lr: number;
  gradNorm: number;
  imagesPerSec: number;
  stepMs: number;
  /** Time from the step's start to mined triplets: waiting for the batch, embedding it without gradient, mining. */
  mineMs: number;
  /** Time of the forward and backward passes (all micro-batches) and the update. */
  gradMs: number;
  /** Gradient micro-batches this step (1 without micro-batching). */
  microBatches: number;
  /** Micro-batches the mined triplets split into (more than `microBatches` when capped by `maxMicroBatches`). */
  microBatchesMined: number;
}

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

/** Options of {@link trainEmbedding}. */
export interface TrainOptions {
  signal?: AbortSignal;
  /** A Progress, a mode for createProgress, or false. Default "auto". */
  progress?: Progress | ProgressMode | false;
  callbacks?: TrainCallback[];
  /** Where metrics, checkpoints and the summary go. Without it nothing is written. */
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
  callbackResults: { name: string; step: number; values: Record<string, unknown> }[];
  /** Last checkpoint folder written. */
  checkpoint?: string;
  seconds: number;
}

const pick = <T>(v: T | undefined, d: T): T => (v === undefined ? d : v);

/** Sum of (a - b)² minimum over distinct rows (0 means two embeddings coincide). */
async function minPairDistance(x: tf.Tensor2D): Promise<number> {
  const d = tf.tidy(() => {
    const sq = x.square().sum(1);
    const d2 = sq.expandDims(1).add(sq.expandDims(0)).sub(x.matMul(x, false, true).mul(2));
    const n = x.shape[0];
    return d2.add(tf.eye(n).mul(1e30)).min();
  });
  const v = (await d.data())[0];
  d.dispose();
  return Math.max(0, v);
}

/**
 * Trains an embedding model. See the module doc for what is written and how resume works.
 *
 * @example
 * ```ts
 * import { trainEmbedding } from "./train_embedding.ts";
 * // const r = await trainEmbedding({ data: "data/synth", model: "tiny", steps: 20, p: 4, k: 3, size: 32 });
 * // r.model.dispose();
 * console.assert(typeof trainEmbedding === "function");
 * ```
 */
export async function trainEmbedding(
  config: TrainConfig,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const t0 = performance.now();
  const steps = config.steps;
  if (!(Number.isInteger(steps) && steps > 0)) {
    throw new Error(`trainEmbedding: 'steps' must be a positive integer, got ${steps}`);
  }
  const seed = pick(config.seed, 0);
  const size = pick(config.size, 96);
  const p = pick(config.p, 10), k = pick(config.k, 4);
  const margin = pick(config.margin, 0.2);
  const distanceName: DistanceName = pick(config.distance, "squaredEuclidean");
  const mode = pick(config.mode, "online");
  const microBatch = pick(config.microBatch, 0);
  const miningTraining = pick(config.miningTraining, true);
  const forensicsEvery = pick(config.forensicsEvery, 50);
  const forensicsImages = pick(config.forensicsImages, 64);
  const checkpointEvery = pick(config.checkpointEvery, 0);
  const outDir = options.outDir;
  const ckDir = outDir ? `${outDir}/checkpoints` : undefined;

  // ---- data
  let dataset: Dataset | undefined;
  let loader: BatchLoader;
  if (config.loader) loader = config.loader(seed);
  else {
    if (config.data === undefined) {
      throw new Error("trainEmbedding: give 'data' (a folder or Dataset) or 'loader'");
    }
    dataset = typeof config.data === "string"
      ? await scanDataset(config.data, { minPerIdentity: 2 })
      : config.data;
    if (dataset.identities.length < 2) {
      throw new Error(
        `trainEmbedding: dataset ${dataset.root} needs ≥ 2 identities with ≥ 2 images, has ${dataset.identities.length}`,
      );
    }
    loader = createPkLoader(dataset, {
      p,
      k,
      size,
      seed: seed + 1,
      augment: config.augment ?? false,
    });
  }
  const epochSteps = config.epochSteps ??
    (dataset ? Math.max(1, Math.ceil(dataset.items.length / (p * k))) : 100);

  // ---- model, loss, miner, reducer, optimiser
  const ownsModel = typeof config.model !== "object";
  const model = typeof config.model === "object"
    ? config.model
    : createModel(pick(config.model as ModelName | undefined, "nn4-small2"), {
      inputSize: size,
      widthMultiplier: pick(config.width, 1),
      seed,
      ...config.modelOptions,
    });
  const distance: Distance = createDistance(distanceName);
  const lossName: LossName = pick(config.loss, "triplet");
  const classifier = lossName === "arcface" || lossName === "cosface";
  const loss: EmbeddingLoss = createLoss(lossName, {
    // the triplet default margin (0.2) is not ArcFace's: pass a margin only where it is the default's
    ...(classifier && config.margin === undefined ? {} : { margin }),
    distance,
    ...(classifier
      ? {
        numClasses: dataset?.identities.length,
        embeddingDim: model.outputs[0].shape[1] as number,
        seed,
      }
      : {}),
    ...config.lossOptions,
  });
  const reducer: Reducer = createReducer(pick(config.reducer, "mean"));
  const rng = createRng(seed + 2);
  const minerName: MinerName = pick(config.miner, "semihard");
  const makeMiner = (): Miner =>
    createMiner(minerName, {
      margin,
      distance,
      seed: rng.int(2 ** 31),
      ...config.minerOptions,
    } as never);
  const optimizer: Optimizer = createOptimizer(
    pick(config.optimizer, "adagrad"),
    config.optimizerOptions,
  );
  const lrAt = createSchedule({ ...config.schedule, lr: pick(config.lr, 0.05), steps });
  const lossVars = loss.trainableWeights ?? [];
  const variables = [...model.trainableWeights.map((w) => w.read() as tf.Variable), ...lossVars];
  // tfjs-layers counts each symbolic apply() of the embedder as a reference, and disposing the
  // triplet model does not give them all back: remember the count and restore it when done, so the
  // embedder can still be disposed by its owner.
  const embedderRefs = (model as unknown as { _refCount: number | null })._refCount;
  const tripletModel = mode === "triplet-model"
    ? createTripletModel(model, { distance })
    : undefined;
  const releaseTripletModel = () => {
    if (!tripletModel) return;
    (model as unknown as { _refCount: number | null })._refCount = embedderRefs;
  };
  const detector = createCollapseDetector({ patience: config.collapsePatience });

  // ---- resume
  let step = 0;
  let epochAcc = { loss: 0, accuracy: 0, active: 0, images: 0, steps: 0, sec: 0 };
  let lastCheckpoint: string | undefined;
  if (options.resume) {
    if (!ckDir) throw new Error("trainEmbedding: resume needs 'outDir'");
    const ck = await loadCheckpoint(ckDir);
    if (ck) {
      restoreCheckpoint(ck, { model, optimizer, variables: lossVars });
      step = ck.step;
      const extra = ck.extra as {
        rng: number;
        loader?: unknown;
        detector: Parameters<typeof detector.restore>[0];
        epochAcc: typeof epochAcc;
      };
      rng.state = extra.rng;
      if (extra.loader !== undefined) {
        if (typeof loader.restore !== "function") {
          throw new Error(
            "trainEmbedding: checkpoint has loader state but the loader has no restore()",
          );
        }
        loader.restore(extra.loader as never);
      }
      detector.restore(extra.detector);
      epochAcc = extra.epochAcc;
      lastCheckpoint = ck.path;
    }
  }
  const startStep = step;
  if (outDir) await Deno.mkdir(outDir, { recursive: true });
  const log: MetricsLog | undefined = outDir
    ? await openMetricsLog(`${outDir}/metrics.jsonl`, { keepUpToStep: step })
    : undefined;
  if (outDir && step === 0) {
    const { loader: _l, data, model: m, ...rest } = config;
    await Deno.writeTextFile(
      `${outDir}/config.json`,
      JSON.stringify(
        {
          ...rest,
          data: typeof data === "string" ? data : data?.root,
          model: typeof m === "object" ? m.name : m,
        },
        null,
        2,
      ),
    );
  }

  const checkpoint = async (): Promise<void> => {
    if (!ckDir) return;
    lastCheckpoint = await saveCheckpoint(ckDir, {
      model,
      step,
      optimizer,
      variables: lossVars,
      keep: config.keepCheckpoints,
      extra: {
        rng: rng.state,
        loader: loader.state?.(),
        detector: detector.state(),
        epochAcc,
      },
    });
  };

  const progress: Progress | undefined = options.progress === false
    ? undefined
    : typeof options.progress === "object"
    ? options.progress
    : createProgress(steps, {
      label: "train",
      unit: "step",
      initial: step,
      mode: options.progress ?? "auto",
    });

  const history: StepMetrics[] = [];
  const epochs: EpochMetrics[] = [];
  const forensics: Forensics[] = [];
  const callbackResults: TrainResult["callbackResults"] = [];
  let stopped: TrainResult["stopped"] = "completed";
  let prevGradNorm = 0;
  const callbacks = options.callbacks ?? [];

  const runCallbacks = async (
    hook: "onStep" | "onEnd",
    ctx: TrainContext,
  ) => {
    for (const cb of callbacks) {
      const fn = cb[hook];
      if (!fn) continue;
      if (hook === "onStep" && cb.every && ctx.step % cb.every !== 0) continue;
      const values = await fn.call(cb, ctx);
      if (values) {
        callbackResults.push({ name: cb.name, step: ctx.step, values });
        await log?.write({ type: "callback", name: cb.name, step: ctx.step, ...values });
      }
    }
  };

  try {
    while (step < steps) {
      if (
        options.signal?.aborted ||
        (options.stopAfterStep !== undefined && step >= options.stopAfterStep)
      ) {
        stopped = "aborted";
        break;
      }
      const tStep = performance.now();
      const batch = await loader.next();
      if (!batch) throw new Error(`trainEmbedding: the loader ended at step ${step} of ${steps}`);
      const labels = Int32Array.from(batch.labels);
      const images = batch.images;
      const n = images.shape[0];
      const lr = lrAt(step);
      const thisStep = step + 1;
      let embeddings: tf.Tensor2D | undefined;
      let lossValue: tf.Scalar | undefined;
      let grads: Record<string, tf.Tensor> = {};
      let mined: Triplets | Pairs;
      try {
        // 1. embed without gradient and mine
        embeddings = microBatch > 0 || config.embedChunk
          ? await embedInChunks(model, images, {
            chunk: config.embedChunk ?? (microBatch > 0 ? 90 : n),
            training: miningTraining,
          })
          : tf.tidy(() => model.apply(images, { training: miningTraining }) as tf.Tensor2D);
        if (mode === "triplet-model") {
          mined = randomTriplets(labels, {
            count: config.trunk?.tripletsPerStep ?? p * k,
            rng,
          });
        } else {
          mined = await makeMiner().mine(embeddings, labels);
        }
        const count = tupleCount(mined);
        const tMined = performance.now();
        let microBatches = count > 0 ? 1 : 0, microBatchesMined = microBatches;

        // 2. loss and gradients
        if (count > 0) {
          if (mode === "triplet-model") {
            const t = mined as Triplets;
            const r = tf.tidy(() => {
              const ia = tf.tensor1d(t.anchors, "int32"), ip = tf.tensor1d(t.positives, "int32");
              const ineg = tf.tensor1d(t.negatives, "int32");
              const xa = tf.gather(images, ia),
                xp = tf.gather(images, ip),
                xn = tf.gather(images, ineg);
              return tf.variableGrads(() => {
                const outs = tripletModel!.apply([xa, xp, xn], { training: true }) as tf.Tensor[];
                return outs[0].reshape([-1]).sub(outs[1].reshape([-1])).add(margin).relu()
                  .mean() as tf.Scalar;
              }, variables);
            });
            lossValue = r.value;
            grads = r.grads;
          } else if (microBatch > 0 && n > microBatch) {
            if (!isTriplets(mined)) {
              throw new Error(
                `trainEmbedding: 'microBatch' needs a triplet miner, '${minerName}' gives pairs`,
              );
            }
            const denom = await reducerDenominator(reducer, loss, embeddings, labels, mined);
            const all = splitTriplets(mined, microBatch);
            const parts = all.slice(0, config.maxMicroBatches ?? Infinity);
            microBatches = parts.length;
            microBatchesMined = all.length;
            let total = tf.scalar(0);
            for (const part of parts) {
              const r = tf.tidy(() => {
                const idx = tf.tensor1d(part.images, "int32");
                const sub = tf.gather(images, idx);
                const subLabels = Int32Array.from(part.images, (i) => labels[i]);
                return tf.variableGrads(() => {
                  const e = model.apply(sub, { training: true }) as tf.Tensor2D;
                  return loss.compute(e, subLabels, part.triplets).sum().div(denom) as tf.Scalar;
                }, variables);
              });
              const nt = total.add(r.value) as tf.Scalar;
              tf.dispose([total, r.value]);
              total = nt;
              for (const [name, g] of Object.entries(r.grads)) {
                if (grads[name]) {
                  const s = grads[name].add(g);
                  tf.dispose([grads[name], g]);
                  grads[name] = s;
                } else grads[name] = g;
              }
            }
            lossValue = total;
          } else {
            const r = tf.tidy(() =>
              tf.variableGrads(() => {
                const e = model.apply(images, { training: true }) as tf.Tensor2D;
                return reducer.reduce(loss.compute(e, labels, mined));
              }, variables)
            );
            lossValue = r.value;
            grads = r.grads;
          }
        }

        // 3. NaN/Inf guard, decay, clip, update
        const lossNum = lossValue ? (await lossValue.data())[0] : 0;
        let gradNorm = 0;
        if (count > 0) {
          const decayed = addWeightDecay(grads, variables, pick(config.weightDecay, 0));
          const clipped = clipByGlobalNorm(decayed, pick(config.clipNorm, 0));
          tf.dispose(Object.values(decayed));
          gradNorm = (await clipped.norm.data())[0];
          clipped.norm.dispose();
          if (!Number.isFinite(lossNum) || !Number.isFinite(gradNorm)) {
            tf.dispose(Object.values(clipped.grads));
            const inputBad = await hasNonFinite(images);
            const what = Number.isFinite(lossNum) ? "gradient" : "loss";
            throw new NonFiniteError({
              step: thisStep,
              what,
              detail: `loss ${lossNum}, gradient norm ${gradNorm}`,
              cause: likelyNonFiniteCause({
                distance: distanceName,
                minDistance: await minPairDistance(embeddings),
                loss: lossNum,
                lossFinite: Number.isFinite(lossNum),
                previousGradNorm: prevGradNorm,
                lr,
                inputNonFinite: inputBad,
              }),
              lastCheckpoint,
            });
          }
          optimizer.apply(variables, clipped.grads, lr);
          tf.dispose(Object.values(clipped.grads));
          prevGradNorm = gradNorm;
        }
        const tGrad = performance.now();

        // 4. metrics
        const diag = isTriplets(mined)
          ? await tripletDiagnostics(embeddings, labels, mined, { distance, margin })
          : undefined;
        const dm = tf.tidy(() => distance.matrix(embeddings!));
        const accuracy = batchTripletAccuracy(await dm.data(), labels);
        dm.dispose();
        step = thisStep;
        const stepMs = performance.now() - tStep;
        const nan = { mean: NaN, std: NaN, min: NaN, max: NaN };
        const metrics: StepMetrics = {
          step,
          epoch: Math.floor((step - 1) / epochSteps),
          loss: lossNum,
          accuracy,
          minedAccuracy: diag?.accuracy ?? NaN,
          activeFraction: diag?.activeFraction ?? NaN,
          triplets: count,
          dAp: diag?.dAp ?? nan,
          dAn: diag?.dAn ?? nan,
          spread: diag?.spread ?? { meanPairwise: NaN, dimStd: NaN },
          collapsed: diag?.collapsed ?? false,
          lr,
          gradNorm,
          imagesPerSec: (n * 1000) / stepMs,
          stepMs,
          mineMs: tMined - tStep,
          gradMs: tGrad - tMined,
          microBatches,
          microBatchesMined,
        };
        history.push(metrics);
        await log?.write({ type: "step", ...metrics });
        const confirmed = detector.update(step, metrics.collapsed);
        if (confirmed) {
          await log?.write({
            type: "event",
            step,
            event: "collapse",
            collapseStep: detector.collapseStep,
          });
        }

        // forensics (gradient norms from this step's raw gradients)
        const wantForensics = forensicsEvery > 0 &&
          (step % forensicsEvery === 0 || step === 1 || confirmed || step === steps);
        if (wantForensics) {
          const m = Math.min(n, forensicsImages);
          const probe = tf.slice(images, 0, m);
          const gradNorms = count > 0 ? await layerGradNorms(grads) : undefined;
          const f = await collectForensics(model, probe, { step, gradNorms });
          probe.dispose();
          forensics.push(f);
          await log?.write({ type: "forensics", ...f });
        }

        // epoch accounting
        epochAcc.loss += lossNum;
        epochAcc.accuracy += metrics.accuracy;
        epochAcc.active += metrics.activeFraction;
        epochAcc.images += n;
        epochAcc.steps += 1;
        epochAcc.sec += stepMs / 1000;
        const ctx: TrainContext = { step, epoch: metrics.epoch, model, metrics, config };
        if (step % epochSteps === 0) {
          const e: EpochMetrics = {
            epoch: metrics.epoch,
            step,
            loss: epochAcc.loss / epochAcc.steps,
            accuracy: epochAcc.accuracy / epochAcc.steps,
            activeFraction: epochAcc.active / epochAcc.steps,
            imagesPerSec: epochAcc.images / epochAcc.sec,
            epochSec: epochAcc.sec,
          };
          epochs.push(e);
          await log?.write({ type: "epoch", ...e });
          epochAcc = { loss: 0, accuracy: 0, active: 0, images: 0, steps: 0, sec: 0 };
          for (const cb of callbacks) {
            const values = await cb.onEpoch?.({ ...ctx, epochMetrics: e });
            if (values) {
              callbackResults.push({ name: cb.name, step, values });
              await log?.write({ type: "callback", name: cb.name, step, ...values });
            }
          }
        }
        progress?.tick(1, {
          loss: lossNum,
          acc: metrics.accuracy,
          "img/s": Math.round(metrics.imagesPerSec),
        });
        await runCallbacks("onStep", ctx);
        if (checkpointEvery > 0 && step % checkpointEvery === 0 && step < steps) await checkpoint();
        if (confirmed && config.stopOnCollapse) {
          stopped = "collapsed";
          break;
        }
      } finally {
        tf.dispose([
          images,
          ...(embeddings ? [embeddings] : []),
          ...(lossValue ? [lossValue] : []),
        ]);
        tf.dispose(Object.values(grads));
      }
    }
    await checkpoint();
    if (history.length > 0) {
      const last = history[history.length - 1];
      await runCallbacks("onEnd", { step, epoch: last.epoch, model, metrics: last, config });
    }
  } catch (e) {
    progress?.done();
    await log?.write({
      type: "event",
      step,
      event: "error",
      message: e instanceof Error ? e.message : String(e),
    });
    optimizer.dispose();
    releaseTripletModel();
    disposeLoss(loss);
    if (ownsModel) model.dispose();
    await loader.close?.();
    throw e;
  }
  progress?.done();
  await loader.close?.();
  optimizer.dispose();
  releaseTripletModel();
  disposeLoss(loss);
  const diagnosis = forensics.length ? diagnoseCollapse(forensics) : undefined;
  const result: TrainResult = {
    model,
    step,
    startStep,
    stopped,
    history,
    epochs,
    collapseStep: detector.collapseStep,
    collapseEvents: detector.events,
    forensics,
    diagnosis,
    callbackResults,
    checkpoint: lastCheckpoint,
    seconds: (performance.now() - t0) / 1000,
  };
  if (outDir) {
    await Deno.writeTextFile(
      `${outDir}/summary.json`,
      JSON.stringify(
        {
          step,
          startStep,
          stopped,
          collapseStep: result.collapseStep ?? null,
          collapseEvents: result.collapseEvents,
          diagnosis,
          lastStep: history[history.length - 1] ?? null,
          epochs,
          callbackResults,
          checkpoint: lastCheckpoint,
          seconds: result.seconds,
        },
        (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
        2,
      ),
    );
  }
  return result;
}

/** The denominator that turns summed per-triplet losses into the reducer's value. */
async function reducerDenominator(
  reducer: Reducer,
  loss: EmbeddingLoss,
  embeddings: tf.Tensor2D,
  labels: Int32Array,
  triplets: Triplets,
): Promise<number> {
  switch (reducer.name) {
    case "sum":
      return 1;
    case "mean":
      return Math.max(1, triplets.anchors.length);
    case "meanNonZero": {
      const c = tf.tidy(() => loss.compute(embeddings, labels, triplets).greater(0).sum());
      const v = (await c.data())[0];
      c.dispose();
      return Math.max(1, v);
    }
    default:
      throw new Error(`trainEmbedding: micro-batches do not support reducer '${reducer.name}'`);
  }
}

/** Frees a loss's own variables (ArcFace/CosFace class weights), which the loop created. */
function disposeLoss(loss: EmbeddingLoss): void {
  (loss as { dispose?: () => void }).dispose?.();
}

async function hasNonFinite(x: tf.Tensor): Promise<boolean> {
  const t = tf.tidy(() => x.isNaN().any().logicalOr(x.isInf().any()));
  const v = (await t.data())[0];
  t.dispose();
  return v === 1;
}
