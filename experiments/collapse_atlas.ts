/**
 * `collapse-atlas`: under which realistic settings does an NN2-style network trained with triplet
 * loss collapse, how often, how fast, by which mechanism, and which change prevents it?
 *
 * The pipeline is the monograph's — a three-input triplet model fed random triplets drawn from
 * "trunks" of images (`pipeline` "random-triplets"), with FaceNet's online semi-hard mining as one
 * neighbour ("semihard") — on NN2's layer sequence (LRN, L2 pooling, final L2 normalisation), its
 * width and input size reduced to run on a CPU (see `width`, `size`).
 *
 * The design is fractional: a baseline close to what is known of the monograph (margin 1,
 * √max(d², ε), Adam at Keras' default 1e-3, standardised input), every one-factor neighbour of it
 * (optimiser × learning rate, input scaling, margin, distance, architecture, data, pipeline) on
 * `seeds` seeds, and three 2-D slices on `sliceSeeds` seeds (Adam learning rate × input scaling,
 * margin × distance, architecture × Adam learning rate). One sweep cell is one (configuration, seed)
 * training run, cached, so the sweep resumes after a kill and shards with `--shard k/n`.
 *
 * Each run trains on identities split off by lib/atlas's `heldOutSplit` and is judged on pairs of
 * identities it never saw; lib/atlas's `classifyRun` names the outcome (collapsed / learned /
 * not-learned) and the mechanism (lib/train's forensics). The analysis groups the seeds of each
 * configuration into a cell (collapse rate with a Wilson 95% interval, mechanism, steps to
 * collapse, final loss/α, triplet accuracy, d_ap, d_an, held-out accuracy against chance), draws
 * the phase diagrams, and renders every finding sentence from those numbers.
 *
 * The `small` preset is 180 runs (44 configurations); spread over a cluster with a Slurm job array
 * (each task runs every 16th run and caches it under the shared `--out`), then merge:
 *
 * ```sh
 * # job.sh, submitted as: sbatch --array=1-16 --cpus-per-task=2 job.sh
 * deno task experiment collapse-atlas --preset small --out /shared/runs --shard ${SLURM_ARRAY_TASK_ID}/16
 * # when all 16 have finished (sbatch --dependency=afterok:<array job id> merge.sh):
 * deno task experiment collapse-atlas --preset small --out /shared/runs --merge
 * ```
 *
 * A killed run (or shard) started again with the same `--out` reads its finished runs back and
 * runs only the rest. Add `--set data=real` or keep "real" in `datas` only after preprocessing
 * LFW's DevTrain faces into `realFaces` (see the error message for the command).
 * @module
 */
import {
  type AtlasCell,
  atlasFindings,
  classifyRun,
  compareFinding,
  formatNumber,
  type HeldOutAccuracy,
  heldOutAccuracy,
  heldOutSplit,
  phaseDiagram,
  type RunVerdict,
  summarizeCell,
} from "../lib/atlas/mod.ts";
import { type Dataset, scanDataset } from "../lib/data/mod.ts";
import {
  type CellContext,
  type CellOutcome,
  defineExperiment,
  experimentData,
  type ExperimentResult,
} from "../lib/experiment/mod.ts";
import { DISTANCE_NAMES, type DistanceName } from "../lib/losses/mod.ts";
import { MODEL_NAMES, type ModelName, type ModelOptions } from "../lib/model/mod.ts";
import { barFigure, type Figure, lineFigure } from "../lib/plot/mod.ts";
import {
  NonFiniteError,
  type OptimizerName,
  type StepMetrics,
  type TrainConfig,
  trainEmbedding,
  type TrainResult,
} from "../lib/train/mod.ts";

/** The architectures of the atlas: the paper's and one change each. */
export const ATLAS_ARCHS = [
  "paper",
  "batch-norm",
  "max-pool",
  "no-final-l2",
  "relu-embedding",
] as const;
/** The 2-D slices of the design. */
export const ATLAS_SLICES = ["lr-scaling", "margin-distance", "arch-lr"] as const;

type Config = {
  /** First seed; a cell with n seeds runs seed, seed + 1, …, seed + n − 1. */
  seed: number;
  /** Seeds of the baseline and each one-factor neighbour. */
  seeds: number;
  /** Seeds of each further cell of the 2-D slices. */
  sliceSeeds: number;
  /** Seed of the synthetic identities and of the held-out split (the same for every run). */
  dataSeed: number;
  model: ModelName;
  /** Width multiplier of the model's filter counts. */
  width: number;
  /** Input side in pixels. */
  size: number;
  identities: number;
  perIdentity: number;
  difficulty: number;
  /** Share of identities held out of training for verification. */
  heldOutFraction: number;
  heldOutPairs: number;
  steps: number;
  /** Images per step (a "trunk": trunk / k identities × k images). */
  trunk: number;
  k: number;
  /** Random triplets drawn from each trunk ("random-triplets" pipeline). */
  triplets: number;
  // the baseline's value of each axis
  pipeline: string;
  optimizer: OptimizerName;
  lr: number;
  inputScaling: string;
  margin: number;
  distance: DistanceName;
  arch: string;
  data: string;
  /** A preprocessed real-face folder (identity/image layout), used by data = "real". */
  realFaces: string;
  // the sweep: values of each one-factor axis besides the baseline's
  adamLrs: number[];
  sgdLrs: number[];
  adagradLrs: number[];
  scalings: string[];
  margins: number[];
  distances: string[];
  archs: string[];
  datas: string[];
  pipelines: string[];
  /** Which 2-D slices to run. */
  slices: string[];
  /** Adam learning rates of the lr × scaling and arch × lr slices. */
  sliceLrs: number[];
};

/** The fields a design point sets (one run's settings besides size and seed). */
const POINT_KEYS = [
  "pipeline",
  "optimizer",
  "lr",
  "inputScaling",
  "margin",
  "distance",
  "arch",
  "data",
] as const;
type Point = Pick<Config, typeof POINT_KEYS[number]>;

/** Sweep-only fields, cleared in every run's config so its cache key depends on the run alone. */
const SWEEP_CLEAR: Partial<Config> = {
  seeds: 0,
  sliceSeeds: 0,
  adamLrs: [],
  sgdLrs: [],
  adagradLrs: [],
  scalings: [],
  margins: [],
  distances: [],
  archs: [],
  datas: [],
  pipelines: [],
  slices: [],
  sliceLrs: [],
};

/** A design point: its label, group, settings and number of seeds. */
export interface DesignPoint {
  label: string;
  /** "baseline", "one-factor" or a slice name. */
  group: string;
  point: Point;
  seeds: number;
}

const DISTANCE_LABEL: Record<string, string> = {
  euclideanEps: "√max(d²,ε)",
  euclidean: "√d²",
  squaredEuclidean: "d²",
  euclideanPlusEps: "√(d²+ε)",
  cosine: "cosine",
};

function pointLabel(p: Point, base: Point): string {
  const parts: string[] = [];
  if (p.optimizer !== base.optimizer || p.lr !== base.lr) parts.push(`${p.optimizer} lr ${p.lr}`);
  if (p.inputScaling !== base.inputScaling) parts.push(`input ${p.inputScaling}`);
  if (p.margin !== base.margin) parts.push(`margin ${p.margin}`);
  if (p.distance !== base.distance) parts.push(DISTANCE_LABEL[p.distance] ?? p.distance);
  if (p.arch !== base.arch) parts.push(p.arch);
  if (p.data !== base.data) parts.push(`${p.data} faces`);
  if (p.pipeline !== base.pipeline) parts.push(p.pipeline);
  return parts.length ? parts.join(", ") : "baseline";
}

/**
 * The fractional design: the baseline, its one-factor neighbours (`seeds` each), then the 2-D
 * slices' other points (`sliceSeeds` each); a point reached twice is run once, with the larger
 * number of seeds.
 *
 * @example
 * ```ts
 * import { atlasDesign, collapseAtlas } from "./collapse_atlas.ts";
 * const d = atlasDesign(collapseAtlas.presets.small);
 * console.assert(d[0].label === "baseline" && d.every((p) => p.seeds >= 3));
 * ```
 */
export function atlasDesign(config: Config): DesignPoint[] {
  const base: Point = Object.fromEntries(POINT_KEYS.map((k) => [k, config[k]])) as Point;
  const out = new Map<string, DesignPoint>();
  const add = (over: Partial<Point>, group: string, seeds: number) => {
    const point = { ...base, ...over };
    const key = JSON.stringify(POINT_KEYS.map((k) => point[k]));
    const seen = out.get(key);
    if (seen) seen.seeds = Math.max(seen.seeds, seeds);
    else out.set(key, { label: pointLabel(point, base), group, point, seeds });
  };
  add({}, "baseline", config.seeds);
  const opt = (optimizer: OptimizerName, lrs: number[]) =>
    lrs.forEach((lr) => add({ optimizer, lr }, "one-factor", config.seeds));
  opt("adam", config.adamLrs);
  opt("sgd", config.sgdLrs);
  opt("adagrad", config.adagradLrs);
  config.scalings.forEach((inputScaling) => add({ inputScaling }, "one-factor", config.seeds));
  config.margins.forEach((margin) => add({ margin }, "one-factor", config.seeds));
  config.distances.forEach((d) => add({ distance: d as DistanceName }, "one-factor", config.seeds));
  config.archs.forEach((arch) => add({ arch }, "one-factor", config.seeds));
  config.datas.forEach((data) => add({ data }, "one-factor", config.seeds));
  config.pipelines.forEach((pipeline) => add({ pipeline }, "one-factor", config.seeds));
  const s = config.sliceSeeds;
  const lrs = [...new Set([config.lr, ...config.sliceLrs])];
  const scalings = [...new Set([config.inputScaling, ...config.scalings])];
  const margins = [...new Set([config.margin, ...config.margins])];
  const distances = [...new Set([config.distance, ...config.distances])] as DistanceName[];
  const archs = [...new Set([config.arch, ...config.archs])];
  for (const slice of config.slices) {
    if (slice === "lr-scaling") {
      for (const lr of lrs) {
        for (const inputScaling of scalings) {
          add({ optimizer: "adam", lr, inputScaling }, slice, s);
        }
      }
    } else if (slice === "margin-distance") {
      for (const margin of margins) {
        for (const distance of distances) add({ margin, distance }, slice, s);
      }
    } else if (slice === "arch-lr") {
      for (const arch of archs) {
        for (const lr of lrs) add({ optimizer: "adam", lr, arch }, slice, s);
      }
    }
  }
  return [...out.values()];
}

/** lib/model options of an atlas architecture and input scaling. */
export function archModelOptions(arch: string, inputScaling: string): ModelOptions {
  const paper: ModelOptions = {
    norm: "lrn",
    l2Pooling: "l2",
    finalL2: true,
    embeddingActivation: "linear",
    inputScaling: inputScaling as ModelOptions["inputScaling"],
  };
  switch (arch) {
    case "paper":
      return paper;
    case "batch-norm":
      return { ...paper, norm: "batch" };
    case "max-pool":
      return { ...paper, l2Pooling: "max" };
    case "no-final-l2":
      return { ...paper, finalL2: false };
    case "relu-embedding":
      return { ...paper, embeddingActivation: "relu" };
    default:
      throw new Error(`collapse-atlas: unknown arch '${arch}'; expected ${ATLAS_ARCHS.join(", ")}`);
  }
}

/** What one run (one sweep cell) returns. */
export type AtlasRun = RunVerdict & {
  label: string;
  group: string;
  /** Loss / α per step, at most 100 points (for the per-mechanism examples). */
  lossCurve: number[];
  heldOutPairs: number;
  seconds: number;
};

/** The settings one atlas run reads (a subset of the atlas's config; see {@link runAtlasCell}). */
export type AtlasRunSettings = Pick<
  Config,
  | "seed"
  | "dataSeed"
  | "model"
  | "width"
  | "size"
  | "identities"
  | "perIdentity"
  | "difficulty"
  | "heldOutFraction"
  | "heldOutPairs"
  | "steps"
  | "trunk"
  | "k"
  | "triplets"
  | "realFaces"
  | typeof POINT_KEYS[number]
>;

function realFacesRoot(config: Pick<Config, "realFaces">): string {
  return config.realFaces.startsWith("/")
    ? config.realFaces
    : new URL(`../${config.realFaces}`, import.meta.url).pathname;
}

/** Throws, naming the folder and the command that makes it, when the real-face crops are missing. */
function requireRealFaces(config: Pick<Config, "realFaces" | "size">): void {
  const root = realFacesRoot(config);
  let ok = false;
  try {
    ok = Deno.statSync(root).isDirectory;
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new Error(
      `collapse-atlas: the real-face cells (data = "real") need preprocessed faces in '${root}' ` +
        `(realFaces), which does not exist. Make them with: deno task preprocess --in ` +
        `../shared/faces/train/lfw-devtrain --out ${config.realFaces} --size ${config.size}` +
        ` — or leave real faces out with --set datas=`,
    );
  }
}

async function runData(config: AtlasRunSettings, ctx: CellContext): Promise<Dataset> {
  if (config.data === "synthetic") {
    const d = await experimentData(ctx, {
      identities: config.identities,
      perIdentity: config.perIdentity,
      size: config.size,
      difficulty: config.difficulty,
      seed: config.dataSeed,
      pairs: 0,
    });
    return d.dataset;
  }
  const root = realFacesRoot(config);
  try {
    return await scanDataset(root, { minPerIdentity: config.k });
  } catch (e) {
    throw new Error(
      `collapse-atlas: data = "real" needs preprocessed faces in '${root}' (realFaces): ` +
        `${e instanceof Error ? e.message : e}. Make them with: deno task preprocess --in ` +
        `../shared/faces/train/lfw-devtrain --out ${config.realFaces} --size ${config.size}`,
    );
  }
}

function curve(values: number[], points = 100): number[] {
  if (values.length <= points) return values;
  return Array.from(
    { length: points },
    (_, i) => values[Math.round((i * (values.length - 1)) / (points - 1))],
  );
}

/**
 * One atlas run: trains `config` on its identities minus the held-out ones, measures held-out
 * verification and classifies the run (collapsed / learned / not-learned, and the mechanism).
 * Other experiments (the scale check) reuse it so their runs are the atlas's runs.
 *
 * @example
 * ```ts ignore
 * const run = await runAtlasCell(config, ctx, { label: "baseline", group: "baseline" });
 * console.log(run.outcome, run.mechanism, run.heldOutAccuracy);
 * ```
 */
export async function runAtlasCell(
  config: AtlasRunSettings,
  ctx: CellContext,
  design: Pick<DesignPoint, "label" | "group">,
): Promise<AtlasRun> {
  const started = performance.now();
  const dataset = await runData(config, ctx);
  const split = heldOutSplit(dataset, {
    fraction: config.heldOutFraction,
    pairs: config.heldOutPairs,
    seed: config.dataSeed,
  });
  const online = config.pipeline === "semihard";
  const train: TrainConfig = {
    data: split.train,
    model: config.model,
    width: config.width,
    size: config.size,
    modelOptions: archModelOptions(config.arch, config.inputScaling),
    mode: online ? "online" : "triplet-model",
    miner: "semihard",
    trunk: { tripletsPerStep: config.triplets },
    p: Math.max(2, Math.round(config.trunk / config.k)),
    k: config.k,
    margin: config.margin,
    distance: config.distance,
    optimizer: config.optimizer,
    lr: config.lr,
    steps: config.steps,
    seed: config.seed,
    forensicsEvery: Math.max(5, Math.floor(config.steps / 4)),
  };
  const steps: StepMetrics[] = [];
  let result: TrainResult | undefined, nonFinite: { step: number; cause: string } | undefined;
  try {
    result = await trainEmbedding(train, {
      progress: ctx.progress(config.steps, ctx.cell, "step"),
      signal: ctx.signal,
      callbacks: [{ name: "atlas-steps", onStep: (c) => void steps.push(c.metrics) }],
    });
  } catch (e) {
    if (!(e instanceof NonFiniteError)) throw e;
    nonFinite = { step: e.step, cause: e.likelyCause };
  }
  let heldOut: HeldOutAccuracy;
  if (result) {
    try {
      heldOut = await heldOutAccuracy(result.model, split, { signal: ctx.signal });
    } finally {
      result.model.dispose();
    }
  } else {
    heldOut = {
      accuracy: split.chance,
      chance: split.chance,
      pairs: split.pairs.length,
      ci: [0, 1],
      aboveChance: false,
      nonFinite: true,
    };
  }
  const verdict = classifyRun({
    history: steps,
    collapseStep: result?.collapseStep,
    diagnosis: result?.diagnosis,
    nonFinite,
  }, { margin: config.margin, heldOut });
  const run: AtlasRun = {
    ...verdict,
    label: design.label,
    group: design.group,
    lossCurve: curve(steps.map((s) => s.loss / config.margin)),
    heldOutPairs: split.pairs.length,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
  };
  const { lossCurve: _c, ...brief } = run;
  await ctx.log({ type: "run", cell: ctx.cell, seed: config.seed, ...brief });
  return run;
}

/** One cell of the summary. */
export type AtlasSummaryCell = Omit<AtlasCell<Point>, "runs"> & {
  label: string;
  group: string;
  /** Per seed: outcome, mechanism, steps to collapse, final loss/α, held-out accuracy. */
  runs: Pick<
    RunVerdict,
    "outcome" | "mechanism" | "stepsToCollapse" | "lossOverMargin" | "heldOutAccuracy"
  >[];
};

/** The atlas's summary. */
export interface AtlasSummary {
  question: string;
  /**
   * The model and its reduction from NN2 at 224 px: NN2's filter counts divided by
   * `filtersDivided`, its input side by `inputSideDivided` (null for a model not built from NN2's
   * table, such as `tiny`).
   */
  model: {
    name: string;
    width: number;
    size: number;
    nn2Family: boolean;
    filtersDivided: number | null;
    inputSideDivided: number | null;
  };
  runs: number;
  cells: AtlasSummaryCell[];
  /** Labels by held-out verification accuracy, best first (the ranking uses held-out identities). */
  heldOutRanking: { label: string; heldOutAccuracy: number; heldOutChance: number }[];
  findings: string[];
  leftOut: string[];
}

function groupCells(
  outcomes: CellOutcome<Config, AtlasRun>[],
): { label: string; group: string; point: Point; seeds: number[]; runs: AtlasRun[] }[] {
  const byLabel = new Map<string, ReturnType<typeof groupCells>[number]>();
  for (const o of outcomes) {
    const r = o.result;
    let g = byLabel.get(r.label);
    if (!g) {
      const point = Object.fromEntries(POINT_KEYS.map((k) => [k, o.config[k]])) as Point;
      g = { label: r.label, group: r.group, point, seeds: [], runs: [] };
      byLabel.set(r.label, g);
    }
    g.seeds.push(o.config.seed);
    g.runs.push(r);
  }
  return [...byLabel.values()];
}

function leftOut(config: Config): string[] {
  const out = [
    "interactions beyond the three 2-D slices (e.g. SGD × input scaling, margin × architecture, " +
    "data × anything): each other factor is varied one at a time around the baseline",
    "SGD and AdaGrad inside the 2-D slices (the slices use Adam's learning rates)",
    "the monograph's full NN2 at 224 px and its batch of 100 triplets from trunks of 1,000 photos " +
    `(here ${config.model} at width ${config.width}, ${config.size} px, ${config.triplets} triplets ` +
    `from trunks of ${config.trunk} images, ${config.steps} steps)`,
  ];
  if (!config.datas.includes("real") && config.data !== "real") {
    out.push("real faces (data = real): not in this preset");
  }
  for (const s of ATLAS_SLICES) if (!config.slices.includes(s)) out.push(`the ${s} slice`);
  return out;
}

export const collapseAtlas = defineExperiment<Config, AtlasSummary, AtlasRun>({
  name: "collapse-atlas",
  describe:
    "where an NN2-style triplet-loss network collapses: optimiser/lr, input scaling, margin, distance, architecture, data, pipeline; collapse rates with Wilson intervals, mechanisms, held-out accuracy",
  base: {
    seed: 1,
    seeds: 5,
    sliceSeeds: 3,
    dataSeed: 1,
    model: "nn2",
    width: 0.125,
    size: 32,
    identities: 40,
    perIdentity: 10,
    difficulty: 1,
    heldOutFraction: 0.25,
    heldOutPairs: 200,
    steps: 80,
    trunk: 24,
    k: 4,
    triplets: 24,
    pipeline: "random-triplets",
    optimizer: "adam",
    lr: 0.001,
    inputScaling: "standardized",
    margin: 1,
    distance: "euclideanEps",
    arch: "paper",
    data: "synthetic",
    realFaces: "data/lfw-devtrain-aligned",
    adamLrs: [1e-5, 1e-4, 1e-2, 1e-1],
    sgdLrs: [1e-3, 1e-2, 1e-1, 1],
    adagradLrs: [0.05],
    scalings: ["unit", "raw"],
    margins: [0.2, 0.5, 2, 4],
    distances: ["euclidean", "squaredEuclidean"],
    archs: ["batch-norm", "max-pool", "no-final-l2", "relu-embedding"],
    datas: ["real"],
    pipelines: ["semihard"],
    slices: ["lr-scaling", "margin-distance", "arch-lr"],
    sliceLrs: [1e-4, 1e-1],
  },
  presets: {
    ci: {
      seeds: 2,
      sliceSeeds: 2,
      model: "tiny",
      width: 1,
      size: 32,
      identities: 16,
      perIdentity: 6,
      heldOutFraction: 0.25,
      heldOutPairs: 60,
      steps: 12,
      trunk: 16,
      triplets: 16,
      adamLrs: [0.1],
      sgdLrs: [],
      adagradLrs: [],
      scalings: ["raw"],
      margins: [],
      distances: [],
      archs: ["relu-embedding"],
      datas: [],
      pipelines: [],
      slices: ["lr-scaling"],
      sliceLrs: [0.1],
    },
    // small: nn2 at width 0.125 and 32 px, 80 steps of 24 random triplets; 50 design points,
    // 180 runs (see atlasDesign)
    small: {},
    // paper: NOT YET RUN (no GPU was lent when it was written): NN2 as in the paper at 224 px, the
    // monograph's 100 identities, trunks of 1,000 photos and batches of 100 triplets; untested.
    paper: {
      model: "nn2",
      width: 1,
      size: 224,
      identities: 100,
      perIdentity: 40,
      steps: 3300,
      trunk: 1000,
      k: 10,
      triplets: 100,
    },
  },
  choices: {
    model: MODEL_NAMES,
    optimizer: ["adam", "sgd", "adagrad", "momentum"],
    pipeline: ["random-triplets", "semihard"],
    inputScaling: ["standardized", "unit", "raw"],
    scalings: ["standardized", "unit", "raw"],
    distance: DISTANCE_NAMES,
    distances: DISTANCE_NAMES,
    arch: ATLAS_ARCHS,
    archs: ATLAS_ARCHS,
    data: ["synthetic", "real"],
    datas: ["synthetic", "real"],
    pipelines: ["random-triplets", "semihard"],
    slices: ATLAS_SLICES,
  },
  validate(config) {
    const bad = (key: string, what: string) => {
      throw new Error(
        `collapse-atlas: '${key}' ${what}, got ${JSON.stringify(config[key as keyof Config])}`,
      );
    };
    if (!(config.lr > 0)) bad("lr", "must be > 0");
    if (!(config.margin > 0)) bad("margin", "must be > 0");
    if (!(config.heldOutFraction > 0 && config.heldOutFraction < 1)) {
      bad("heldOutFraction", "must be in (0, 1)");
    }
    if (!Number.isInteger(config.steps) || config.steps < 1) {
      bad("steps", "must be a positive integer");
    }
    if (!Number.isInteger(config.k) || config.k < 2) bad("k", "must be an integer ≥ 2");
    if (config.trunk < 2 * config.k) {
      bad("trunk", `must hold ≥ 2 identities of k = ${config.k} images`);
    }
  },
  version: 1,
  sweep(config) {
    const design = atlasDesign(config);
    // real-face cells need their preprocessed folder: refused here, before any cell runs
    if (design.some((d) => d.point.data === "real")) requireRealFaces(config);
    // a run's config holds its own settings only (see SWEEP_CLEAR), so its cache key does too
    return design.flatMap((d) =>
      Array.from({ length: d.seeds }, (_, i) => ({
        name: `${d.label} s${config.seed + i}`,
        set: { ...SWEEP_CLEAR, ...d.point, seed: config.seed + i } as Partial<Config>,
      }))
    );
  },
  cell(config, ctx) {
    const label = ctx.cell.replace(/ s\d+$/, "");
    const group = label === "baseline" ? "baseline" : "run";
    return runAtlasCell(config, ctx, { label, group });
  },
  analyse: (outcomes, config, ctx) => analyseAtlas(outcomes, config, ctx.preset),
});

/**
 * The atlas's analysis (pure: the same cells give the same summary): cells grouped by design point,
 * their summaries, the held-out ranking, the findings rendered from the numbers, the phase
 * diagrams, the one-factor bars and one loss curve per mechanism.
 *
 * @example
 * ```ts ignore
 * const { summary } = analyseAtlas(sweep.cells, config);
 * console.log(summary.findings.join("\n"));
 * ```
 */
export function analyseAtlas(
  outcomes: CellOutcome<Config, AtlasRun>[],
  config: Config,
  preset?: string,
): ExperimentResult<AtlasSummary> {
  const design = atlasDesign(config);
  const groupOf = new Map(design.map((d) => [d.label, d.group]));
  const groups = groupCells(outcomes);
  const cells = groups.map((g) => ({
    label: g.label,
    group: groupOf.get(g.label) ?? g.group,
    cell: summarizeCell(g.point, g.seeds, g.runs),
  }));
  const baseline = cells.findIndex((c) => c.label === "baseline");
  const neighbours = cells.flatMap((c, i) => (c.group === "one-factor" ? [i] : []));
  const labelOf = new Map(cells.map((c) => [c.cell, c.label]));
  const findings = atlasFindings(cells.map((c) => c.cell), {
    label: (c) => labelOf.get(c)!,
    baseline: baseline >= 0 ? baseline : undefined,
    neighbours: baseline >= 0 ? neighbours : [],
  });
  // Fixes judged by evidence: each cell that differs in one setting from a cell that collapsed
  // (e.g. "adam lr 0.1, batch-norm" against "adam lr 0.1") — does that one change prevent it?
  const fixes: string[] = [];
  for (const c of cells) {
    for (const parent of cells) {
      if (parent === c || parent.cell.collapsed === 0) continue;
      const differ = POINT_KEYS.filter((k) => c.cell.config[k] !== parent.cell.config[k]);
      // one setting apart (an Adam lr slice cell also names the optimiser: same optimiser here)
      if (differ.length !== 1) continue;
      fixes.push(
        compareFinding(parent.cell, c.cell, {
          baseLabel: parent.label,
          label: `${parent.label} with ${differ[0]} ${String(c.cell.config[differ[0]])}`,
        }),
      );
    }
  }
  findings.push(
    ...(fixes.length === 0
      ? ["No cell differs in one setting from a collapsed cell: no fix could be judged."]
      : fixes),
  );
  const summaryCells: AtlasSummaryCell[] = cells.map(({ label, group, cell }) => ({
    label,
    group,
    ...cell,
    runs: cell.runs.map((r) => ({
      outcome: r.outcome,
      mechanism: r.mechanism,
      stepsToCollapse: r.stepsToCollapse,
      lossOverMargin: r.lossOverMargin,
      heldOutAccuracy: r.heldOutAccuracy,
    })),
  }));
  const heldOutRanking = [...summaryCells]
    .sort((a, b) => b.heldOutAccuracy - a.heldOutAccuracy)
    .map((c) => ({
      label: c.label,
      heldOutAccuracy: c.heldOutAccuracy,
      heldOutChance: c.heldOutChance,
    }));
  const figures: Figure[] = [];
  const sliceAxes: Record<string, [keyof Point, keyof Point]> = {
    "lr-scaling": ["lr", "inputScaling"],
    "margin-distance": ["margin", "distance"],
    "arch-lr": ["lr", "arch"],
  };
  for (const slice of config.slices) {
    const [x, y] = sliceAxes[slice];
    // the lr slices run Adam whatever the baseline's optimiser
    const at: Point = { ...config, ...(x === "lr" ? { optimizer: "adam" as const } : {}) };
    const inSlice = cells.filter(({ cell }) =>
      POINT_KEYS.every((k) => k === x || k === y || cell.config[k] === at[k])
    );
    if (inSlice.length > 1) {
      figures.push(phaseDiagram(
        inSlice.map((c) => ({
          config: c.cell.config as unknown as Record<string, unknown>,
          collapseRate: c.cell.collapseRate,
        })),
        { x, y, title: `collapse rate: ${x} × ${y} (other settings as the baseline)` },
      ));
    }
  }
  const oneFactor = cells.filter((c) => c.group === "one-factor" || c.group === "baseline");
  figures.push(barFigure(oneFactor.map((c) => c.label), [
    { name: "collapse rate", y: oneFactor.map((c) => c.cell.collapseRate) },
    { name: "95% CI low", y: oneFactor.map((c) => c.cell.collapseRateCi[0]) },
    { name: "95% CI high", y: oneFactor.map((c) => c.cell.collapseRateCi[1]) },
    { name: "held-out accuracy", y: oneFactor.map((c) => c.cell.heldOutAccuracy) },
  ], { title: "baseline and its one-factor neighbours", yTitle: "rate / accuracy" }));
  const examples = new Map<string, { label: string; seed: number; run: AtlasRun }>();
  for (const o of outcomes) {
    const m = o.result.mechanism;
    if (!examples.has(m)) {
      examples.set(m, { label: o.result.label, seed: o.config.seed, run: o.result });
    }
  }
  figures.push(lineFigure(
    [...examples.entries()].map(([m, e]) => ({
      name: `${m}: ${e.label}, seed ${e.seed}`,
      y: e.run.lossCurve,
    })),
    { title: "one run per mechanism: loss / α over training", yTitle: "loss / α" },
  ));
  const nn2Family = ["nn2", "nn3", "nn4"].includes(config.model);
  const summary: AtlasSummary = {
    question:
      "Under which settings does an NN2-style network trained with triplet loss collapse, how often, how fast, by which mechanism, and which change prevents it?",
    model: {
      name: config.model,
      width: config.width,
      size: config.size,
      nn2Family,
      filtersDivided: nn2Family ? 1 / config.width : null,
      inputSideDivided: nn2Family ? 224 / config.size : null,
    },
    runs: outcomes.length,
    cells: summaryCells,
    heldOutRanking,
    findings,
    leftOut: leftOut(config),
  };
  const notes = [
    ...(preset === "paper"
      ? [
        "These are the paper preset's settings (NN2 at 224 px, the monograph's data size and " +
        "batch), which had not been run when this experiment was written; they are not " +
        "verified settings of the monograph.",
      ]
      : []),
    `Held-out ranking (identities never trained on): ${
      heldOutRanking.slice(0, 5).map((r) => `${r.label} ${formatNumber(r.heldOutAccuracy)}`).join(
        ", ",
      )
    } (chance ${formatNumber(heldOutRanking[0]?.heldOutChance ?? NaN)}).`,
    nn2Family
      ? `Model: ${config.model} at width ${config.width} and ${config.size} px (NN2's filter ` +
        `counts ÷ ${formatNumber(1 / config.width)}, input side ÷ ${
          formatNumber(224 / config.size)
        } of the paper's 224).`
      : `Model: ${config.model} at ${config.size} px, not NN2's layer table (it has one layer ` +
        `of each of NN2's kinds: LRN, L2 pooling, inception, final L2); runs check the pipeline, ` +
        `not NN2's behaviour.`,
    `Left out of this design: ${leftOut(config).join("; ")}.`,
  ];
  const [headline, ...rest] = figures;
  return {
    summary,
    question: summary.question,
    findings,
    headline,
    headlineCaption: config.slices.length > 0
      ? "Share of seeds that collapsed per cell of the first 2-D slice; every other setting is " +
        "the baseline's."
      : "Collapse rate of the baseline and its one-factor neighbours, with the 95% interval's ends.",
    figures: rest,
    notes,
  };
}
