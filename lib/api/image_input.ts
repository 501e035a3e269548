/**
 * What the one-line API accepts as an image, and how each kind becomes 8-bit RGB pixels: a file
 * path (decoded by lib/data's one decoder: JPEG incl. progressive, PNG, WebP, GIF, TIFF, AVIF, BMP,
 * Netpbm), the bytes of such a file, or a tensor of pixel values 0–255 (`[H,W,3]`, or `[N,H,W,3]`
 * for N images, as `tf.browser.fromPixels` or `tf.node.decodeImage` give them).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { readImages } from "./image_input.ts";
 * const t = tf.fill([20, 30, 3], 200, "int32") as tf.Tensor3D;
 * const [img] = await readImages(t, "example");
 * t.dispose();
 * console.assert(img.image.width === 30 && img.image.data[0] === 200 && img.name === "tensor #0");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { decodeImage, type RgbImage } from "../data/mod.ts";

/**
 * One image: a file path, the bytes of an image file, or a tensor of pixel values 0–255 shaped
 * `[H,W,3]` (one image) or `[N,H,W,3]` (N images). Tensors are read, never disposed.
 */
export type ImageInput = string | Uint8Array | tf.Tensor3D | tf.Tensor4D;

/** A decoded image and the name errors and results use for it (the path, "bytes #i", "tensor #i"). */
export interface NamedImage {
  /** The path, or "bytes #i" / "tensor #i" (i: position in the input list). */
  name: string;
  /** 8-bit RGB pixels. */
  image: RgbImage;
}

/** Checks the kind of every input without reading any; throws naming the first bad one. */
function checkImageInputs(inputs: readonly unknown[], caller: string): void {
  inputs.forEach((input, i) => {
    if (typeof input === "string") {
      if (input.length === 0) throw new Error(`${caller}: image #${i} is an empty path`);
      return;
    }
    if (input instanceof Uint8Array) {
      if (input.length === 0) throw new Error(`${caller}: image #${i} (bytes) is empty`);
      return;
    }
    if (input instanceof tf.Tensor) {
      const s = input.shape;
      const ok = (input.rank === 3 && s[2] === 3) || (input.rank === 4 && s[3] === 3);
      if (!ok || input.isDisposed) {
        throw new Error(
          `${caller}: image #${i} must be a tensor [H,W,3] or [N,H,W,3] of pixels 0–255, got ${
            input.isDisposed ? "a disposed tensor" : `shape [${s.join(",")}]`
          }`,
        );
      }
      return;
    }
    const kind = input === null ? "null" : Array.isArray(input) ? "an array" : typeof input;
    throw new Error(
      `${caller}: image #${i} must be a file path, the bytes of an image file (Uint8Array) or a tensor [H,W,3], got ${kind}`,
    );
  });
}

/** The 8-bit pixels of a [H,W,3] or [N,H,W,3] tensor (rounded, clipped to 0–255). */
async function tensorImages(t: tf.Tensor3D | tf.Tensor4D, index: number): Promise<NamedImage[]> {
  const [n, h, w] = t.rank === 3 ? [1, t.shape[0], t.shape[1]] : t.shape.slice(0, 3);
  const values = await t.data();
  const per = h * w * 3;
  const out: NamedImage[] = [];
  for (let k = 0; k < n; k++) {
    const data = new Uint8Array(per);
    for (let j = 0; j < per; j++) {
      const v = Math.round(values[k * per + j]);
      data[j] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
    const name = t.rank === 3 ? `tensor #${index}` : `tensor #${index}[${k}]`;
    out.push({ name, image: { width: w, height: h, data } });
  }
  return out;
}

/**
 * Decodes one input or a list of them to RGB images, in order (a `[N,H,W,3]` tensor gives N).
 * A file that is missing or not an image throws an error naming it and the reason, prefixed with
 * `caller`.
 *
 * @param input one {@link ImageInput} or a list
 * @param caller the function name errors start with, e.g. "embed"
 *
 * @example
 * ```ts
 * import { readImages } from "./image_input.ts";
 * const err = await readImages("no/such/photo.jpg", "embed").catch((e) => e as Error);
 * console.assert(err instanceof Error && err.message.includes("no/such/photo.jpg"));
 * ```
 */
export async function readImages(
  input: ImageInput | readonly ImageInput[],
  caller: string,
): Promise<NamedImage[]> {
  const list: readonly unknown[] = Array.isArray(input) ? input : [input];
  checkImageInputs(list, caller);
  const out: NamedImage[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as ImageInput;
    if (item instanceof tf.Tensor) {
      out.push(...await tensorImages(item, i));
      continue;
    }
    const name = typeof item === "string" ? item : `bytes #${i}`;
    try {
      out.push({ name, image: await decodeImage(item, { name }) });
    } catch (e) {
      // decodeImage's message names the file too: keep only its reason.
      const reason = (e as Error).message.replace(/^decodeImage: (cannot read )?'[^']*':? */, "")
        .replace(/: readfile '[^']*'$/, "");
      throw new Error(`${caller}: cannot read image '${name}': ${reason}`, { cause: e });
    }
  }
  return out;
}
