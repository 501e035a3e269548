/**
 * Face alignment: rotate so the eyes are level, crop close around the face with a margin, resize.
 *
 * Geometry (documented policy), from face-api's 68 landmarks:
 * - eye centres `L` = mean of points 36–41, `R` = mean of 42–47; mouth centre `M` = mean of 48–67;
 * - roll angle `θ = atan2(R.y − L.y, R.x − L.x)`: the crop is rotated by θ so the eyes come out level;
 * - in that upright frame, with eye midpoint `E` and `d` = distance from `E` to `M` measured along
 *   the face's vertical axis, the face square has centre `E + FACE_CENTRE_BELOW_EYES · d` (down the
 *   axis) and side `FACE_SIDE_PER_EYE_MOUTH · d`; both constants were fitted so that the square
 *   matches the tiny detector's box on frontal LFW faces, and they make the crop's scale follow
 *   the face rather than the detector's jitter (median box side 2.87·d, box centre 0.62·d below
 *   the eyes on 300 LFW photos);
 * - the crop square's side is `face side × (1 + 2 · margin)` (margin is a fraction of the face
 *   side added on each side), sampled bilinearly (with box pre-filtering when shrinking by 2× or
 *   more) and edge pixels repeated where the square leaves the photo.
 * Without landmarks the detector box gives centre and side and θ = 0. With no face at all,
 * {@link centreCrop} takes the largest centred square of the whole image.
 *
 * @example
 * ```ts
 * import { alignFace } from "./align_face.ts";
 * const img = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3).fill(90) };
 * const face = { box: { x: 30, y: 30, width: 40, height: 40 }, score: 1, landmarks: [] };
 * const out = alignFace(img, face, { size: 64 });
 * console.assert(out.image.width === 64 && out.angle === 0);
 * ```
 * @module
 */
import type { RgbImage } from "../decode/rgb_image.ts";
import type { FaceDetection } from "./face_api.ts";

/** Face-square side in units of the eye-to-mouth distance (fitted on LFW, see module doc). */
export const FACE_SIDE_PER_EYE_MOUTH = 2.8;
/** Face-square centre below the eye midpoint, in units of the eye-to-mouth distance. */
export const FACE_CENTRE_BELOW_EYES = 0.6;

/** Where a crop was taken: centre, side (source pixels), roll angle (radians). */
export interface CropGeometry {
  cx: number;
  cy: number;
  side: number;
  angle: number;
}

/** Options of {@link alignFace}. */
export interface AlignFaceOptions {
  /** Output side in pixels. Default 224. */
  size?: number;
  /** Fraction of the face side added on each side of the crop. Default 0.15. */
  margin?: number;
}

/** An aligned crop and how it was taken. */
export interface AlignedFace {
  image: RgbImage;
  /** Roll angle removed, in degrees (positive: the right eye was lower). */
  angle: number;
  crop: CropGeometry;
}

const mean = (pts: [number, number][], from: number, to: number): [number, number] => {
  let x = 0, y = 0;
  for (let i = from; i <= to; i++) {
    x += pts[i][0];
    y += pts[i][1];
  }
  const n = to - from + 1;
  return [x / n, y / n];
};

/**
 * The crop geometry of a detected face (see the module doc), before the margin is applied.
 *
 * @example
 * ```ts
 * import { faceGeometry } from "./align_face.ts";
 * const g = faceGeometry({ box: { x: 0, y: 0, width: 10, height: 20 }, score: 1, landmarks: [] });
 * console.assert(g.cx === 5 && g.cy === 10 && g.side === 20);
 * ```
 */
export function faceGeometry(face: FaceDetection): CropGeometry {
  const b = face.box;
  const fromBox: CropGeometry = {
    cx: b.x + b.width / 2,
    cy: b.y + b.height / 2,
    side: Math.max(b.width, b.height),
    angle: 0,
  };
  const lm = face.landmarks;
  if (!lm || lm.length < 68) return fromBox;
  const l = mean(lm, 36, 41), r = mean(lm, 42, 47), m = mean(lm, 48, 67);
  const angle = Math.atan2(r[1] - l[1], r[0] - l[0]);
  const ex = (l[0] + r[0]) / 2, ey = (l[1] + r[1]) / 2;
  // Unit vector pointing down the face (perpendicular to the eye line).
  const vx = -Math.sin(angle), vy = Math.cos(angle);
  const d = (m[0] - ex) * vx + (m[1] - ey) * vy;
  if (!(d > 0.1 * fromBox.side)) return { ...fromBox, angle }; // degenerate landmarks: use the box
  return {
    cx: ex + FACE_CENTRE_BELOW_EYES * d * vx,
    cy: ey + FACE_CENTRE_BELOW_EYES * d * vy,
    side: FACE_SIDE_PER_EYE_MOUTH * d,
    angle,
  };
}

/**
 * Aligns and crops one face: eyes level, face centred, `margin` around it, `size`×`size` pixels.
 *
 * @example
 * ```ts
 * import { alignFace } from "./align_face.ts";
 * const img = { width: 50, height: 50, data: new Uint8Array(50 * 50 * 3) };
 * const out = alignFace(img, { box: { x: 10, y: 10, width: 30, height: 30 }, score: 0.9, landmarks: [] }, { size: 32, margin: 0 });
 * console.assert(out.crop.side === 30);
 * ```
 */
export function alignFace(
  image: RgbImage,
  face: FaceDetection,
  options: AlignFaceOptions = {},
): AlignedFace {
  const margin = options.margin ?? 0.15;
  if (!(margin >= 0)) throw new RangeError(`alignFace: 'margin' must be ≥ 0, got ${margin}`);
  const g = faceGeometry(face);
  const crop = { ...g, side: g.side * (1 + 2 * margin) };
  return {
    image: sampleCrop(image, crop, options.size ?? 224),
    angle: (g.angle * 180) / Math.PI,
    crop,
  };
}

/**
 * The largest centred square of the whole image, resized (the `--on-no-face center` policy).
 *
 * @example
 * ```ts
 * import { centreCrop } from "./align_face.ts";
 * const out = centreCrop({ width: 40, height: 20, data: new Uint8Array(40 * 20 * 3) }, { size: 16 });
 * console.assert(out.crop.side === 20 && out.image.width === 16);
 * ```
 */
export function centreCrop(image: RgbImage, options: { size?: number } = {}): AlignedFace {
  const crop = {
    cx: image.width / 2,
    cy: image.height / 2,
    side: Math.min(image.width, image.height),
    angle: 0,
  };
  return { image: sampleCrop(image, crop, options.size ?? 224), angle: 0, crop };
}

/**
 * Samples a rotated square (`crop`, in continuous pixel coordinates where pixel p covers [p, p+1))
 * into a `size`×`size` image: bilinear, edges repeated, box-prefiltered when shrinking ≥ 2×.
 *
 * @example
 * ```ts
 * import { sampleCrop } from "./align_face.ts";
 * const img = { width: 4, height: 4, data: new Uint8Array(48).fill(7) };
 * console.assert(sampleCrop(img, { cx: 2, cy: 2, side: 4, angle: 0 }, 8).data[0] === 7);
 * ```
 */
export function sampleCrop(image: RgbImage, crop: CropGeometry, size: number): RgbImage {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`sampleCrop: 'size' must be a positive integer, got ${size}`);
  }
  const { cx, cy, side, angle } = crop;
  if (!(side > 0)) throw new RangeError(`sampleCrop: crop side must be > 0, got ${side}`);
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const step = side / size; // source pixels per output pixel
  let src = image, ox = 0, oy = 0, f = 1;
  if (step >= 2) {
    // Box-shrink the region the rotated square covers by an integer factor.
    f = Math.floor(step);
    const half = (side / 2) * (Math.abs(cos) + Math.abs(sin)) + f;
    const x0 = Math.max(0, Math.floor(cx - half)), x1 = Math.min(image.width, Math.ceil(cx + half));
    const y0 = Math.max(0, Math.floor(cy - half)),
      y1 = Math.min(image.height, Math.ceil(cy + half));
    if (x1 > x0 && y1 > y0) {
      src = boxShrink(image, x0, y0, x1, y1, f);
      ox = x0;
      oy = y0;
    } else {
      f = 1;
    }
  }
  const { width: w, height: h, data } = src;
  const out = new Uint8Array(size * size * 3);
  for (let i = 0; i < size; i++) {
    const v = ((i + 0.5) / size - 0.5) * side;
    for (let j = 0; j < size; j++) {
      const u = ((j + 0.5) / size - 0.5) * side;
      // Source continuous coordinates, then into the (shrunk) source, as pixel-centre coordinates.
      const sx = (cx + u * cos - v * sin - ox) / f - 0.5;
      const sy = (cy + u * sin + v * cos - oy) / f - 0.5;
      let x0 = Math.floor(sx), y0 = Math.floor(sy);
      const ax = sx - x0, ay = sy - y0;
      let x1 = x0 + 1, y1 = y0 + 1;
      x0 = x0 < 0 ? 0 : x0 >= w ? w - 1 : x0;
      x1 = x1 < 0 ? 0 : x1 >= w ? w - 1 : x1;
      y0 = y0 < 0 ? 0 : y0 >= h ? h - 1 : y0;
      y1 = y1 < 0 ? 0 : y1 >= h ? h - 1 : y1;
      const p00 = 3 * (y0 * w + x0), p01 = 3 * (y0 * w + x1);
      const p10 = 3 * (y1 * w + x0), p11 = 3 * (y1 * w + x1);
      const o = 3 * (i * size + j);
      for (let c = 0; c < 3; c++) {
        const top = data[p00 + c] + (data[p01 + c] - data[p00 + c]) * ax;
        const bot = data[p10 + c] + (data[p11 + c] - data[p10 + c]) * ax;
        out[o + c] = Math.round(top + (bot - top) * ay);
      }
    }
  }
  return { width: size, height: size, data: out };
}

function boxShrink(
  image: RgbImage,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  f: number,
): RgbImage {
  const w = Math.ceil((x1 - x0) / f), h = Math.ceil((y1 - y0) / f);
  const out = new Uint8Array(w * h * 3);
  const { width, data } = image;
  for (let y = 0; y < h; y++) {
    const ya = y0 + y * f, yb = Math.min(y1, ya + f);
    for (let x = 0; x < w; x++) {
      const xa = x0 + x * f, xb = Math.min(x1, xa + f);
      let r = 0, g = 0, b = 0;
      for (let yy = ya; yy < yb; yy++) {
        for (let xx = xa; xx < xb; xx++) {
          const p = 3 * (yy * width + xx);
          r += data[p];
          g += data[p + 1];
          b += data[p + 2];
        }
      }
      const n = (yb - ya) * (xb - xa), o = 3 * (y * w + x);
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(b / n);
    }
  }
  return { width: w, height: h, data: out };
}
