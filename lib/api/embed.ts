/**
 * `embed(images)`: one call from photos to face embeddings.
 *
 * With the default embedder (face-api's FaceRecognitionNet), each image goes through lib/eval's
 * `faceApiEmbedder()` pipeline: every face detected with 68 landmarks (SSD, then the Tiny
 * detector, then SSD at score 0.1), the largest most central one chosen, described in face-api's
 * landmark box and in that box levelled, the two unit descriptors averaged (128-d, unit length);
 * an image with no face found is described whole. With a run folder's model, the face is detected
 * (Tiny detector), the largest most central one aligned (eyes level) and cropped with a 15% margin
 * at the model's input size, as `deno task preprocess` crops training photos (`crop: "centre"`
 * skips detection for images that are already face crops).
 *
 * @example
 * ```ts ignore
 * import { embed } from "./embed.ts";
 * const [a, b] = await embed(["alice_1.jpg", "alice_2.jpg"]);
 * console.log(a.length); // 128
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  alignFace,
  centreCrop,
  detectFaces as findFaces,
  pickFace,
  type RgbImage,
  STANDARD_MEAN,
  STANDARD_SCALE,
} from "../data/mod.ts";
import { ensureBackend } from "./ensure_backend.ts";
import { type ImageInput, type NamedImage, readImages } from "./image_input.ts";
import { type EmbedderChoice, type ResolvedEmbedder, resolveEmbedder } from "./resolve_embedder.ts";

/** Options of {@link embed}. */
export interface EmbedOptions {
  /**
   * "faceapi" (default: face-api's pretrained 128-d FaceRecognitionNet), a run folder or model
   * folder (`{ embedder: "runs/x/model" }`), or an `Embedder` object from lib/eval.
   */
  embedder?: EmbedderChoice;
  /**
   * How a model embedder's input is cut from a photo: "face" (default) detects, aligns and crops
   * the largest most central face (the whole image's centre square when none is found);
   * "centre" takes the centre square of images that are already face crops. face-api always
   * detects and aligns.
   */
  crop?: "face" | "centre";
}

/** Margin of the model crop, as `deno task preprocess` crops training photos (its default). */
const MODEL_CROP_MARGIN = 0.15;

/** One image as a standardised [1,H,W,3] tensor, `(pixel − 127.5) / 128`. */
function standardized(image: RgbImage): tf.Tensor4D {
  const values = new Float32Array(image.data.length);
  for (let i = 0; i < values.length; i++) {
    values[i] = (image.data[i] - STANDARD_MEAN) / STANDARD_SCALE;
  }
  return tf.tensor4d(values, [1, image.height, image.width, 3]);
}

/** The embedder's input for one image (face-api: the whole photo; a model: its face crop). */
async function modelInput(
  resolved: ResolvedEmbedder,
  image: RgbImage,
  crop: "face" | "centre",
): Promise<RgbImage> {
  if (resolved.kind === "faceapi") return image;
  const size = resolved.embedder.inputSize;
  if (crop === "centre") return centreCrop(image, { size }).image;
  const faces = await findFaces(image, { detector: "tiny" });
  const i = pickFace(faces, image.width, image.height);
  return i < 0
    ? centreCrop(image, { size }).image
    : alignFace(image, faces[i], { size, margin: MODEL_CROP_MARGIN }).image;
}

/**
 * Embeds decoded images with a resolved embedder, one image at a time (results never depend on the
 * batch). Used by {@link embed} and `verify`.
 */
export async function embedDecoded(
  resolved: ResolvedEmbedder,
  images: readonly NamedImage[],
  options: { crop?: "face" | "centre"; caller?: string } = {},
): Promise<Float32Array[]> {
  const crop = options.crop ?? "face";
  const caller = options.caller ?? "embed";
  const rows: Float32Array[] = [];
  for (const { name, image } of images) {
    const input = standardized(await modelInput(resolved, image, crop));
    let out: tf.Tensor2D | undefined;
    try {
      out = await resolved.embedder.embed(input);
      if (out.rank !== 2 || out.shape[0] !== 1) {
        throw new Error(
          `${caller}: ${resolved.embedder.name} returned shape [${
            out.shape.join(",")
          }] for '${name}'`,
        );
      }
      const row = (await out.data()) as Float32Array;
      if (!row.every(Number.isFinite)) {
        throw new Error(`${caller}: ${resolved.embedder.name} gave NaN or Infinity for '${name}'`);
      }
      rows.push(Float32Array.from(row));
    } finally {
      input.dispose();
      out?.dispose();
    }
  }
  return rows;
}

/** Checks the options shared by {@link embed} and `verify`; throws naming the bad key. */
export function checkEmbedOptions(options: EmbedOptions, caller: string): void {
  if (options.crop !== undefined && options.crop !== "face" && options.crop !== "centre") {
    throw new Error(`${caller}: 'crop' must be "face" or "centre", got '${options.crop}'`);
  }
}

/**
 * Embeds images: one Float32Array per image, in order (a `[N,H,W,3]` tensor counts as N images).
 * Images are file paths, the bytes of image files, or tensors of pixels 0–255. The backend is
 * `initBackend("auto")`'s choice unless one is already set; the embedder loads on first use.
 *
 * @param images one image or a list
 * @param options embedder ("faceapi", a run folder, or an Embedder), crop ("face")
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { embed } from "./embed.ts";
 * // Any Embedder works; here a toy one (the mean colour) on a 4×4 grey tensor image.
 * const meanColour = { name: "mean", inputSize: 4, embed: (x: tf.Tensor4D) => tf.mean(x, [1, 2]) as tf.Tensor2D };
 * const grey = tf.fill([4, 4, 3], 160) as tf.Tensor3D;
 * const [row] = await embed(grey, { embedder: meanColour, crop: "centre" });
 * grey.dispose();
 * console.assert(row.length === 3 && Math.abs(row[0] - (160 - 127.5) / 128) < 1e-6);
 * ```
 */
export async function embed(
  images: ImageInput | readonly ImageInput[],
  options: EmbedOptions = {},
): Promise<Float32Array[]> {
  checkEmbedOptions(options, "embed");
  const decoded = await readImages(images, "embed");
  await ensureBackend();
  const resolved = await resolveEmbedder(options.embedder ?? "faceapi", "embed");
  return await embedDecoded(resolved, decoded, { crop: options.crop, caller: "embed" });
}
