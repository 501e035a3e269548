/**
 * Collapse forensics over any `tf.LayersModel`: per ReLU layer the fraction of dead units (never
 * positive over the batch) and the activation scale; the embedding before the final L2 normalisation
 * (its norm, and its spread relative to that norm); the spread of pairwise cosine similarities of the
 * output; optionally per-layer gradient norms. {@link diagnoseCollapse} (diagnose.ts) reads these.
 *
 * The layer before L2 normalisation is found by class or name (`/l2.?norm/i`, not L2 pooling);
 * when the model has none, the output itself is used as the "pre-L2" embedding.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { collectForensics } from "./forensics.ts";
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ inputShape: [4], units: 8, activation: "relu" }),
 *   tf.layers.dense({ units: 3 }),
 * ] });
 * const x = tf.randomNormal([16, 4]);
 * const f = await collectForensics(model, x);
 * console.assert(f.layers.length === 1 && f.layers[0].deadFraction >= 0);
 * x.dispose();
 * model.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Forensics of one ReLU layer over one batch. */
export interface LayerForensics {
  name: string;
  className: string;
  /** Channels (last axis). */
  units: number;
  /** Fraction of units never positive anywhere in the batch (all positions, all images). */
  deadFraction: number;
  /** Number of dead units. */
  dead: number;
  /** Root mean square of the activation. */
  activationRms: number;
  /** Fraction of exactly-zero activations (sparsity). */
  zeroFraction: number;
}

/** Summary statistics. */
export interface Stats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** One forensics snapshot. */
export interface Forensics {
  step?: number;
  /** Images in the probe batch. */
  batch: number;
  /** ReLU layers in network order. */
  layers: LayerForensics[];
  /** The embedding before the final L2 normalisation. */
  preL2: {
    layer: string;
    norm: Stats;
    /** Mean pairwise euclidean distance of pre-L2 embeddings divided by their mean norm. */
    relativeSpread: number;
  };
  /** Pairwise cosine similarities of the output embeddings (off-diagonal). */
  cosine: Stats;
  /** Mean pairwise euclidean distance of the output embeddings. */
  outputSpread: number;
  /** Per-layer gradient norms, when the caller supplied them (network order). */
  gradNorms?: Record<string, number>;
}

/** True when a layer applies a ReLU (own activation, Activation/ReLU layer). */
export function isReluLayer(layer: tf.layers.Layer): boolean {
  const cls = layer.getClassName();
  if (cls === "ReLU") return true;
  let act: unknown;
  try {
    act = (layer.getConfig() as Record<string, unknown>).activation;
  } catch {
    return false;
  }
  return act === "relu" || act === "relu6";
}

/** The final L2-normalisation layer of a model, found by class or name, if any. */
export function findL2NormLayer(model: tf.LayersModel): tf.layers.Layer | undefined {
  const re = /l2.?norm/i;
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const l = model.layers[i];
    if (
      (re.test(l.getClassName()) || re.test(l.name)) && !/pool/i.test(l.getClassName() + l.name)
    ) {
      return l;
    }
  }
  return undefined;
}

interface Probe {
  model: tf.LayersModel;
  relu: tf.layers.Layer[];
  preL2Name: string;
  /** Indices of the pre-L2 tensor and of the output among the probe's outputs. */
  preIndex: number;
  outIndex: number;
}
const probes = new WeakMap<tf.LayersModel, Probe>();

function probeFor(model: tf.LayersModel): Probe {
  const cached = probes.get(model);
  if (cached) return cached;
  const relu: tf.layers.Layer[] = [];
  const outputs: tf.SymbolicTensor[] = [];
  for (const l of model.layers) {
    if (!isReluLayer(l)) continue;
    try {
      const out = l.output;
      if (Array.isArray(out)) continue;
      outputs.push(out);
      relu.push(l);
    } catch {
      // a layer used at several places has no single output; skip it
    }
  }
  const l2 = findL2NormLayer(model);
  let pre: tf.SymbolicTensor = model.outputs[0];
  let preL2Name = "(output: no L2-normalisation layer)";
  if (l2) {
    const inp = l2.input;
    pre = Array.isArray(inp) ? inp[0] : inp;
    preL2Name = `input of ${l2.name}`;
  }
  // List each tensor once (a repeated output comes back as null from tfjs): without an
  // L2-normalisation layer the "pre-L2" tensor is the output itself, and a ReLU embedding layer is
  // also one of the ReLU outputs.
  const all = [...outputs];
  const indexOf = (t: tf.SymbolicTensor) => {
    const i = all.indexOf(t);
    return i >= 0 ? i : all.push(t) - 1;
  };
  const preIndex = indexOf(pre), outIndex = indexOf(model.outputs[0]);
  const probe = tf.model({ inputs: model.inputs, outputs: all });
  const p = { model: probe, relu, preL2Name, preIndex, outIndex };
  probes.set(model, p);
  return p;
}

function stats(values: Float32Array | number[]): Stats {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN };
  let s = 0, min = Infinity, max = -Infinity;
  for (const v of values) {
    s += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = s / n;
  let q = 0;
  for (const v of values) q += (v - mean) ** 2;
  return { mean, std: Math.sqrt(q / n), min, max };
}

/** Options of {@link collectForensics}. */
export interface ForensicsOptions {
  /** Run batch norm etc. in training mode. Default false. */
  training?: boolean;
  /** Per-layer gradient norms to attach (e.g. from the training step). */
  gradNorms?: Record<string, number>;
  step?: number;
}

/**
 * Probes `model` on `images` and returns a forensics snapshot. Creates no lasting tensors.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { collectForensics } from "./forensics.ts";
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: "relu" })] });
 * const x = tf.ones([4, 2]);
 * const f = await collectForensics(model, x);
 * console.assert(f.batch === 4);
 * x.dispose();
 * model.dispose();
 * ```
 */
export async function collectForensics(
  model: tf.LayersModel,
  images: tf.Tensor,
  options: ForensicsOptions = {},
): Promise<Forensics> {
  const probe = probeFor(model);
  const nRelu = probe.relu.length;
  const [perLayer, pre, outStats] = tf.tidy(() => {
    const outs = probe.model.apply(images, { training: options.training ?? false }) as tf.Tensor[];
    const layerRows = outs.slice(0, nRelu).map((a) => {
      const c = a.shape[a.shape.length - 1]!;
      const flat = a.reshape([-1, c]);
      const dead = flat.max(0).lessEqual(0).cast("float32").sum();
      const rms = flat.square().mean().sqrt();
      const zeros = flat.equal(0).cast("float32").mean();
      return tf.stack([dead, rms, zeros, tf.scalar(c)]);
    });
    const perLayer = layerRows.length ? tf.stack(layerRows) : tf.zeros([0, 4]);
    const preOut = outs[probe.preIndex];
    const preT = preOut.reshape([preOut.shape[0]!, -1]) as tf.Tensor2D;
    const outLast = outs[probe.outIndex];
    const outT = outLast.reshape([outLast.shape[0]!, -1]) as tf.Tensor2D;
    const pairDist = (x: tf.Tensor2D) => {
      const sq = x.square().sum(1);
      const d2 = sq.expandDims(1).add(sq.expandDims(0)).sub(x.matMul(x, false, true).mul(2));
      return d2.relu().sqrt();
    };
    const n = preT.shape[0];
    const offDiag = tf.sub(1, tf.eye(n));
    const norms = preT.norm("euclidean", 1);
    const preSpread = pairDist(preT).mul(offDiag).sum().div(Math.max(1, n * (n - 1)));
    const unit = outT.div(outT.norm("euclidean", 1, true).add(1e-12));
    const cos = unit.matMul(unit, false, true);
    const outSpread = pairDist(outT).mul(offDiag).sum().div(Math.max(1, n * (n - 1)));
    return [perLayer, tf.concat([norms, preSpread.reshape([1]), outSpread.reshape([1])]), cos];
  });
  const rows = (await perLayer.data()) as Float32Array;
  const preV = (await pre.data()) as Float32Array;
  const cosV = (await outStats.data()) as Float32Array;
  const n = images.shape[0];
  tf.dispose([perLayer, pre, outStats]);
  const layers: LayerForensics[] = probe.relu.map((l, i) => {
    const units = rows[i * 4 + 3];
    return {
      name: l.name,
      className: l.getClassName(),
      units,
      dead: rows[i * 4],
      deadFraction: rows[i * 4] / units,
      activationRms: rows[i * 4 + 1],
      zeroFraction: rows[i * 4 + 2],
    };
  });
  const norm = stats(preV.subarray(0, n));
  const offDiag: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j) offDiag.push(cosV[i * n + j]);
  }
  return {
    step: options.step,
    batch: n,
    layers,
    preL2: {
      layer: probe.preL2Name,
      norm,
      relativeSpread: norm.mean > 0 ? preV[n] / norm.mean : 0,
    },
    cosine: stats(offDiag),
    outputSpread: preV[n + 1],
    gradNorms: options.gradNorms,
  };
}
