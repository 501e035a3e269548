/**
 * The typed table of model variants (timm's "configs" style): FaceNet's NN2 as in Table 2 of
 * Schroff et al. 2015, NN3 (NN2 at 160×160), NN4 (96×96, no 5×5 branches in the 5th layer
 * group), OpenFace's nn4.small2 and a `tiny` net for seconds-long tests.
 *
 * Every variant is a list of {@link Stage}s; one builder (`createModel`) turns any of them into a
 * tf.LayersModel, and `summarizeModel` reads the same table back to print the paper's columns.
 *
 * @example
 * ```ts
 * import { VARIANTS } from "./variants.ts";
 * console.assert(VARIANTS.nn2.inputSize === 224);
 * ```
 * @module
 */

/** The model variants `createModel` can build. */
export type ModelName = "nn2" | "nn3" | "nn4" | "nn4-small2" | "tiny";

/** Normalisation: "lrn" (the paper's local response "norm" rows), "batch" (batch norm after
 * every convolution, the monograph's fix), "none". */
export type NormKind = "lrn" | "batch" | "none";

/** Pooling used where the paper has L2 pooling: "l2" as in the paper, "max" as the monograph's fix. */
export type L2PoolingKind = "l2" | "max";

/**
 * Activation of the fully connected embedding layer: "linear" as in the paper, "relu" (a common
 * Keras mistake: every embedding component ≥ 0, and a layer whose units all die outputs zeros).
 */
export type EmbeddingActivation = "linear" | "relu";

/**
 * The pixel range the network's first layer sees. The loaders always give standardised pixels,
 * `(pixel − 127.5) / 128`; with "raw" (0–255, feeding Keras the decoded image) or "unit" ([0, 1],
 * dividing by 255) a fixed first layer maps them back to that range, so the model behaves as if
 * it had been fed such images. "standardized" adds no layer.
 */
export type InputScaling = "standardized" | "unit" | "raw";

/** Options of `createModel`. Every field is optional; defaults come from the variant. */
export interface ModelOptions {
  /** Square input side in pixels. Default: the variant's (224 for nn2, 160 nn3, 96 nn4*, 32 tiny). */
  inputSize?: number;
  /** Embedding dimension. Default 128. */
  embeddingDim?: number;
  /** Normalisation. Default "lrn" for nn2/nn3/nn4/tiny, "batch" for nn4-small2 (OpenFace). */
  norm?: NormKind;
  /** What the paper's L2 pools become. Default "l2". */
  l2Pooling?: L2PoolingKind;
  /** L2-normalise the embedding (the paper's last layer). Default true. */
  finalL2?: boolean;
  /** Activation of the embedding layer. Default "linear" (the paper's). */
  embeddingActivation?: EmbeddingActivation;
  /** The pixel range the first layer sees. Default "standardized". */
  inputScaling?: InputScaling;
  /** Scales every filter count (not the embedding dimension). Default 1. */
  widthMultiplier?: number;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
}

/** The options a model was built with, all fields filled in. */
export interface BuildOptions extends Required<ModelOptions> {
  /** The variant. */
  name: ModelName;
}

/** A plain convolution + ReLU (the table's "conv1"). */
export interface ConvStage {
  kind: "conv";
  /** Row label and layer-name prefix, e.g. "conv1". */
  name: string;
  filters: number;
  kernel: number;
  stride: number;
}

/** A max pool with an optional LRN before or after it (the table's "max pool + norm"). */
export interface PoolStage {
  kind: "pool";
  name: string;
  /** Where the LRN goes when norm is "lrn". */
  norm: "before" | "after";
  size: number;
  stride: number;
}

/** A 1×1 reduction then a k×k convolution (the table's "inception (2)"). */
export interface ReduceConvStage {
  kind: "reduceConv";
  name: string;
  reduce: number;
  filters: number;
  kernel: number;
}

/**
 * An inception module. Zero or absent counts drop a branch. With `stride` 2 the 3×3 and 5×5 convs
 * are strided and the pool branch is a 3×3 stride-2 max pool concatenated without projection.
 */
export interface InceptionStage {
  kind: "inception";
  name: string;
  n1x1: number;
  n3x3reduce: number;
  n3x3: number;
  n5x5reduce: number;
  n5x5: number;
  /** Pool of the pool branch: "max" or "l2" (the latter follows the `l2Pooling` option). */
  pool: "max" | "l2";
  /** Projection after the pool (0: none, the pooled input is concatenated as is). */
  poolProj: number;
  stride: 1 | 2;
}

/** Global average pool, the fully connected embedding layer, the L2 normalisation. */
export interface HeadStage {
  kind: "avgPool" | "fc" | "l2";
  name: string;
}

/** One row of the architecture table. */
export type Stage = ConvStage | PoolStage | ReduceConvStage | InceptionStage | HeadStage;

/** A variant: its defaults and its stages. */
export interface VariantConfig {
  /** What it is, one line. */
  description: string;
  inputSize: number;
  /** Smallest input side that still leaves a 1×1 map. */
  minInputSize: number;
  norm: NormKind;
  stages: readonly Stage[];
}

const inc = (
  name: string,
  n1x1: number,
  n3x3reduce: number,
  n3x3: number,
  n5x5reduce: number,
  n5x5: number,
  pool: "max" | "l2",
  poolProj: number,
  stride: 1 | 2 = 1,
): InceptionStage => ({
  kind: "inception",
  name,
  n1x1,
  n3x3reduce,
  n3x3,
  n5x5reduce,
  n5x5,
  pool,
  poolProj,
  stride,
});

const STEM: readonly Stage[] = [
  { kind: "conv", name: "conv1", filters: 64, kernel: 7, stride: 2 },
  { kind: "pool", name: "pool1", norm: "after", size: 3, stride: 2 },
  { kind: "reduceConv", name: "inception_2", reduce: 64, filters: 192, kernel: 3 },
  { kind: "pool", name: "pool2", norm: "before", size: 3, stride: 2 },
];

const HEAD: readonly Stage[] = [
  { kind: "avgPool", name: "avg_pool" },
  { kind: "fc", name: "fc" },
  { kind: "l2", name: "l2_norm" },
];

/** Table 2 of the FaceNet paper, row by row. */
const NN2_STAGES: readonly Stage[] = [
  ...STEM, // 112×112×64 → 56×56×64 → 56×56×192 → 28×28×192
  inc("inception_3a", 64, 96, 128, 16, 32, "max", 32), // 28×28×256
  inc("inception_3b", 64, 96, 128, 32, 64, "l2", 64), // 28×28×320
  inc("inception_3c", 0, 128, 256, 32, 64, "max", 0, 2), // 14×14×640
  inc("inception_4a", 256, 96, 192, 32, 64, "l2", 128), // 14×14×640
  inc("inception_4b", 224, 112, 224, 32, 64, "l2", 128), // 14×14×640
  inc("inception_4c", 192, 128, 256, 32, 64, "l2", 128), // 14×14×640
  inc("inception_4d", 160, 144, 288, 32, 64, "l2", 128), // 14×14×640
  inc("inception_4e", 0, 160, 256, 64, 128, "max", 0, 2), // 7×7×1024
  inc("inception_5a", 384, 192, 384, 48, 128, "l2", 128), // 7×7×1024
  inc("inception_5b", 384, 192, 384, 48, 128, "max", 128), // 7×7×1024
  ...HEAD, // 1×1×1024 → 1×1×128 → 1×1×128
];

/** NN4 (OpenFace nn4.def): NN2's layers, but no 5×5 branches in 5a and 5b. */
const NN4_STAGES: readonly Stage[] = [
  ...NN2_STAGES.slice(0, 12), // through 4e: 3×3×1024 at 96×96
  inc("inception_5a", 384, 192, 384, 0, 0, "l2", 128), // 3×3×896
  inc("inception_5b", 384, 192, 384, 0, 0, "max", 128), // 3×3×896
  ...HEAD,
];

/** OpenFace nn4.small2 (about 3.7M parameters at 96×96). */
const NN4_SMALL2_STAGES: readonly Stage[] = [
  ...STEM, // 48×48×64 → 24×24×64 → 24×24×192 → 12×12×192
  inc("inception_3a", 64, 96, 128, 16, 32, "max", 32), // 12×12×256
  inc("inception_3b", 64, 96, 128, 32, 64, "l2", 64), // 12×12×320
  inc("inception_3c", 0, 128, 256, 32, 64, "max", 0, 2), // 6×6×640
  inc("inception_4a", 256, 96, 192, 32, 64, "l2", 128), // 6×6×640
  inc("inception_4e", 0, 160, 256, 64, 128, "max", 0, 2), // 3×3×1024
  inc("inception_5a", 256, 96, 384, 0, 0, "l2", 96), // 3×3×736
  inc("inception_5b", 256, 96, 384, 0, 0, "max", 96), // 3×3×736
  ...HEAD, // 1×1×736 → 128
];

/** A few layers with every layer kind (LRN, L2 pool, strided inception), for fast tests. */
const TINY_STAGES: readonly Stage[] = [
  { kind: "conv", name: "conv1", filters: 16, kernel: 3, stride: 2 }, // 16×16×16 at 32×32
  { kind: "pool", name: "pool1", norm: "after", size: 3, stride: 2 }, // 8×8×16
  inc("inception_3a", 8, 8, 16, 4, 8, "l2", 8), // 8×8×40
  inc("inception_3c", 0, 16, 32, 4, 8, "max", 0, 2), // 4×4×80
  ...HEAD, // 1×1×80 → embeddingDim
];

/** The variant table. */
export const VARIANTS: Readonly<Record<ModelName, VariantConfig>> = {
  "nn2": {
    description: "FaceNet NN2, Table 2 of Schroff et al. 2015 (224×224)",
    inputSize: 224,
    minInputSize: 32,
    norm: "lrn",
    stages: NN2_STAGES,
  },
  "nn3": {
    description: "FaceNet NN3: NN2 at 160×160",
    inputSize: 160,
    minInputSize: 32,
    norm: "lrn",
    stages: NN2_STAGES,
  },
  "nn4": {
    description: "FaceNet NN4: 96×96, no 5×5 convolutions in the 5th layer group",
    inputSize: 96,
    minInputSize: 32,
    norm: "lrn",
    stages: NN4_STAGES,
  },
  "nn4-small2": {
    description: "OpenFace nn4.small2 (96×96, about 3.7M parameters)",
    inputSize: 96,
    minInputSize: 32,
    norm: "batch",
    stages: NN4_SMALL2_STAGES,
  },
  "tiny": {
    description: "a few layers of every kind, for seconds-long tests (32×32)",
    inputSize: 32,
    minInputSize: 8,
    norm: "lrn",
    stages: TINY_STAGES,
  },
};

/** The variant names, in table order. */
export const MODEL_NAMES: readonly ModelName[] = Object.keys(VARIANTS) as ModelName[];

/**
 * Fills in a variant's defaults and validates the options.
 *
 * @example
 * ```ts
 * import { resolveBuildOptions } from "./variants.ts";
 * console.assert(resolveBuildOptions("nn4-small2").norm === "batch");
 * ```
 */
export function resolveBuildOptions(name: ModelName, options: ModelOptions = {}): BuildOptions {
  const variant = VARIANTS[name];
  if (!variant) {
    throw new Error(
      `Cannot build '${name}': unknown model; expected one of ${MODEL_NAMES.join(", ")}`,
    );
  }
  const o: BuildOptions = {
    name,
    inputSize: options.inputSize ?? variant.inputSize,
    embeddingDim: options.embeddingDim ?? 128,
    norm: options.norm ?? variant.norm,
    l2Pooling: options.l2Pooling ?? "l2",
    finalL2: options.finalL2 ?? true,
    embeddingActivation: options.embeddingActivation ?? "linear",
    inputScaling: options.inputScaling ?? "standardized",
    widthMultiplier: options.widthMultiplier ?? 1,
    seed: options.seed ?? 0,
  };
  const fail = (what: string, got: unknown) => {
    throw new Error(`Cannot build ${name}: ${what}, got ${JSON.stringify(got)}`);
  };
  if (!Number.isInteger(o.inputSize) || o.inputSize < variant.minInputSize) {
    fail(`'inputSize' must be an integer ≥ ${variant.minInputSize}`, o.inputSize);
  }
  if (!Number.isInteger(o.embeddingDim) || o.embeddingDim < 1) {
    fail("'embeddingDim' must be a positive integer", o.embeddingDim);
  }
  if (!["lrn", "batch", "none"].includes(o.norm)) {
    fail('\'norm\' must be "lrn", "batch" or "none"', o.norm);
  }
  if (!["l2", "max"].includes(o.l2Pooling)) {
    fail('\'l2Pooling\' must be "l2" or "max"', o.l2Pooling);
  }
  if (typeof o.finalL2 !== "boolean") fail("'finalL2' must be a boolean", o.finalL2);
  if (!["linear", "relu"].includes(o.embeddingActivation)) {
    fail('\'embeddingActivation\' must be "linear" or "relu"', o.embeddingActivation);
  }
  if (!["standardized", "unit", "raw"].includes(o.inputScaling)) {
    fail('\'inputScaling\' must be "standardized", "unit" or "raw"', o.inputScaling);
  }
  if (!(o.widthMultiplier > 0) || !Number.isFinite(o.widthMultiplier)) {
    fail("'widthMultiplier' must be a positive number", o.widthMultiplier);
  }
  if (!Number.isFinite(o.seed)) fail("'seed' must be a finite number", o.seed);
  return o;
}

/**
 * A filter count scaled by the width multiplier (0 stays 0, anything else at least 1).
 *
 * @example
 * ```ts
 * import { scaleFilters } from "./variants.ts";
 * console.assert(scaleFilters(64, 0.25) === 16 && scaleFilters(0, 2) === 0);
 * ```
 */
export function scaleFilters(count: number, widthMultiplier: number): number {
  return count === 0 ? 0 : Math.max(1, Math.round(count * widthMultiplier));
}
