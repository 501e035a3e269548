/**
 * Zero padding (and cropping) of NHWC images for the panels, image by image, so that the wasm
 * backend's threads can each take some images (`_panel_threads.ts`): row segments are copied with
 * `copyWithin`-speed `set`, the border filled with zeros.
 * @module
 */

/** Geometry of one pad: the source [n, h, w, c], the padded [n, hp, wp, c], and the offset. */
export interface PadGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  hp: number;
  wp: number;
  top: number;
  left: number;
}

/** The order in which a {@link PadGeometry} travels as integers. */
export const PAD_FIELDS: (keyof PadGeometry)[] = ["n", "h", "w", "c", "hp", "wp", "top", "left"];

/**
 * Writes images `[b0, b1)` of `dst[b, y, x, :] = src[b, y − top, x − left, :]` (zero outside
 * `src`); rows or columns of `src` beyond the padded size are left out.
 */
export function padImages(
  src: Float32Array,
  dst: Float32Array,
  p: PadGeometry,
  b0: number,
  b1: number,
): void {
  const { h, w, c, hp, wp, top, left } = p;
  const x0 = Math.max(0, left); // first dst column with data
  const x1 = Math.min(wp, left + w); // past the last
  for (let b = b0; b < b1; b++) {
    for (let y = 0; y < hp; y++) {
      const rowAt = (b * hp + y) * wp * c;
      const sy = y - top;
      if (sy < 0 || sy >= h || x1 <= x0) {
        dst.fill(0, rowAt, rowAt + wp * c);
        continue;
      }
      if (x0 > 0) dst.fill(0, rowAt, rowAt + x0 * c);
      const from = ((b * h + sy) * w + (x0 - left)) * c;
      dst.set(src.subarray(from, from + (x1 - x0) * c), rowAt + x0 * c);
      if (x1 < wp) dst.fill(0, rowAt + x1 * c, rowAt + wp * c);
    }
  }
}
