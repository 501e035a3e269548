import assert from "node:assert/strict";
import { decodeBmp, encodeBmp, isBmp } from "../../../lib/data/decode/bmp.ts";
import { ImageDecodeError } from "../../../lib/data/decode/decode_error.ts";
import { createRng } from "../../../lib/random/mod.ts";

function randomImage(width: number, height: number, seed: number) {
  const rng = createRng(seed);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
  return { width, height, data };
}

/** A BMP with a 40-byte header and the given palette and raw pixel bytes. */
function handBmp(
  width: number,
  height: number,
  bpp: number,
  palette: number[][],
  pixels: number[],
  compression = 0,
): Uint8Array {
  const off = 54 + palette.length * 4;
  const out = new Uint8Array(off + pixels.length);
  const dv = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  dv.setUint32(2, out.length, true);
  dv.setUint32(10, off, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, bpp, true);
  dv.setUint32(30, compression, true);
  dv.setUint32(46, palette.length, true);
  palette.forEach(([r, g, b], i) => out.set([b, g, r, 0], 54 + 4 * i));
  out.set(pixels, off);
  return out;
}

Deno.test("decodeBmp() reads back 24- and 32-bit BMPs exactly, bottom-up and top-down", () => {
  const img = randomImage(5, 3, 7); // 5 px × 3 B = 15 B rows: exercises row padding
  for (const bitsPerPixel of [24, 32] as const) {
    for (const topDown of [false, true]) {
      const back = decodeBmp(encodeBmp(img, { bitsPerPixel, topDown }));
      assert.deepEqual(back, img, `${bitsPerPixel}-bit topDown=${topDown}`);
    }
  }
});

Deno.test("decodeBmp() reads 8-bit grey palettes, 1-bit palettes and RLE8", () => {
  const img = randomImage(4, 2, 8);
  const grey = decodeBmp(encodeBmp(img, { bitsPerPixel: 8 }));
  const g0 = Math.round((img.data[0] + img.data[1] + img.data[2]) / 3);
  assert.deepEqual([...grey.data.slice(0, 3)], [g0, g0, g0]);
  // 1-bit, 3×1: black, white, black (bits 010, row padded to 4 bytes).
  const mono = decodeBmp(handBmp(3, 1, 1, [[0, 0, 0], [255, 255, 255]], [0b01000000, 0, 0, 0]));
  assert.deepEqual([...mono.data], [0, 0, 0, 255, 255, 255, 0, 0, 0]);
  // RLE8, 4×2 (bottom-up): row 0 (bottom) = 3×red + 1×green, end of line; row 1 = absolute [1,0,1,0].
  const rle = decodeBmp(
    handBmp(4, 2, 8, [[255, 0, 0], [0, 255, 0]], [3, 0, 1, 1, 0, 0, 0, 4, 1, 0, 1, 0, 0, 1], 1),
  );
  assert.deepEqual([...rle.data.slice(24 - 12, 24 - 9)], [255, 0, 0]); // bottom row, first pixel
  assert.deepEqual([...rle.data.slice(21, 24)], [0, 255, 0]); // bottom row, last pixel
  assert.deepEqual([...rle.data.slice(0, 3)], [0, 255, 0]); // top row, first pixel
});

Deno.test("decodeBmp() reads 16-bit 5-5-5 pixels", () => {
  // One white pixel (0x7fff) and one pure red (0x7c00), row padded to 4 bytes.
  const bmp = handBmp(2, 1, 16, [], [0xff, 0x7f, 0x00, 0x7c]);
  assert.deepEqual([...decodeBmp(bmp).data], [255, 255, 255, 255, 0, 0]);
});

Deno.test("decodeBmp() refuses truncated and oversized files with reasons", () => {
  const bmp = encodeBmp(randomImage(16, 16, 9));
  const reason = (bytes: Uint8Array, maxPixels?: number) => {
    try {
      decodeBmp(bytes, { maxPixels });
      return "decoded";
    } catch (e) {
      assert.ok(e instanceof ImageDecodeError);
      return e.reason;
    }
  };
  assert.equal(reason(bmp.slice(0, bmp.length - 100)), "truncated");
  assert.equal(reason(bmp.slice(0, 20)), "truncated");
  assert.equal(reason(bmp, 100), "too-large");
  assert.equal(isBmp(bmp), true);
  assert.equal(isBmp(new Uint8Array([0x42])), false);
});
