/**
 * The value and gradient of every loss × distance at total collapse, computed (not typed in).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createDistance } from "./distances/create_distance.ts";
import { DISTANCE_NAMES, type DistanceName } from "./distances/distance_registry.ts";
import type { EmbeddingLoss } from "./embedding_loss.ts";
import { type TripletForm, tripletLoss } from "./triplet_loss.ts";
import { contrastiveLoss } from "./contrastive_loss.ts";
import { arcFaceLoss } from "./arc_face_loss.ts";
import { cosFaceLoss } from "./cos_face_loss.ts";
import { meanReducer } from "./reducers/mean_reducer.ts";
import { allTriplets } from "./miners/all_triplets_miner.ts";
import { semihardMiner } from "./miners/semihard_miner.ts";
import { hardestMiner } from "./miners/hardest_miner.ts";
import { batchAllMiner } from "./miners/batch_all_miner.ts";
import { randomMiner } from "./miners/random_miner.ts";
import type { Miner } from "./miners/miner.ts";

/** How the gradient looks at collapse. */
export type CollapseGradient = "NaN" | "zero" | "finite" | "partly NaN";

/** One loss × distance at total collapse. */
export interface CollapseRow {
  /** e.g. "triplet/hinge", "contrastive", "arcface". */
  loss: string;
  /** The distance, or "cos θ to class weights" for ArcFace / CosFace. */
  distance: DistanceName | "cos θ to class weights";
  /** d between two (equal) rows as the distance's matrix reads it; NaN for ArcFace / CosFace. */
  distanceAtCollapse: number;
  /** The distinct per-element values, ascending. */
  values: number[];
  /** meanReducer() of the per-element values (float32 summation). */
  mean: number;
  /** Gradient of the mean with respect to the embeddings, classified. */
  gradient: CollapseGradient;
  /** max |∂mean/∂x| over the finite entries (NaN when none is finite). */
  gradientMaxAbs: number;
}

/** What a miner returns at total collapse. */
export interface CollapseMinerRow {
  /** The miner and its setting. */
  miner: string;
  /** Triplets it returned at collapse. */
  triplets: number;
  /** Valid triplets in the batch. */
  validTriplets: number;
}

/** Options of {@link collapseTable}. */
export interface CollapseTableOptions {
  /** Identities in the batch. Default 3. */
  identities?: number;
  /** Images per identity. Default 2. */
  perIdentity?: number;
  /** Margin α of the triplet forms. Default 0.2. */
  margin?: number;
  /** Margin m of the contrastive loss. Default 1. */
  contrastiveMargin?: number;
}

/** What {@link collapseTable} returns. */
export interface CollapseTable {
  /** The batch: identities × perIdentity rows, every row the unit vector (0.6, 0.8, 0, …, 0) of dimension 8. */
  batch: {
    identities: number;
    perIdentity: number;
    dim: number;
    margin: number;
    contrastiveMargin: number;
  };
  /** One row per loss × distance. */
  losses: CollapseRow[];
  /** One row per miner. */
  miners: CollapseMinerRow[];
}

const FORMS: TripletForm[] = ["hinge", "nohinge", "squaredHinge", "softplus"];
const DIM = 8;

/** Formats a float as `3.1622776e-04` (8 significant digits, two-digit exponent); NaN, ±Infinity and 0 as words/0. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v === 0) return "0";
  return v.toExponential(7).replace(/e([+-])(\d)$/, "e$10$2");
}

function classify(g: Float32Array): { gradient: CollapseGradient; gradientMaxAbs: number } {
  let nan = 0, max = NaN;
  for (const v of g) {
    if (Number.isNaN(v)) nan++;
    else max = Number.isNaN(max) ? Math.abs(v) : Math.max(max, Math.abs(v));
  }
  const gradient: CollapseGradient = nan === g.length
    ? "NaN"
    : nan > 0
    ? "partly NaN"
    : max === 0
    ? "zero"
    : "finite";
  return { gradient, gradientMaxAbs: max };
}

async function measure(
  loss: EmbeddingLoss,
  x: tf.Tensor2D,
  labels: number[],
): Promise<Pick<CollapseRow, "values" | "mean" | "gradient" | "gradientMaxAbs">> {
  const values = loss.compute(x, labels);
  const { value, grad } = tf.valueAndGrad((t: tf.Tensor) =>
    meanReducer().reduce(loss.compute(t as tf.Tensor2D, labels))
  )(x);
  try {
    const v = (await values.data()) as Float32Array;
    const distinct = [...new Set(Array.from(v, (e) => (Number.isNaN(e) ? NaN : e)))].sort((a, b) =>
      a - b
    );
    return {
      values: distinct,
      mean: (await value.data())[0],
      ...classify((await grad.data()) as Float32Array),
    };
  } finally {
    tf.dispose([values, value, grad]);
  }
}

/**
 * Computes the value and gradient of each loss × distance at total collapse (every embedding equal),
 * on the current backend: the triplet forms (all triplets, margin α) and the contrastive loss (all
 * pairs) with every distance, and ArcFace / CosFace with their defaults (seeded weights), plus what
 * each miner returns there. Leaves no tensors behind. {@link formatCollapseTable} renders it;
 * docs/collapse_table.md is its output.
 *
 * @example
 * ```ts
 * import { collapseTable } from "./collapse_table.ts";
 * const t = await collapseTable();
 * const hinge = t.losses.find((r) => r.loss === "triplet/hinge" && r.distance === "euclideanEps")!;
 * console.assert(hinge.values[0] === Math.fround(0.2) && hinge.gradient === "zero");
 * ```
 */
export async function collapseTable(options: CollapseTableOptions = {}): Promise<CollapseTable> {
  const identities = options.identities ?? 3;
  const perIdentity = options.perIdentity ?? 2;
  const margin = options.margin ?? 0.2;
  const contrastiveMargin = options.contrastiveMargin ?? 1;
  const n = identities * perIdentity;
  const labels = Array.from({ length: n }, (_, i) => Math.floor(i / perIdentity));
  const row = Array.from({ length: DIM }, (_, k) => (k === 0 ? 0.6 : k === 1 ? 0.8 : 0));
  const x = tf.tensor2d(Array.from({ length: n }, () => row));
  const losses: CollapseRow[] = [];
  const miners: CollapseMinerRow[] = [];
  try {
    for (const form of FORMS) {
      for (const name of DISTANCE_NAMES) {
        const distance = createDistance(name);
        const m = distance.matrix(x);
        const d = (await m.data())[1];
        m.dispose();
        const loss = tripletLoss({ form, margin, distance });
        losses.push({
          loss: `triplet/${form}`,
          distance: name,
          distanceAtCollapse: d,
          ...(await measure(loss, x, labels)),
        });
      }
    }
    for (const name of DISTANCE_NAMES) {
      const distance = createDistance(name);
      const m = distance.matrix(x);
      const d = (await m.data())[1];
      m.dispose();
      const loss = contrastiveLoss({ margin: contrastiveMargin, distance });
      losses.push({
        loss: "contrastive",
        distance: name,
        distanceAtCollapse: d,
        ...(await measure(loss, x, labels)),
      });
    }
    for (
      const [title, make] of [
        ["arcface", () => arcFaceLoss({ numClasses: identities, embeddingDim: DIM })],
        ["cosface", () => cosFaceLoss({ numClasses: identities, embeddingDim: DIM })],
      ] as const
    ) {
      const loss = make();
      try {
        losses.push({
          loss: title,
          distance: "cos θ to class weights",
          distanceAtCollapse: NaN,
          ...(await measure(loss, x, labels)),
        });
      } finally {
        loss.dispose();
      }
    }
    const valid = allTriplets(labels).anchors.length;
    const list: [string, Miner][] = [
      ["random", randomMiner()],
      ["semihard (fallback hardest)", semihardMiner({ margin })],
      ["semihard (fallback skip)", semihardMiner({ margin, fallback: "skip" })],
      ["hardest", hardestMiner()],
      ["batchAll", batchAllMiner({ margin })],
    ];
    for (const [miner, m] of list) {
      miners.push({
        miner,
        triplets: (await m.mine(x, labels)).anchors.length,
        validTriplets: valid,
      });
    }
  } finally {
    x.dispose();
  }
  return {
    batch: { identities, perIdentity, dim: DIM, margin, contrastiveMargin },
    losses,
    miners,
  };
}

/**
 * Renders a {@link CollapseTable} as the markdown of docs/collapse_table.md.
 *
 * @example
 * ```ts
 * import { collapseTable, formatCollapseTable } from "./collapse_table.ts";
 * const md = formatCollapseTable(await collapseTable());
 * console.assert(md.includes("3.1622776e-04"));
 * ```
 */
export function formatCollapseTable(table: CollapseTable, backend = "wasm"): string {
  const { identities, perIdentity, dim, margin, contrastiveMargin } = table.batch;
  const lines = [
    "# Losses at total collapse",
    "",
    "<!-- Generated by collapseTable() in lib/losses/collapse_table.ts; do not edit by hand.",
    "     Regenerate: UPDATE_DOCS=1 deno test -A tests/losses/collapse_table_test.ts -->",
    "",
    `Every embedding equal: a batch of ${identities} identities × ${perIdentity} images, each row the unit`,
    `vector (0.6, 0.8, 0, …, 0) of dimension ${dim}, float32 on the ${backend} backend. Triplet forms use all`,
    `valid triplets and α = ${margin}; the contrastive loss uses all pairs and m = ${contrastiveMargin};`,
    "ArcFace (m = 0.5, s = 64) and CosFace (m = 0.35, s = 64) use seeded class weights (seed 0).",
    '"Gradient" is ∂ mean(loss) / ∂ embeddings: NaN, exactly zero, or finite (with its largest |entry|).',
    "",
    "| loss | distance | d at collapse | per-element value(s) | mean | gradient | max abs gradient |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of table.losses) {
    lines.push(
      `| ${r.loss} | ${r.distance} | ${
        Number.isNaN(r.distanceAtCollapse) ? "—" : formatFloat(r.distanceAtCollapse)
      } | ${r.values.map(formatFloat).join(", ")} | ` +
        `${formatFloat(r.mean)} | ${r.gradient} | ${formatFloat(r.gradientMaxAbs)} |`,
    );
  }
  lines.push(
    "",
    "Reading it: the hinge is α exactly (d_ap = d_an bit for bit), softplus is ln 2, no-hinge 0. With",
    "`euclidean` the gradient is NaN (√ at 0: 0/0); with `euclideanEps` every distance reads",
    "√1e-7 = 3.1622776e-04 and the gradient is exactly 0 (the max with ε passes none): training cannot",
    "leave the collapse. `euclideanPlusEps` and `squaredEuclidean` give zero gradient too (collapse is a",
    "stationary point of Σd²); `cosine` gives float32 rounding noise around an exact zero. The",
    "`mean` column differs from the per-element value in the last digits: float32 summation of equal",
    "terms (a training log shows 0.19999999, not 0.2, at collapse).",
    "ArcFace / CosFace keep a finite, non-zero gradient: collapse is not a fixed point of a softmax over",
    "separated class weights.",
    "",
    "## Miners at total collapse",
    "",
    "| miner | triplets returned | valid triplets |",
    "| --- | --- | --- |",
  );
  for (const m of table.miners) lines.push(`| ${m.miner} | ${m.triplets} | ${m.validTriplets} |`);
  lines.push(
    "",
    "Ties (d_an = d_ap) are not semi-hard, so at collapse semi-hard mining finds nothing and its",
    "fallback decides; batch-all keeps every triplet (each has loss α); batch-hard takes the lowest",
    "indices among ties.",
    "",
  );
  return lines.join("\n");
}
