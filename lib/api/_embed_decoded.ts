/**
 * Internals of `embed` and `verify`: the embedder's input for one decoded image (face-api: the
 * whole photo; a model: its aligned face crop) and the embedding loop.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  alignFace,
  centreCrop,
  detectFacesInImage as findFaces,
  pickFace,
  type RgbImage,
  STANDARD_MEAN,
  STANDARD_SCALE,
} from "../data/mod.ts";
import type { NamedImage } from "./image_input.ts";
import type { ResolvedEmbedder } from "./resolve_embedder.ts";

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
export function checkEmbedOptions(options: { crop?: unknown }, caller: string): void {
  if (options.crop !== undefined && options.crop !== "face" && options.crop !== "centre") {
    throw new Error(`${caller}: 'crop' must be "face" or "centre", got '${options.crop}'`);
  }
}
