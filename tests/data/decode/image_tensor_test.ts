import assert from "node:assert/strict";
import sharp from "sharp";
import { Buffer } from "node:buffer";
import { assertNoLeak, devFacesDir, useTestBackend } from "../../_helpers/leak.ts";
import { loadImageBatch, loadImageTensor } from "../../../lib/data/decode/image_tensor.ts";
import { decodeStandardized, readImagePixels } from "../../../lib/data/decode/read_pixels.ts";
import { IDENTITY_AUGMENT } from "../../../lib/data/decode/augment.ts";

const dir = await Deno.makeTempDir({ prefix: "image_tensor_test_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

/** 16×8 image: left half black, right half white. */
async function halves(file: string) {
  const px = new Uint8Array(16 * 8 * 3);
  for (let y = 0; y < 8; y++) {
    for (let x = 8; x < 16; x++) px.fill(255, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
  }
  await sharp(Buffer.from(px), { raw: { width: 16, height: 8, channels: 3 } }).png().toFile(file);
}

Deno.test("loadImageTensor() standardises a solid colour to (pixel − 127.5) / 128 in RGB order", async () => {
  await useTestBackend();
  const file = `${dir}/red.png`;
  await sharp({
    create: { width: 20, height: 10, channels: 3, background: { r: 255, g: 0, b: 64 } },
  }).png().toFile(file);
  await assertNoLeak(async () => {
    const t = await loadImageTensor(file, { size: 8 });
    assert.deepEqual(t.shape, [8, 8, 3]);
    const v = await t.data();
    t.dispose();
    assert.deepEqual(Array.from(v.slice(0, 3)), [127.5 / 128, -127.5 / 128, (64 - 127.5) / 128]);
    assert.deepEqual(Array.from(v.slice(-3)), Array.from(v.slice(0, 3)));
  });
});

Deno.test("readImagePixels() turns grey, 16-bit and alpha images into 8-bit RGB (alpha on mid-grey)", async () => {
  const grey = `${dir}/grey.png`, deep = `${dir}/deep.png`, alpha = `${dir}/alpha.png`;
  await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .toColourspace("b-w").png().toFile(grey);
  await sharp({
    create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 100, b: 0 } },
  })
    .toColourspace("rgb16").png().toFile(deep);
  await sharp({
    create: { width: 8, height: 8, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0 } },
  })
    .png().toFile(alpha);
  assert.equal((await sharp(grey).metadata()).channels, 1);
  assert.deepEqual(Array.from((await readImagePixels(grey, { size: 4 })).slice(0, 3)), [
    90,
    90,
    90,
  ]);
  assert.deepEqual(Array.from((await readImagePixels(deep, { size: 4 })).slice(0, 3)), [
    200,
    100,
    0,
  ]);
  assert.deepEqual(Array.from((await readImagePixels(alpha, { size: 4 })).slice(0, 3)), [
    128,
    128,
    128,
  ]);
});

Deno.test("decodeStandardized() centre-crops non-square images and mirrors when flip is set", async () => {
  const file = `${dir}/halves.png`;
  await halves(file);
  const plain = await decodeStandardized(file, { size: 8 }); // 16×8 → 16×8 cover → centre 8×8 crop
  const row = (x: Float32Array) => Array.from({ length: 8 }, (_, i) => Math.sign(x[i * 3]));
  assert.deepEqual(row(plain), [-1, -1, -1, -1, 1, 1, 1, 1]);
  const flipped = await decodeStandardized(file, {
    size: 8,
    augment: { ...IDENTITY_AUGMENT, flip: true },
  });
  assert.deepEqual(row(flipped), [1, 1, 1, 1, -1, -1, -1, -1]);
  const shifted = await decodeStandardized(file, {
    size: 8,
    augment: { ...IDENTITY_AUGMENT, zoom: 1.5, x: 0 },
  });
  assert.deepEqual(
    row(shifted),
    [-1, -1, -1, -1, -1, -1, 1, 1],
    "zoomed 12 px wide, window at the left",
  );
});

Deno.test("decodeStandardized() colour jitter changes values within range and is identity at 1", async () => {
  const file = `${dir}/mid.png`;
  await sharp({
    create: { width: 8, height: 8, channels: 3, background: { r: 180, g: 60, b: 120 } },
  }).png().toFile(file);
  const base = await decodeStandardized(file, { size: 8, augment: { ...IDENTITY_AUGMENT } });
  assert.deepEqual(base, await decodeStandardized(file, { size: 8 }));
  const bright = await decodeStandardized(file, {
    size: 8,
    augment: { ...IDENTITY_AUGMENT, brightness: 1.3 },
  });
  assert.ok(bright[0] > base[0] && bright[1] > base[1]);
  const grey = await decodeStandardized(file, {
    size: 8,
    augment: { ...IDENTITY_AUGMENT, saturation: 0 },
  });
  assert.ok(Math.abs(grey[0] - grey[1]) < 1e-6 && Math.abs(grey[1] - grey[2]) < 1e-6);
});

Deno.test("loadImageBatch() stacks images in order and disposes nothing it returns", async () => {
  await useTestBackend();
  const a = `${dir}/a.png`, b = `${dir}/b.png`;
  await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000000" } }).png().toFile(
    a,
  );
  await sharp({ create: { width: 8, height: 8, channels: 3, background: "#ffffff" } }).png().toFile(
    b,
  );
  await assertNoLeak(async () => {
    const t = await loadImageBatch([a, b, a], { size: 8 });
    assert.deepEqual(t.shape, [3, 8, 8, 3]);
    const v = await t.data();
    t.dispose();
    assert.deepEqual([v[0], v[192], v[384]], [-127.5 / 128, 127.5 / 128, -127.5 / 128]);
  });
});

Deno.test("readImagePixels() names an undecodable file", async () => {
  const bad = `${dir}/bad.jpg`;
  await Deno.writeTextFile(bad, "not an image");
  await assert.rejects(readImagePixels(bad, { size: 8 }), /bad\.jpg/);
  await assert.rejects(readImagePixels(bad, { size: 0 }), /'size' must be an integer ≥ 1, got 0/);
});

const dev = devFacesDir();
Deno.test({
  name: "loadImageTensor() reads an LFW dev JPEG at 96 and 224",
  ignore: !dev,
  async fn() {
    await useTestBackend();
    await assertNoLeak(async () => {
      for (const size of [96, 224]) {
        const t = await loadImageTensor(`${dev}lfw/Aaron_Guiel/Aaron_Guiel_0001.jpg`, { size });
        assert.deepEqual(t.shape, [size, size, 3]);
        const v = await t.data();
        t.dispose();
        let lo = Infinity, hi = -Infinity;
        for (const x of v) (lo = Math.min(lo, x)), (hi = Math.max(hi, x));
        assert.ok(lo >= -1 && hi <= 1 && hi - lo > 1, `range ${lo}..${hi}`);
      }
    });
  },
});

Deno.test("readImagePixels() reads Netpbm (which sharp cannot) through the toolkit's decoder", async () => {
  const { encodeNetpbm } = await import("../../../lib/data/decode/netpbm.ts");
  const data = new Uint8Array(12 * 12 * 3);
  for (let i = 0; i < data.length; i += 3) data.set([10, 200, 30], i);
  const file = `${dir}/face.ppm`;
  await Deno.writeFile(file, encodeNetpbm({ width: 12, height: 12, data }, { kind: "P6" }));
  assert.deepEqual(Array.from((await readImagePixels(file, { size: 6 })).slice(0, 3)), [
    10,
    200,
    30,
  ]);
});
