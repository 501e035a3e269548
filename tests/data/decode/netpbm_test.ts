import assert from "node:assert/strict";
import {
  decodeNetpbm,
  encodeNetpbm,
  isNetpbm,
  type NetpbmKind,
} from "../../../lib/data/decode/netpbm.ts";
import { ImageDecodeError } from "../../../lib/data/decode/decode_error.ts";
import { createRng } from "../../../lib/random/mod.ts";

function randomImage(width: number, height: number, seed: number) {
  const rng = createRng(seed);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
  return { width, height, data };
}

Deno.test("decodeNetpbm() reads back P3 and P6 pixmaps exactly, 8- and 16-bit", () => {
  const img = randomImage(7, 5, 1);
  for (const kind of ["P3", "P6"] as NetpbmKind[]) {
    for (const maxval of [255, 65535]) {
      const back = decodeNetpbm(encodeNetpbm(img, { kind, maxval, comment: "made by a test" }));
      assert.equal(back.width, 7);
      assert.equal(back.height, 5);
      assert.deepEqual(back.data, img.data, `${kind} maxval ${maxval}`);
    }
  }
});

Deno.test("decodeNetpbm() reads P2 and P5 greymaps as grey RGB, with any maxval", () => {
  const img = randomImage(6, 4, 2);
  for (const kind of ["P2", "P5"] as NetpbmKind[]) {
    for (const maxval of [255, 1023, 65535]) {
      const back = decodeNetpbm(encodeNetpbm(img, { kind, maxval }));
      for (let p = 0; p < 24; p++) {
        const g = (img.data[3 * p] + img.data[3 * p + 1] + img.data[3 * p + 2]) / 3;
        assert.ok(Math.abs(back.data[3 * p] - g) <= 1, `${kind}/${maxval} pixel ${p}`);
        assert.equal(back.data[3 * p], back.data[3 * p + 2]);
      }
    }
  }
});

Deno.test("decodeNetpbm() reads P1 and P4 bitmaps (1 is black), including packed P1 digits", () => {
  const img = { width: 10, height: 2, data: new Uint8Array(60) };
  for (let x = 0; x < 10; x += 2) img.data.fill(255, 3 * x, 3 * x + 3); // white, black, white, …
  for (const kind of ["P1", "P4"] as NetpbmKind[]) {
    const back = decodeNetpbm(encodeNetpbm(img, { kind }));
    assert.deepEqual([...back.data.slice(0, 6)], [255, 255, 255, 0, 0, 0], kind);
  }
  const packed = decodeNetpbm(new TextEncoder().encode("P1\n# c\n4 1\n0101\n"));
  assert.deepEqual([...packed.data].filter((_, i) => i % 3 === 0), [255, 0, 255, 0]);
});

Deno.test("decodeNetpbm() refuses truncated data, bad headers and huge sizes with reasons", () => {
  const p6 = encodeNetpbm(randomImage(8, 8, 3), { kind: "P6" });
  const reason = (bytes: Uint8Array, maxPixels?: number) => {
    try {
      decodeNetpbm(bytes, { maxPixels });
      return "decoded";
    } catch (e) {
      assert.ok(e instanceof ImageDecodeError);
      return e.reason;
    }
  };
  assert.equal(reason(p6.slice(0, p6.length - 10)), "truncated");
  assert.equal(reason(new TextEncoder().encode("P3\n2 2\n255\n1 2 3\n")), "truncated");
  assert.equal(reason(new TextEncoder().encode("P5\nx 2\n255\n")), "not-an-image");
  assert.equal(reason(new TextEncoder().encode("P6\n100000 100000\n255\n")), "too-large");
  assert.equal(reason(p6, 10), "too-large");
  assert.equal(isNetpbm(new TextEncoder().encode("P7\n")), false);
  assert.equal(isNetpbm(p6), true);
});
