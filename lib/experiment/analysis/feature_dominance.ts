/**
 * How much one channel dominates the features a model's last layer maps to its embedding (a
 * rank-one collapse shows one ReLU channel carrying almost all of the norm).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type Dataset, itemPath, loadImageBatch } from "../../data/mod.ts";
import { findL2NormLayer } from "../../train/mod.ts";

/** How much one channel dominates the features that the last layer maps to the embedding. */
export interface FeatureDominance {
  /** Layer whose input was probed (the one feeding the L2 normalisation). */
  layer: string;
  /** Channel with the largest mean |h|. */
  channel: number;
  /** Its mean |h|, and the runner-up's. */
  top: number;
  second: number;
  /** Mean over images of |h_top| / ‖h‖ (1 = the features are one channel). */
  share: number;
}

/**
 * Probes the features feeding the layer before the final L2 normalisation (or the output layer)
 * on the first `count` images of `dataset`; undefined when the model has no such single input.
 *
 * @example
 * ```ts ignore
 * const d = await featureDominance(model, data.dataset);
 * console.log(d?.share); // ≈ 1 for a rank-one collapse
 * ```
 */
export async function featureDominance(
  model: tf.LayersModel,
  dataset: Dataset,
  count = 24,
): Promise<FeatureDominance | undefined> {
  const l2 = findL2NormLayer(model);
  const head = l2 ? (l2.inboundNodes[0]?.inboundLayers[0] as tf.layers.Layer | undefined) : model
    .layers[model.layers.length - 1];
  if (!head) return undefined;
  const input = head.input;
  if (Array.isArray(input)) return undefined;
  const paths = dataset.items.slice(0, count).map((i) => itemPath(dataset, i.path));
  const size = model.inputs[0].shape[1] as number;
  const images = await loadImageBatch(paths, { size });
  const probe = tf.model({ inputs: model.inputs, outputs: input });
  const h = tf.tidy(() => {
    const out = probe.predict(images) as tf.Tensor;
    return out.reshape([out.shape[0]!, -1]).abs();
  });
  images.dispose();
  const rows = (await h.array()) as number[][];
  h.dispose();
  const c = rows[0]?.length ?? 0;
  if (c === 0) return undefined;
  const mean = Array.from(
    { length: c },
    (_, j) => rows.reduce((a, r) => a + r[j], 0) / rows.length,
  );
  const order = mean.map((v, j) => [v, j]).sort((a, b) => b[0] - a[0]);
  const channel = order[0][1];
  const share = rows.reduce((a, r) => {
    const n = Math.hypot(...r);
    return a + (Number.isFinite(n) && n > 0 ? r[channel] / n : NaN);
  }, 0) / rows.length;
  return { layer: head.name, channel, top: order[0][0], second: order[1]?.[0] ?? 0, share };
}
