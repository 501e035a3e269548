/**
 * The inception module of FaceNet's Table 2: 1×1; 3×3 reduce then 3×3; 5×5 reduce then 5×5;
 * pool then 1×1 projection, concatenated along channels. A stride-2 module (3c, 4e) strides its
 * 3×3 and 5×5 convolutions and concatenates the 3×3 stride-2 max-pooled input without projection.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { inceptionBlock } from "./inception.ts";
 * import { createBuildContext } from "./build_context.ts";
 * import { resolveBuildOptions } from "./variants.ts";
 * const ctx = createBuildContext(resolveBuildOptions("tiny"));
 * const x = tf.input({ shape: [8, 8, 16] });
 * const y = inceptionBlock(x, {
 *   kind: "inception", name: "inception_x", n1x1: 8, n3x3reduce: 8, n3x3: 16,
 *   n5x5reduce: 4, n5x5: 8, pool: "max", poolProj: 8, stride: 1,
 * }, ctx);
 * console.assert(y.shape[3] === 40);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BuildContext } from "./build_context.ts";
import { L2Pooling2D } from "./l2_pooling.ts";
import type { InceptionStage } from "./variants.ts";

/** Builds one inception module on `x`; layers are named `<stage.name>_<branch>`. */
export function inceptionBlock(
  x: tf.SymbolicTensor,
  stage: InceptionStage,
  ctx: BuildContext,
): tf.SymbolicTensor {
  const p = stage.name;
  const f = ctx.filters;
  const s = stage.stride;
  const branches: tf.SymbolicTensor[] = [];
  if (stage.n1x1 > 0) branches.push(ctx.conv(x, `${p}_1x1`, f(stage.n1x1), 1, 1));
  if (stage.n3x3 > 0) {
    const r = ctx.conv(x, `${p}_3x3_reduce`, f(stage.n3x3reduce), 1, 1);
    branches.push(ctx.conv(r, `${p}_3x3`, f(stage.n3x3), 3, s));
  }
  if (stage.n5x5 > 0) {
    const r = ctx.conv(x, `${p}_5x5_reduce`, f(stage.n5x5reduce), 1, 1);
    branches.push(ctx.conv(r, `${p}_5x5`, f(stage.n5x5), 5, s));
  }
  const l2 = stage.pool === "l2" && ctx.options.l2Pooling === "l2" && s === 1;
  const pooled =
    (l2
      ? new L2Pooling2D({ name: `${p}_pool`, poolSize: 3, strides: s })
      : tf.layers.maxPooling2d({ name: `${p}_pool`, poolSize: 3, strides: s, padding: "same" }))
      .apply(x) as tf.SymbolicTensor;
  branches.push(
    stage.poolProj > 0 ? ctx.conv(pooled, `${p}_pool_proj`, f(stage.poolProj), 1, 1) : pooled,
  );
  return tf.layers.concatenate({ name: `${p}_concat`, axis: -1 }).apply(
    branches,
  ) as tf.SymbolicTensor;
}
