/**
 * `summarizeModel(model)`: the rows of FaceNet's Table 2 — type, output size, depth, #1×1,
 * #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj, params, FLOPS — computed from the built
 * layers (output shapes, parameter counts, multiply-adds), and a Keras-style per-layer listing.
 *
 * Columns: `params` counts every parameter of the row's layers (biases and batch-norm statistics
 * included); `weights` counts conv and fully-connected kernel weights only, which is what the
 * paper's 7.5M total rounds (NN2 has 7,448,256 kernel weights and 7,456,304 parameters with
 * biases; the paper's rows match the latter best). `flops` counts, per image, the multiply-adds of
 * the convolutions and the fully connected layer plus their bias adds — the paper's FLOPS column
 * is reproduced this way (conv1: 9,472 × 112² = 119M).
 *
 * @example
 * ```ts
 * import { createModel } from "./create_model.ts";
 * import { summarizeModel } from "./summarize_model.ts";
 * const s = summarizeModel(createModel("tiny"));
 * console.assert(s.rows[0].type.startsWith("conv1"));
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { getBuildOptions } from "./create_model.ts";
import { type BuildOptions, type Stage, VARIANTS } from "./variants.ts";

/** One row of Table 2. Count columns are strings as the paper prints them ("256,2", "L2, 64p"). */
export interface SummaryRow {
  /** E.g. "conv1 (7×7×3, 2)", "inception (3a)", "fully conn". */
  type: string;
  /** Output [h, w, c] per image. */
  outputSize: [number, number, number];
  /** Layers with weights on the longest path (the paper's "depth"). */
  depth: number;
  n1x1: string;
  n3x3reduce: string;
  n3x3: string;
  n5x5reduce: string;
  n5x5: string;
  /** The pool column: "m 3×3, 2", "m, 32p", "L2, 64p", "m 3×3,2". */
  poolProj: string;
  /** All parameters of the row's layers. */
  params: number;
  /** Conv + fully connected kernel weights (no biases, no batch norm). */
  weights: number;
  /** Multiply-adds per image. */
  flops: number;
  /** Names of the layers in this row. */
  layers: string[];
}

/** One layer, as Keras' model.summary() lists it. */
export interface LayerRow {
  name: string;
  /** Class name, e.g. "Conv2D", "Model", "PairDistance". */
  className: string;
  /** Output shape with null for the batch, e.g. [null, 224, 224, 3]. */
  outputShape: (number | null)[] | (number | null)[][];
  params: number;
  /** Multiply-adds per image (nested models: per call, times the calls). */
  flops: number;
  /** Inbound tensors as "layer[node][tensor]". */
  connectedTo: string[];
}

/** What {@link summarizeModel} returns. */
export interface ModelSummary {
  /** The model's name. */
  model: string;
  /** Build options when the model came from createModel/loadModel. */
  buildOptions?: BuildOptions;
  /** Table 2 rows (empty for a model createModel did not build). */
  rows: SummaryRow[];
  /** Keras-style per-layer listing. */
  layers: LayerRow[];
  total: {
    params: number;
    trainableParams: number;
    nonTrainableParams: number;
    weights: number;
    flops: number;
  };
}

type Shape = (number | null)[];

const isLayersModel = (l: tf.layers.Layer): l is tf.LayersModel =>
  Array.isArray((l as unknown as { layers?: unknown }).layers);

function firstShape(layer: tf.layers.Layer): Shape {
  const s = layer.outputShape as Shape | Shape[];
  return (Array.isArray(s[0]) ? s[0] : s) as Shape;
}

const sizeOf = (shape: readonly (number | null)[]): number =>
  shape.reduce((p: number, d) => p * (d ?? 1), 1);

function countWeights(layer: tf.layers.Layer): number {
  if (isLayersModel(layer)) return layer.layers.reduce((a, l) => a + countWeights(l), 0);
  const kind = layer.getClassName();
  if (!["Conv2D", "Dense", "DepthwiseConv2D", "SeparableConv2D"].includes(kind)) return 0;
  return layer.weights
    .filter((w) => /kernel$/.test(w.originalName))
    .reduce((a, w) => a + sizeOf(w.shape), 0);
}

function countBiases(layer: tf.layers.Layer): number {
  return layer.weights
    .filter((w) => /bias$/.test(w.originalName))
    .reduce((a, w) => a + sizeOf(w.shape), 0);
}

function countFlops(layer: tf.layers.Layer): number {
  if (isLayersModel(layer)) return layer.layers.reduce((a, l) => a + countFlops(l), 0);
  const kind = layer.getClassName();
  if (kind === "Dense") return countWeights(layer) + countBiases(layer);
  if (kind === "Conv2D" || kind === "DepthwiseConv2D" || kind === "SeparableConv2D") {
    const s = firstShape(layer);
    return (countWeights(layer) + countBiases(layer)) * (s[1] ?? 1) * (s[2] ?? 1);
  }
  return 0;
}

function countTrainable(layer: tf.layers.Layer): number {
  return layer.trainableWeights.reduce(
    (a, w) => a + sizeOf(w.shape),
    0,
  );
}

const times = "×";

function stageRow(stage: Stage, o: BuildOptions): Omit<
  SummaryRow,
  "outputSize" | "params" | "weights" | "flops" | "layers"
> {
  const f = (n: number) => (n === 0 ? 0 : Math.max(1, Math.round(n * o.widthMultiplier)));
  const empty = { n1x1: "", n3x3reduce: "", n3x3: "", n5x5reduce: "", n5x5: "", poolProj: "" };
  switch (stage.kind) {
    case "conv":
      return {
        ...empty,
        type: `${stage.name} (${stage.kernel}${times}${stage.kernel}${times}3, ${stage.stride})`,
        depth: 1,
      };
    case "pool": {
      const norm = o.norm === "lrn";
      const type = !norm
        ? "max pool"
        : stage.norm === "after"
        ? "max pool + norm"
        : "norm + max pool";
      return {
        ...empty,
        type,
        depth: 0,
        poolProj: `m ${stage.size}${times}${stage.size}, ${stage.stride}`,
      };
    }
    case "reduceConv":
      return {
        ...empty,
        type: `inception (${stage.name.replace(/^inception_/, "")})`,
        depth: 2,
        n3x3reduce: String(f(stage.reduce)),
        n3x3: String(f(stage.filters)),
      };
    case "inception": {
      const s2 = stage.stride === 2 ? ",2" : "";
      const l2 = stage.pool === "l2" && o.l2Pooling === "l2";
      return {
        type: `inception (${stage.name.replace(/^inception_/, "")})`,
        depth: 2,
        n1x1: String(f(stage.n1x1)),
        n3x3reduce: stage.n3x3 ? String(f(stage.n3x3reduce)) : "",
        n3x3: stage.n3x3 ? `${f(stage.n3x3)}${s2}` : "",
        n5x5reduce: stage.n5x5 ? String(f(stage.n5x5reduce)) : "",
        n5x5: stage.n5x5 ? `${f(stage.n5x5)}${s2}` : "",
        poolProj: stage.stride === 2
          ? `m 3${times}3,2`
          : `${l2 ? "L2" : "m"}, ${f(stage.poolProj)}p`,
      };
    }
    case "avgPool":
      return { ...empty, type: "avg pool", depth: 0 };
    case "fc":
      return { ...empty, type: "fully conn", depth: 1 };
    case "l2":
      return { ...empty, type: "L2 normalization", depth: 0 };
  }
}

/** The calls of `layer` inside the model (its inbound nodes fed by the model's own layers). */
function callsInModel(layer: tf.layers.Layer, inModel: Set<tf.layers.Layer>) {
  return layer.inboundNodes.filter((node) =>
    node.inboundLayers.length > 0 && node.inboundLayers.every((l) => inModel.has(l))
  );
}

function connections(layer: tf.layers.Layer, inModel: Set<tf.layers.Layer>): string[] {
  return callsInModel(layer, inModel).flatMap((node) =>
    node.inboundLayers.map((l, i) => `${l.name}[${node.nodeIndices[i]}][${node.tensorIndices[i]}]`)
  );
}

/**
 * Summarises a model: Table 2 rows (for models built by createModel), a Keras-style layer list,
 * and totals.
 *
 * @example
 * ```ts
 * import { createModel } from "./create_model.ts";
 * import { summarizeModel } from "./summarize_model.ts";
 * const s = summarizeModel(createModel("nn2"));
 * console.assert(s.total.weights === 7448256);
 * ```
 */
export function summarizeModel(model: tf.LayersModel): ModelSummary {
  const inModel = new Set(model.layers);
  const layers: LayerRow[] = model.layers.map((l) => {
    // A nested model applied k times (the triplet model's "facenet") costs k forward passes.
    const calls = isLayersModel(l) ? Math.max(1, callsInModel(l, inModel).length) : 1;
    return {
      name: l.name,
      className: l.getClassName(),
      outputShape: l.outputShape as LayerRow["outputShape"],
      params: l.countParams(),
      flops: countFlops(l) * calls,
      connectedTo: connections(l, inModel),
    };
  });
  const params = model.countParams();
  const trainableParams = model.layers.reduce((a, l) => a + countTrainable(l), 0);
  const total = {
    params,
    trainableParams,
    nonTrainableParams: params - trainableParams,
    weights: model.layers.reduce((a, l) => a + countWeights(l), 0),
    flops: layers.reduce((a, l) => a + l.flops, 0),
  };
  const buildOptions = getBuildOptions(model);
  const rows: SummaryRow[] = [];
  if (buildOptions) {
    for (const stage of VARIANTS[buildOptions.name].stages) {
      const mine = model.layers.filter((l) =>
        l.name === stage.name || l.name.startsWith(`${stage.name}_`)
      );
      if (mine.length === 0) continue; // e.g. no L2 layer when finalL2 is false
      const last = firstShape(mine[mine.length - 1]);
      const outputSize: [number, number, number] = last.length === 4
        ? [last[1] ?? 0, last[2] ?? 0, last[3] ?? 0]
        : [1, 1, last[last.length - 1] ?? 0];
      const { type, depth, ...columns } = stageRow(stage, buildOptions);
      rows.push({
        type,
        outputSize,
        depth,
        ...columns,
        params: mine.reduce((a, l) => a + l.countParams(), 0),
        weights: mine.reduce((a, l) => a + countWeights(l), 0),
        flops: mine.reduce((a, l) => a + countFlops(l), 0),
        layers: mine.map((l) => l.name),
      });
    }
  }
  return { model: model.name, buildOptions, rows, layers, total };
}
