/**
 * The decoded-image type shared by the decoders, face detection and alignment.
 * @module
 */

/** An 8-bit RGB image, row-major, 3 bytes per pixel (`data.length === width * height * 3`). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}
