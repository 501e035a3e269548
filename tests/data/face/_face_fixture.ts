/**
 * Test fixtures for preprocessing: a real face photo cut from face-api's bundled demo image, and
 * writers for every format the format corpus needs.
 * @module
 */
import sharp, { type Sharp } from "sharp";
import { decodeImage, type RgbImage } from "../../../lib/data/decode/decode_image.ts";
import { detectFacesInImage } from "../../../lib/data/face/face_api.ts";
import { pickFace } from "../../../lib/data/face/pick_face.ts";

/** face-api's bundled demo photos (22 faces in 6 photos). */
export const DEMO_DIR = new URL("../../../node_modules/@vladmandic/face-api/demo/", import.meta.url)
  .pathname;

let cached: Promise<RgbImage> | undefined;

/**
 * A `side`×`side` photo of one real face (from demo/sample2.jpg): the detected face with 1.2× its
 * box as context on each side, like an LFW photo.
 */
export function facePhoto(side = 160): Promise<RgbImage> {
  cached ??= (async () => {
    const src = await decodeImage(`${DEMO_DIR}sample2.jpg`);
    const faces = await detectFacesInImage(src, { detector: "ssd", landmarks: false });
    const f = faces[pickFace(faces, src.width, src.height)];
    const s = Math.max(f.box.width, f.box.height) * 2.4;
    const left = Math.max(0, Math.round(f.box.x + f.box.width / 2 - s / 2));
    const top = Math.max(0, Math.round(f.box.y + f.box.height / 2 - s / 2));
    const w = Math.min(Math.round(s), src.width - left),
      h = Math.min(Math.round(s), src.height - top);
    const { data, info } = await sharp(src.data, {
      raw: { width: src.width, height: src.height, channels: 3 },
    })
      .extract({ left, top, width: w, height: h })
      .resize(side, side, { fit: "fill" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data) };
  })();
  return cached;
}

/** sharp over an RgbImage. */
export function sharpOf(img: RgbImage): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
}

/** Bytes of a sharp pipeline. */
export async function bytesOf(s: Sharp): Promise<Uint8Array> {
  return new Uint8Array(await s.toBuffer());
}

/** A PNG whose header claims `w`×`h` pixels (valid CRC), with no real pixel data: a decompression bomb stand-in. */
export function hugePngHeader(w: number, h: number): Uint8Array {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w);
  dv.setUint32(4, h);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const chunk = (type: string, body: Uint8Array) => {
    const out = new Uint8Array(12 + body.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, body.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(body, 8);
    v.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
    return out;
  };
  const parts = [
    new Uint8Array(sig),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array([120, 156, 3, 0, 0, 0, 0, 1])),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** Mean absolute difference of two same-size RGB images. */
export function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  if (a.width !== b.width || a.height !== b.height) return Infinity;
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i] - b.data[i]);
  return s / a.data.length;
}

/**
 * Writes `count` distinct face photos (sizes 130–169 px, every other one mirrored) as JPEGs into
 * `dir/id<i % identities>/img<i>.jpg`. Returns the relative paths.
 */
export async function writeFaceSet(dir: string, count: number, identities = 6): Promise<string[]> {
  const base = await facePhoto(170);
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const side = 130 + ((i * 7) % 40);
    let s = sharpOf(base).resize(side, side);
    if (i % 2) s = s.flop();
    const rel = `id${i % identities}/img${String(i).padStart(3, "0")}.jpg`;
    await Deno.mkdir(`${dir}/id${i % identities}`, { recursive: true });
    await Deno.writeFile(`${dir}/${rel}`, await bytesOf(s.jpeg({ quality: 90 })));
    paths.push(rel);
  }
  return paths;
}

/** Every file under `dir` (relative path → bytes), skipping nothing. */
export async function treeBytes(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const walk = async (abs: string, rel: string) => {
    for await (const d of Deno.readDir(abs)) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory) await walk(`${abs}/${d.name}`, r);
      else out.set(r, await Deno.readFile(`${abs}/${d.name}`));
    }
  };
  await walk(dir, "");
  return out;
}
