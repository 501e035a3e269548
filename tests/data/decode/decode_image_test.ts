import assert from "node:assert/strict";
import sharp from "sharp";
import { decodeImage, ImageDecodeError } from "../../../lib/data/decode/decode_image.ts";
import { encodeNetpbm } from "../../../lib/data/decode/netpbm.ts";
import { encodeBmp } from "../../../lib/data/decode/bmp.ts";
import { bytesOf, hugePngHeader } from "../face/_face_fixture.ts";
import { symlink } from "../_symlink.ts";

/** A 48×32 test card: left half red-ish, right half blue-ish, top-left 8×8 corner white. */
async function card(): Promise<{ width: number; height: number; data: Uint8Array }> {
  const width = 48, height = 32, data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = 3 * (y * width + x);
      const c = x < 8 && y < 8 ? [255, 255, 255] : x < 24 ? [200, 40, 30] : [30, 60, 210];
      data.set(c, o);
    }
  }
  return await Promise.resolve({ width, height, data });
}

const px = (
  img: { width: number; data: Uint8Array },
  x: number,
  y: number,
) => [...img.data.slice(3 * (y * img.width + x), 3 * (y * img.width + x) + 3)];
const near = (a: number[], b: number[], tol: number) =>
  a.every((v, i) => Math.abs(v - b[i]) <= tol);

Deno.test("decodeImage() reads every format of the corpus to the same 8-bit RGB picture", async () => {
  const c = await card();
  const s = () => sharp(c.data, { raw: { width: c.width, height: c.height, channels: 3 } });
  const rgba = new Uint8Array(c.width * c.height * 4);
  for (let p = 0; p < c.width * c.height; p++) {
    rgba.set([...c.data.slice(3 * p, 3 * p + 3), 255], 4 * p);
  }
  const corpus: Record<string, [Uint8Array, string, number]> = {
    "jpeg baseline": [await bytesOf(s().jpeg({ quality: 95 })), "jpeg", 12],
    "jpeg progressive": [await bytesOf(s().jpeg({ quality: 95, progressive: true })), "jpeg", 12],
    // CMYK round trips through ICC profiles: saturated blue is out of the CMYK gamut, hence the tolerance.
    "jpeg cmyk": [await bytesOf(s().toColourspace("cmyk").jpeg({ quality: 95 })), "jpeg", 70],
    "png 8-bit": [await bytesOf(s().png()), "png", 0],
    "png 16-bit": [await bytesOf(s().toColourspace("rgb16").png()), "png", 1],
    "png rgba": [
      await bytesOf(sharp(rgba, { raw: { width: 48, height: 32, channels: 4 } }).png()),
      "png",
      0,
    ],
    "png palette": [await bytesOf(s().png({ palette: true })), "png", 8],
    "webp lossless": [await bytesOf(s().webp({ lossless: true })), "webp", 0],
    "gif": [await bytesOf(s().gif()), "gif", 8],
    "tiff lzw": [await bytesOf(s().tiff({ compression: "lzw" })), "tiff", 0],
    "tiff jpeg": [await bytesOf(s().tiff({ compression: "jpeg" })), "tiff", 12],
    "bmp 24": [encodeBmp(c), "bmp", 0],
    "bmp 32": [encodeBmp(c, { bitsPerPixel: 32 }), "bmp", 0],
    "ppm P6": [encodeNetpbm(c, { kind: "P6" }), "ppm", 0],
    "ppm P3 16-bit": [encodeNetpbm(c, { kind: "P3", maxval: 65535 }), "ppm", 0],
  };
  for (const [name, [bytes, format, tol]] of Object.entries(corpus)) {
    const img = await decodeImage(bytes, { name });
    assert.equal(img.format, format, name);
    assert.equal(img.width, 48, name);
    assert.equal(img.height, 32, name);
    assert.equal(img.data.length, 48 * 32 * 3, name);
    assert.ok(near(px(img, 2, 2), [255, 255, 255], tol), `${name}: corner ${px(img, 2, 2)}`);
    assert.ok(near(px(img, 16, 20), [200, 40, 30], tol), `${name}: left ${px(img, 16, 20)}`);
    assert.ok(near(px(img, 40, 20), [30, 60, 210], tol), `${name}: right ${px(img, 40, 20)}`);
  }
});

Deno.test("decodeImage() reads greymaps as grey RGB: PNG grey, PGM P2/P5 8- and 16-bit", async () => {
  const c = await card();
  const grey = await bytesOf(
    sharp(c.data, { raw: { width: 48, height: 32, channels: 3 } }).greyscale().png(),
  );
  for (
    const [name, bytes] of [
      ["png grey", grey],
      ["pgm P5", encodeNetpbm(c, { kind: "P5" })],
      ["pgm P5 16-bit", encodeNetpbm(c, { kind: "P5", maxval: 65535 })],
      ["pgm P2", encodeNetpbm(c, { kind: "P2", maxval: 4095 })],
    ] as const
  ) {
    const img = await decodeImage(bytes, { name });
    const p = px(img, 40, 20);
    assert.ok(p[0] === p[1] && p[1] === p[2], `${name} grey`);
    assert.ok(p[0] > 40 && p[0] < 120, `${name}: right half is darkish grey, got ${p}`);
    assert.ok(px(img, 2, 2)[0] > 245, `${name}: white corner`);
  }
});

Deno.test("decodeImage() applies EXIF orientation: a tag-6 JPEG comes out upright", async () => {
  const c = await card();
  // Store the card rotated 90° counter-clockwise and tag it "rotate 90° clockwise to display".
  const stored = await bytesOf(
    sharp(c.data, { raw: { width: 48, height: 32, channels: 3 } }).rotate(-90).jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 }),
  );
  const meta = await sharp(stored).metadata();
  assert.equal(meta.orientation, 6);
  assert.equal(meta.width, 32); // stored sideways
  const img = await decodeImage(stored);
  assert.equal(img.width, 48);
  assert.equal(img.height, 32);
  assert.ok(
    near(px(img, 2, 2), [255, 255, 255], 12),
    `white corner back at top-left: ${px(img, 2, 2)}`,
  );
  assert.ok(near(px(img, 40, 20), [30, 60, 210], 12));
});

Deno.test("decodeImage() flattens alpha onto mid-grey", async () => {
  const clear = await bytesOf(
    sharp({
      create: { width: 20, height: 20, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } },
    }).png(),
  );
  const img = await decodeImage(clear);
  assert.ok(near(px(img, 5, 5), [128, 128, 128], 1), `transparent → grey, got ${px(img, 5, 5)}`);
});

Deno.test("decodeImage() names the reason for each broken file", async () => {
  const c = await card();
  const jpeg = await bytesOf(sharp(c.data, { raw: { width: 48, height: 32, channels: 3 } }).jpeg());
  const png = await bytesOf(sharp(c.data, { raw: { width: 48, height: 32, channels: 3 } }).png());
  const tiny = await bytesOf(
    sharp({ create: { width: 8, height: 8, channels: 3, background: "#808080" } }).png(),
  );
  const dir = await Deno.makeTempDir();
  await symlink(`${dir}/nowhere.jpg`, `${dir}/dangling.jpg`);
  const cases: [string, string | Uint8Array, string][] = [
    ["zero bytes", new Uint8Array(0), "empty"],
    ["truncated jpeg", jpeg.slice(0, Math.floor(jpeg.length / 2)), "truncated"],
    ["truncated png", png.slice(0, Math.floor(png.length / 2)), "truncated"],
    ["text", new TextEncoder().encode("name,identity\nnot an image\n"), "not-an-image"],
    ["huge png header", hugePngHeader(100_000, 100_000), "too-large"],
    ["8×8", tiny, "too-small"],
    ["dangling link", `${dir}/dangling.jpg`, "unreadable"],
    ["folder", dir, "unreadable"],
  ];
  for (const [name, source, want] of cases) {
    await assert.rejects(
      () => decodeImage(source, { name }),
      (e: unknown) => {
        assert.ok(e instanceof ImageDecodeError, `${name}: ${e}`);
        assert.equal(e.reason, want, `${name}: ${e.message}`);
        return true;
      },
    );
  }
  await Deno.remove(dir, { recursive: true });
});
