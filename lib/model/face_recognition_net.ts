/**
 * face-api's FaceRecognitionNet (its port of dlib's ResNet-29 face descriptor, 128-d) as a
 * trainable tfjs layers model: the same network face-api runs, built from standard layers (plus
 * {@link ChannelZeroPad}), so lib/train fine-tunes it with its losses, miners, schedules,
 * checkpoints and resume, lib/model's `saveModel`/`loadModel` store it, and `deno task eval
 * --embedder DIR` evaluates it.
 *
 * Differences from face-api's forward, none of which changes what it computes:
 * - input: the toolkit's standardised images `(pixel − 127.5) / 128` (face-api subtracts a mean
 *   RGB and divides by 255); the affine map between the two is folded into the first convolution,
 *   which is exact because that convolution is unpadded ('valid');
 * - each face-api conv layer is conv + bias then a per-channel scale layer (`x·w + b`); both are
 *   folded into one convolution with bias;
 * - `normalize` (default true) appends an L2 normalisation (FaceNet's embedding on the unit
 *   sphere; face-api's raw descriptors have norms near 1.46). Without it the output is face-api's
 *   descriptor.
 *
 * `freeze: "trunk"` keeps every layer but the last residual block (`conv256_down_out`) and the
 * final 256→128 projection (`fc`) fixed: fine-tuning of the last layers only.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { faceRecognitionNet } from "./face_recognition_net.ts";
 * const model = await faceRecognitionNet({ weights: "random", seed: 1, inputSize: 64 });
 * const e = model.predict(tf.zeros([1, 64, 64, 3])) as tf.Tensor;
 * console.assert(e.shape[1] === 128);
 * tf.dispose([e]);
 * model.dispose();
 * ```
 * @module
 */
import { TrainConv2D } from "./train_conv2d.ts";
import * as tf from "@tensorflow/tfjs";
import { ChannelZeroPad } from "./channel_zero_pad.ts";
import { L2Normalize } from "./l2_normalize.ts";
import { type NamedWeight, readFaceApiWeights } from "./face_api_weights.ts";

/** Which layers train: all, or the last residual block and the projection only. */
export type FaceRecognitionFreeze = "none" | "trunk";

/** Options of {@link faceRecognitionNet}. */
export interface FaceRecognitionNetOptions {
  /** "pretrained" (face-api's weights, default) or "random" (Glorot-uniform, seeded). */
  weights?: "pretrained" | "random";
  /** Seed of the random initialisation. Default 0. */
  seed?: number;
  /** Square input side. Default 150 (face-api's; other sizes change the feature-map sizes). */
  inputSize?: number;
  /** Append an L2 normalisation of the embedding. Default true. */
  normalize?: boolean;
  /** "none" (default): every layer trains; "trunk": only `conv256_down_out` and `fc` train. */
  freeze?: FaceRecognitionFreeze;
  /** Folder of face-api's model files (pretrained weights). Default: the installed package's. */
  modelDir?: string;
  /** Model name. Default "face-recognition-net". */
  name?: string;
}

/** Key of the build options in the model's user-defined metadata. */
export const FACE_RECOGNITION_METADATA_KEY = "faceRecognitionNet";

/** face-api's mean RGB (subtracted before dividing by 255). */
export const FACE_API_MEAN_RGB: readonly [number, number, number] = [122.782, 117.001, 104.298];

/** Blocks in order: kind and output channels (face-api's names). */
const BLOCKS: readonly { name: string; kind: "down" | "residual" | "residualDown"; ch: number }[] =
  [
    { name: "conv32_down", kind: "down", ch: 32 },
    { name: "conv32_1", kind: "residual", ch: 32 },
    { name: "conv32_2", kind: "residual", ch: 32 },
    { name: "conv32_3", kind: "residual", ch: 32 },
    { name: "conv64_down", kind: "residualDown", ch: 64 },
    { name: "conv64_1", kind: "residual", ch: 64 },
    { name: "conv64_2", kind: "residual", ch: 64 },
    { name: "conv64_3", kind: "residual", ch: 64 },
    { name: "conv128_down", kind: "residualDown", ch: 128 },
    { name: "conv128_1", kind: "residual", ch: 128 },
    { name: "conv128_2", kind: "residual", ch: 128 },
    { name: "conv256_down", kind: "residualDown", ch: 256 },
    { name: "conv256_1", kind: "residual", ch: 256 },
    { name: "conv256_2", kind: "residual", ch: 256 },
    { name: "conv256_down_out", kind: "residualDown", ch: 256 },
  ];

/** Blocks that still train with `freeze: "trunk"`. */
export const FACE_RECOGNITION_HEAD: readonly string[] = ["conv256_down_out", "fc"];

/** Names of the model's convolution layers, paired with face-api's parameter prefixes. */
function convLayers(): { layer: string; param: string; first: boolean }[] {
  const out: { layer: string; param: string; first: boolean }[] = [];
  for (const b of BLOCKS) {
    if (b.kind === "down") out.push({ layer: b.name, param: b.name, first: true });
    else {
      for (const c of ["conv1", "conv2"]) {
        out.push({ layer: `${b.name}_${c}`, param: `${b.name}/${c}`, first: false });
      }
    }
  }
  return out;
}

function outSize(n: number, kernel: number, stride: number): number {
  return Math.floor((n - kernel) / stride) + 1;
}

/** The first block whose input is smaller than its 3×3 stride-2 convolution, if any. */
function blockTooSmall(inputSize: number): { block: string; side: number } | undefined {
  if (inputSize < 7) return { block: "conv32_down", side: inputSize };
  let side = outSize(outSize(inputSize, 7, 2), 3, 2);
  for (const b of BLOCKS) {
    if (b.kind !== "residualDown") continue;
    if (side < 3) return { block: b.name, side };
    side = Math.floor(side / 2);
  }
  return undefined;
}

/**
 * Builds FaceRecognitionNet (see the module doc), with face-api's pretrained weights by default.
 *
 * @param options weights ("pretrained"), seed (0), inputSize (150), normalize (true),
 *   freeze ("none"), modelDir, name
 *
 * @example
 * ```ts
 * import { faceRecognitionNet } from "./face_recognition_net.ts";
 * const model = await faceRecognitionNet({ freeze: "trunk" });
 * console.assert(model.trainableWeights.length === 5); // conv256_down_out's two convs (kernel, bias), fc
 * model.dispose();
 * ```
 */
export async function faceRecognitionNet(
  options: FaceRecognitionNetOptions = {},
): Promise<tf.LayersModel> {
  const weights = options.weights ?? "pretrained";
  const inputSize = options.inputSize ?? 150;
  const freeze = options.freeze ?? "none";
  const normalize = options.normalize ?? true;
  const seed = options.seed ?? 0;
  if (weights !== "pretrained" && weights !== "random") {
    throw new Error(
      `faceRecognitionNet: 'weights' must be "pretrained" or "random", got '${weights}'`,
    );
  }
  if (freeze !== "none" && freeze !== "trunk") {
    throw new Error(`faceRecognitionNet: 'freeze' must be "none" or "trunk", got '${freeze}'`);
  }
  if (!Number.isInteger(inputSize)) {
    throw new Error(`faceRecognitionNet: 'inputSize' must be an integer, got ${inputSize}`);
  }
  const tooSmall = blockTooSmall(inputSize);
  if (tooSmall) {
    let smallest = inputSize + 1;
    while (blockTooSmall(smallest)) smallest++;
    throw new Error(
      `faceRecognitionNet: inputSize ${inputSize} is too small: block ${tooSmall.block} would get ${tooSmall.side}×${tooSmall.side} (the smallest input is ${smallest})`,
    );
  }
  if (!Number.isInteger(seed)) {
    throw new Error(`faceRecognitionNet: 'seed' must be an integer, got ${seed}`);
  }
  const pretrained = weights === "pretrained"
    ? await readFaceApiWeights({ modelDir: options.modelDir })
    : undefined;

  let layerSeed = seed * 1000;
  const trainable = (block: string) => freeze === "none" || FACE_RECOGNITION_HEAD.includes(block);
  const conv = (
    name: string,
    block: string,
    filters: number,
    kernel: number,
    stride: number,
    padding: "same" | "valid",
    relu: boolean,
  ) =>
    new (TrainConv2D())({
      name,
      filters,
      kernelSize: kernel,
      strides: stride,
      padding,
      useBias: true,
      activation: relu ? "relu" : "linear",
      kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed++ }),
      biasInitializer: "zeros",
      trainable: trainable(block),
    });

  const input = tf.input({ shape: [inputSize, inputSize, 3], name: "image" });
  let x: tf.SymbolicTensor = input;
  let side = inputSize;
  let channels = 3;
  for (const b of BLOCKS) {
    if (b.kind === "down") {
      x = conv(b.name, b.name, b.ch, 7, 2, "valid", true).apply(x) as tf.SymbolicTensor;
      side = outSize(side, 7, 2);
      x = tf.layers.maxPooling2d({
        name: `${b.name}_pool`,
        poolSize: 3,
        strides: 2,
        padding: "valid",
      }).apply(x) as tf.SymbolicTensor;
      side = outSize(side, 3, 2);
    } else if (b.kind === "residual") {
      let y = conv(`${b.name}_conv1`, b.name, b.ch, 3, 1, "same", true).apply(
        x,
      ) as tf.SymbolicTensor;
      y = conv(`${b.name}_conv2`, b.name, b.ch, 3, 1, "same", false).apply(y) as tf.SymbolicTensor;
      y = tf.layers.add({ name: `${b.name}_add` }).apply([y, x]) as tf.SymbolicTensor;
      x = tf.layers.reLU({ name: `${b.name}_relu` }).apply(y) as tf.SymbolicTensor;
    } else {
      let y = conv(`${b.name}_conv1`, b.name, b.ch, 3, 2, "valid", true).apply(
        x,
      ) as tf.SymbolicTensor;
      y = conv(`${b.name}_conv2`, b.name, b.ch, 3, 1, "same", false).apply(y) as tf.SymbolicTensor;
      const ySide = outSize(side, 3, 2);
      const poolSide = Math.floor(side / 2);
      if (poolSide > ySide) {
        // face-api appends a row and a column of zeros to the block's output.
        const d = poolSide - ySide;
        y = tf.layers.zeroPadding2d({ name: `${b.name}_zpad`, padding: [[0, d], [0, d]] })
          .apply(y) as tf.SymbolicTensor;
      }
      let s = tf.layers.averagePooling2d({
        name: `${b.name}_avg`,
        poolSize: 2,
        strides: 2,
        padding: "valid",
      }).apply(x) as tf.SymbolicTensor;
      if (channels !== b.ch) {
        s = new ChannelZeroPad({ name: `${b.name}_cpad`, channels: b.ch }).apply(
          s,
        ) as tf.SymbolicTensor;
      }
      y = tf.layers.add({ name: `${b.name}_add` }).apply([s, y]) as tf.SymbolicTensor;
      x = tf.layers.reLU({ name: `${b.name}_relu` }).apply(y) as tf.SymbolicTensor;
      side = poolSide;
    }
    channels = b.ch;
  }
  x = tf.layers.globalAveragePooling2d({ name: "avg" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({
    name: "fc",
    units: 128,
    useBias: false,
    kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed++ }),
    trainable: trainable("fc"),
  }).apply(x) as tf.SymbolicTensor;
  if (normalize) x = new L2Normalize({ name: "l2" }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({
    inputs: input,
    outputs: x,
    name: options.name ?? "face-recognition-net",
  });
  if (pretrained) setPretrained(model, pretrained);
  model.setUserDefinedMetadata({
    [FACE_RECOGNITION_METADATA_KEY]: { weights, seed, inputSize, normalize, freeze },
  });
  return model;
}

/** Writes face-api's weights into the model, folding input map, bias and scale (module doc). */
function setPretrained(model: tf.LayersModel, w: Map<string, NamedWeight>): void {
  const get = (name: string): NamedWeight => {
    const v = w.get(name);
    if (!v) throw new Error(`faceRecognitionNet: face-api's weights lack '${name}'`);
    return v;
  };
  for (const c of convLayers()) {
    const filters = get(`${c.param}/conv/filters`), bias = get(`${c.param}/conv/bias`);
    const sw = get(`${c.param}/scale/weights`).values, sb = get(`${c.param}/scale/biases`).values;
    const [kh, kw, cin, cout] = filters.shape;
    const kernel = new Float32Array(filters.values.length);
    const b = new Float64Array(cout);
    for (let o = 0; o < cout; o++) b[o] = bias.values[o];
    // First layer: x_face = (128/255)·x_std + (127.5 − mean_c)/255 before an unpadded convolution.
    const gain = c.first ? 128 / 255 : 1;
    for (let i = 0; i < kh * kw; i++) {
      for (let ci = 0; ci < cin; ci++) {
        const offset = c.first ? (127.5 - FACE_API_MEAN_RGB[ci]) / 255 : 0;
        for (let o = 0; o < cout; o++) {
          const at = (i * cin + ci) * cout + o;
          const f = filters.values[at];
          kernel[at] = f * gain * sw[o];
          b[o] += f * offset;
        }
      }
    }
    const folded = Float32Array.from(b, (v, o) => v * sw[o] + sb[o]);
    const layer = model.getLayer(c.layer);
    const [kt, bt] = [tf.tensor(kernel, filters.shape), tf.tensor(folded, [cout])];
    try {
      layer.setWeights([kt, bt]);
    } finally {
      tf.dispose([kt, bt]);
    }
  }
  const fc = get("fc");
  const ft = tf.tensor(fc.values, fc.shape);
  try {
    model.getLayer("fc").setWeights([ft]);
  } finally {
    ft.dispose();
  }
}

/**
 * The build options a model made by {@link faceRecognitionNet} carries, or undefined for any
 * other model.
 *
 * @example
 * ```ts
 * import { faceRecognitionNet, faceRecognitionNetOptions } from "./face_recognition_net.ts";
 * const m = await faceRecognitionNet({ weights: "random", inputSize: 64 });
 * console.assert(faceRecognitionNetOptions(m)?.inputSize === 64);
 * m.dispose();
 * ```
 */
export function faceRecognitionNetOptions(
  model: tf.LayersModel,
): FaceRecognitionNetOptions | undefined {
  const meta = model.getUserDefinedMetadata() as
    | Record<string, FaceRecognitionNetOptions>
    | undefined;
  return meta?.[FACE_RECOGNITION_METADATA_KEY];
}

/**
 * Sets which layers train: `"trunk"` freezes all but {@link FACE_RECOGNITION_HEAD}, `"none"`
 * unfreezes every layer. Call before training starts (the trainer reads the trainable weights once).
 *
 * @example
 * ```ts
 * import { faceRecognitionNet, setFaceRecognitionFreeze } from "./face_recognition_net.ts";
 * const m = await faceRecognitionNet({ weights: "random", inputSize: 64 });
 * setFaceRecognitionFreeze(m, "trunk");
 * console.assert(m.trainableWeights.length === 5);
 * m.dispose();
 * ```
 */
export function setFaceRecognitionFreeze(
  model: tf.LayersModel,
  freeze: FaceRecognitionFreeze,
): void {
  if (freeze !== "none" && freeze !== "trunk") {
    throw new Error(
      `setFaceRecognitionFreeze: 'freeze' must be "none" or "trunk", got '${freeze}'`,
    );
  }
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const block = layer.name === "fc" ? "fc" : layer.name.replace(/_conv[12]$/, "");
    layer.trainable = freeze === "none" || FACE_RECOGNITION_HEAD.includes(block);
  }
}
