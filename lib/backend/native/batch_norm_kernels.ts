/**
 * Training-mode batch normalisation as two kernels of the native backend, on oneDNN
 * (`./batch_norm_primitives.ts`):
 *
 * - `_BatchNormTrain` — inputs `x` (NHWC float32), `gamma`, `beta` ([C]); attributes `epsilon`,
 *   `relu`; outputs `[y, mean, variance]` (batch mean and biased variance per channel), and with
 *   `relu` y = max(0, ·) and a fourth output, oneDNN's workspace (int32 words holding its bytes).
 * - `_BatchNormTrainGrad` — inputs `dy`, `x`, `gamma`, `mean`, `variance` (and `workspace` with
 *   `relu`); outputs `[dx, dGamma, dBeta]`, dy masked by the ReLU first with `relu`.
 *
 * {@link registerBatchNormTrainGradient} gives `_BatchNormTrain` its gradient (the second
 * kernel). lib/model's BatchNorm layer runs `_BatchNormTrain` in training wherever the active
 * backend has it, and its TensorFlow.js-ops formula elsewhere; the two agree to float rounding.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { f32, type NativeFn } from "./native_kernels.ts";
import { BATCH_NORM_TRAIN } from "../../model/batch_norm.ts";
import {
  batchNormBackward,
  batchNormForward,
  batchNormWorkspaceBytes,
} from "./batch_norm_primitives.ts";

/** The forward kernel's name: lib/model's contract, which its BatchNorm layer looks up. */
export { BATCH_NORM_TRAIN };
/** The backward kernel's name. */
export const BATCH_NORM_TRAIN_GRAD = "_BatchNormTrainGrad";

type Shape4 = [number, number, number, number];

function channelsOk(x: tf.TensorInfo, ...perChannel: (tf.TensorInfo | undefined)[]): boolean {
  const c = x.shape[3];
  return x.shape.length === 4 &&
    perChannel.every((t) => t != null && t.shape.length === 1 && t.shape[0] === c);
}

/** `_BatchNormTrain` on oneDNN. */
export const batchNormTrain: NativeFn = ({ x, gamma, beta }, backend, attrs) => {
  const xv = f32(backend, x);
  const gv = f32(backend, gamma);
  const bv = f32(backend, beta);
  if (!xv || !gv || !bv || !channelsOk(x, gamma, beta)) return undefined;
  const c = x.shape[3];
  const g = { x: x.shape as Shape4, epsilon: Number(attrs.epsilon ?? 1e-3), relu: !!attrs.relu };
  const y = new Float32Array(xv.length);
  const mean = new Float32Array(c);
  const variance = new Float32Array(c);
  const workspace = g.relu
    ? new Int32Array(Math.ceil(batchNormWorkspaceBytes(backend.primitives, g) / 4))
    : undefined;
  batchNormForward(backend.primitives, g, {
    x: xv,
    gamma: gv,
    beta: bv,
    y,
    mean,
    variance,
    workspace,
  });
  return [
    backend.makeTensorInfo(x.shape, "float32", y),
    backend.makeTensorInfo([c], "float32", mean),
    backend.makeTensorInfo([c], "float32", variance),
    ...(workspace ? [backend.makeTensorInfo([workspace.length], "int32", workspace)] : []),
  ];
};

/** `_BatchNormTrainGrad` on oneDNN. */
export const batchNormTrainGrad: NativeFn = (
  { dy, x, gamma, mean, variance, workspace },
  backend,
  attrs,
) => {
  const [dyv, xv, gv, mv, vv] = [dy, x, gamma, mean, variance].map((t) => f32(backend, t));
  if (!dyv || !xv || !gv || !mv || !vv || !channelsOk(x, gamma, mean, variance)) {
    return undefined;
  }
  if (dy.shape.join() !== x.shape.join()) return undefined;
  const c = x.shape[3];
  const g = { x: x.shape as Shape4, epsilon: Number(attrs.epsilon ?? 1e-3), relu: !!attrs.relu };
  let ws: Int32Array | undefined;
  if (g.relu) {
    const v = workspace?.dtype === "int32" ? backend.data.get(workspace.dataId).values : undefined;
    ws = v instanceof Int32Array ? v : undefined;
    const bytes = batchNormWorkspaceBytes(backend.primitives, g);
    if (!ws || ws.byteLength < bytes) {
      throw new Error(
        `${BATCH_NORM_TRAIN_GRAD}: 'relu' needs the forward pass's workspace (${bytes} bytes), got ${
          ws ? `${ws.byteLength} bytes` : "none"
        }`,
      );
    }
  }
  const dx = new Float32Array(xv.length);
  const dGamma = new Float32Array(c);
  const dBeta = new Float32Array(c);
  batchNormBackward(backend.primitives, g, {
    x: xv,
    mean: mv,
    variance: vv,
    dy: dyv,
    gamma: gv,
    dx,
    dGamma,
    dBeta,
    workspace: ws,
  });
  return [
    backend.makeTensorInfo(x.shape, "float32", dx),
    backend.makeTensorInfo([c], "float32", dGamma),
    backend.makeTensorInfo([c], "float32", dBeta),
  ];
};

let done = false;

/**
 * Registers `_BatchNormTrain`'s gradient (once): `_BatchNormTrainGrad` on y's gradient (the
 * mean and variance outputs only feed the moving averages, which take no gradient; the
 * workspace is the fused ReLU's record).
 *
 * @example
 * ```ts
 * import { registerBatchNormTrainGradient } from "./batch_norm_kernels.ts";
 * registerBatchNormTrainGradient();
 * ```
 */
export function registerBatchNormTrainGradient(): void {
  if (done) return;
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAIN,
    inputsToSave: ["x", "gamma"],
    outputsToSave: [false, true, true, true],
    gradFunc: (dys, saved, attrs) => {
      const dy = Array.isArray(dys) ? dys[0] : dys;
      const [x, gamma, mean, variance, workspace] = saved;
      const [dx, dGamma, dBeta] = tf.engine().runKernel(
        BATCH_NORM_TRAIN_GRAD,
        { dy, x, gamma, mean, variance, ...(workspace ? { workspace } : {}) },
        attrs as tf.NamedAttrMap,
      ) as tf.Tensor[];
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
    },
  });
  done = true;
}
