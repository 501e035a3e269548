import assert from "node:assert/strict";
import {
  alignFace,
  centreCrop,
  faceGeometry,
  sampleCrop,
} from "../../../lib/data/face/align_face.ts";
import { pickFace } from "../../../lib/data/face/pick_face.ts";
import type { FaceDetection } from "../../../lib/data/face/face_api.ts";

/** 68 landmarks of an idealised face centred at (cx, cy), eye distance 2s, rolled by `deg`. */
function syntheticFace(cx: number, cy: number, s: number, deg: number): FaceDetection {
  const a = (deg * Math.PI) / 180, cos = Math.cos(a), sin = Math.sin(a);
  const at = (
    u: number,
    v: number,
  ): [number, number] => [cx + u * cos - v * sin, cy + u * sin + v * cos];
  const lm: [number, number][] = Array.from({ length: 68 }, () => at(0, 0));
  for (let i = 36; i <= 41; i++) lm[i] = at(-s, -s * 0.6); // image-left eye
  for (let i = 42; i <= 47; i++) lm[i] = at(s, -s * 0.6); // image-right eye
  for (let i = 48; i <= 67; i++) lm[i] = at(0, s * 0.9); // mouth
  return {
    box: { x: cx - 1.5 * s, y: cy - 1.5 * s, width: 3 * s, height: 3 * s },
    score: 0.9,
    landmarks: lm,
  };
}

/** A 200×200 picture: grey, with dark discs at the given eye centres. */
function eyesPicture(face: FaceDetection): { width: number; height: number; data: Uint8Array } {
  const w = 200, data = new Uint8Array(w * w * 3).fill(170);
  const eyes = [face.landmarks[36], face.landmarks[42]];
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      if (eyes.some(([ex, ey]) => Math.hypot(x + 0.5 - ex, y + 0.5 - ey) < 6)) {
        data.fill(20, 3 * (y * w + x), 3 * (y * w + x) + 3);
      }
    }
  }
  return { width: w, height: w, data };
}

/** Centroid of dark pixels in the left and right halves of an aligned crop. */
function darkCentroids(img: { width: number; height: number; data: Uint8Array }) {
  const acc = [[0, 0, 0], [0, 0, 0]];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[3 * (y * img.width + x)] < 90) {
        const h = x < img.width / 2 ? 0 : 1;
        acc[h][0] += x;
        acc[h][1] += y;
        acc[h][2]++;
      }
    }
  }
  return acc.map(([x, y, n]) => ({ x: x / n, y: y / n, n }));
}

Deno.test("alignFace() levels the eyes of a face rolled by ±25° and centres it", () => {
  for (const deg of [-25, 0, 12, 25]) {
    const face = syntheticFace(100, 95, 20, deg);
    const out = alignFace(eyesPicture(face), face, { size: 112, margin: 0.15 });
    assert.ok(Math.abs(out.angle - deg) < 1e-6, `angle ${out.angle} for ${deg}°`);
    const [l, r] = darkCentroids(out.image);
    assert.ok(l.n > 20 && r.n > 20, `both eyes visible at ${deg}°`);
    assert.ok(Math.abs(l.y - r.y) < 1, `eyes level at ${deg}°: ${l.y} vs ${r.y}`);
    assert.ok(Math.abs((l.x + r.x) / 2 - 56) < 1, `eyes centred horizontally at ${deg}°`);
    assert.ok(l.y < 56, "eyes in the upper half");
  }
});

Deno.test("faceGeometry() scales with the eye–mouth distance and falls back to the box", () => {
  const g1 = faceGeometry(syntheticFace(100, 100, 10, 0));
  const g2 = faceGeometry(syntheticFace(100, 100, 20, 0));
  assert.ok(Math.abs(g2.side / g1.side - 2) < 1e-9);
  const noLm = faceGeometry({
    box: { x: 10, y: 20, width: 30, height: 40 },
    score: 1,
    landmarks: [],
  });
  assert.deepEqual(noLm, { cx: 25, cy: 40, side: 40, angle: 0 });
  const out = alignFace({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) }, {
    box: { x: 10, y: 10, width: 20, height: 20 },
    score: 1,
    landmarks: [],
  }, { margin: 0.5, size: 32 });
  assert.equal(out.crop.side, 40);
});

Deno.test("sampleCrop() is the identity on an unrotated full-size crop, and shrinks by averaging", () => {
  const w = 16, data = new Uint8Array(w * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  const img = { width: w, height: w, data };
  assert.deepEqual(sampleCrop(img, { cx: 8, cy: 8, side: 16, angle: 0 }, 16).data, data);
  // A 2-pixel checkerboard shrunk 4× averages to mid-grey instead of aliasing.
  const cb = new Uint8Array(64 * 64 * 3);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      cb.fill((x + y) % 2 ? 255 : 0, 3 * (y * 64 + x), 3 * (y * 64 + x) + 3);
    }
  }
  const small = sampleCrop({ width: 64, height: 64, data: cb }, {
    cx: 32,
    cy: 32,
    side: 64,
    angle: 0,
  }, 16);
  for (const v of small.data) assert.ok(Math.abs(v - 127.5) <= 1, `got ${v}`);
});

Deno.test("centreCrop() takes the largest centred square", () => {
  const w = 40, h = 20, data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[3 * (y * w + x)] = x;
  const out = centreCrop({ width: w, height: h, data }, { size: 20 });
  assert.deepEqual(out.crop, { cx: 20, cy: 10, side: 20, angle: 0 });
  assert.equal(out.image.data[0], 10); // column 10 is the square's left edge
  assert.equal(out.image.data[3 * 19], 29);
});

Deno.test("pickFace() prefers the largest face unless it is far off-centre", () => {
  const f = (x: number, y: number, s: number): FaceDetection => ({
    box: { x, y, width: s, height: s },
    score: 0.9,
    landmarks: [],
  });
  assert.equal(pickFace([], 100, 100), -1);
  assert.equal(pickFace([f(40, 40, 20), f(35, 35, 30)], 100, 100), 1); // both central: larger wins
  assert.equal(pickFace([f(0, 0, 30), f(42, 42, 16)], 100, 100), 1); // corner bystander loses
  assert.equal(pickFace([f(40, 40, 20), f(40, 40, 20)], 100, 100), 0); // tie: the first
});
