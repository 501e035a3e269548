import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { assertNoLeak, devFacesDir, slowTests, useTestBackend } from "../../_helpers/leak.ts";
import { decodeImage } from "../../../lib/data/decode/decode_image.ts";
import {
  computeDescriptors,
  detectFacesInImage,
  faceApiDescriptor,
  preloadFaceApi,
} from "../../../lib/data/face/face_api.ts";
import { alignFace } from "../../../lib/data/face/align_face.ts";
import { DEMO_DIR } from "./_face_fixture.ts";

/** Backend and every face-api net, loaded before leak checks (model weights are long-lived tensors). */
async function ready(): Promise<void> {
  await useTestBackend();
  await preloadFaceApi({ detector: "tiny" });
  await preloadFaceApi({ detector: "ssd", recognition: true });
}

const lfw = devFacesDir() ? `${devFacesDir()}lfw` : undefined;

async function lfwFiles(): Promise<string[]> {
  const files: string[] = [];
  for await (const d of Deno.readDir(lfw!)) {
    if (!d.isDirectory) continue;
    for await (const f of Deno.readDir(`${lfw}/${d.name}`)) files.push(`${d.name}/${f.name}`);
  }
  return files.sort();
}

Deno.test("detectFacesInImage() finds the faces in face-api's six demo photos, with 68 landmarks", async () => {
  await ready();
  await assertNoLeak(async () => {
    let tiny = 0, ssd = 0;
    for (let i = 1; i <= 6; i++) {
      const img = await decodeImage(`${DEMO_DIR}sample${i}.jpg`);
      const t = await detectFacesInImage(img, { detector: "tiny" });
      const s = await detectFacesInImage(img, { detector: "ssd" });
      assert.ok(t.length >= 1 && s.length >= 1, `sample${i}: tiny ${t.length}, ssd ${s.length}`);
      for (const f of [...t, ...s]) {
        assert.equal(f.landmarks.length, 68);
        assert.ok(f.score >= 0.5 && f.score <= 1);
        assert.ok(f.box.width > 20 && f.box.x >= -f.box.width && f.box.x < img.width);
        // Landmarks lie around the box: eyes above the mouth.
        const eyeY = (f.landmarks[36][1] + f.landmarks[45][1]) / 2;
        const mouthY = (f.landmarks[48][1] + f.landmarks[54][1]) / 2;
        assert.ok(eyeY < mouthY, `sample${i}: eyes above mouth`);
      }
      tiny += t.length;
      ssd += s.length;
    }
    // The six photos hold 22 faces; SSD finds all of them, the tiny detector nearly all.
    assert.ok(ssd >= 21, `ssd found ${ssd} of 22`);
    assert.ok(tiny >= 18, `tiny found ${tiny} of 22`);
  }, "detectFacesInImage");
});

Deno.test("detectFacesInImage() maps faces found on a shrunk copy back to the full-size photo", async () => {
  await ready();
  await assertNoLeak(async () => {
    const img = await decodeImage(`${DEMO_DIR}sample2.jpg`); // 1920 px wide
    const [small] = await detectFacesInImage(img, { detector: "ssd", maxSide: 640 });
    const [full] = await detectFacesInImage(img, { detector: "ssd", maxSide: 4096 });
    const tol = full.box.width * 0.08;
    for (const k of ["x", "y", "width", "height"] as const) {
      assert.ok(
        Math.abs(small.box[k] - full.box[k]) < tol,
        `${k}: ${small.box[k]} vs ${full.box[k]}`,
      );
    }
    assert.ok(Math.abs(small.landmarks[30][0] - full.landmarks[30][0]) < tol, "nose tip x");
  });
});

Deno.test("detectFacesInImage() finds nothing in a flat grey image", async () => {
  await ready();
  await assertNoLeak(async () => {
    const grey = { width: 96, height: 96, data: new Uint8Array(96 * 96 * 3).fill(128) };
    assert.equal((await detectFacesInImage(grey)).length, 0);
    assert.equal((await detectFacesInImage(grey, { detector: "ssd" })).length, 0);
  });
});

Deno.test("computeDescriptors() and faceApiDescriptor(): same face close, other faces far", async () => {
  await ready();
  await assertNoLeak(async () => {
    const r1 = await faceApiDescriptor(`${DEMO_DIR}sample2.jpg`);
    assert.ok(r1, "a face in sample2");
    assert.equal(r1.descriptor.length, 128);
    // The same face aligned by this toolkit (no margin) and described directly, as pixels and as
    // standardised input.
    const img = await decodeImage(`${DEMO_DIR}sample2.jpg`);
    const face = alignFace(img, r1.detection, { size: 150, margin: 0 }).image;
    const [px] = await computeDescriptors([face]);
    const x = tf.tidy(() =>
      tf.tensor4d(face.data, [1, 150, 150, 3], "float32").sub(127.5).div(128)
    );
    const [st] = await computeDescriptors(x as tf.Tensor4D, { range: "standardised" });
    x.dispose();
    const dist = (a: Float32Array, b: Float32Array) => Math.hypot(...a.map((v, i) => v - b[i]));
    assert.ok(dist(px, st) < 1e-3, `pixel vs standardised input: ${dist(px, st)}`);
    // Other people in the other demo photos are farther than face-api's 0.6 threshold.
    const others = await Promise.all(
      [1, 3, 4].map((i) => faceApiDescriptor(`${DEMO_DIR}sample${i}.jpg`)),
    );
    for (const o of others) assert.ok(o && dist(o.descriptor, r1.descriptor) > 0.6);
    assert.ok(dist(px, r1.descriptor) < 0.45, `same face: ${dist(px, r1.descriptor)}`);
  });
});

async function lfwDetectionRate(files: string[]): Promise<{ rate: number; missed: string[] }> {
  const missed: string[] = [];
  for (const f of files) {
    const faces = await detectFacesInImage(await decodeImage(`${lfw}/${f}`), { detector: "tiny" });
    if (faces.length === 0) missed.push(f);
  }
  return { rate: 1 - missed.length / files.length, missed };
}

Deno.test({
  name: "the tiny detector finds a face in ≥ 97% of 50 LFW photos (every 46th)",
  ignore: !lfw,
  fn: async () => {
    await ready();
    const all = await lfwFiles();
    const sample = all.filter((_, i) => i % Math.floor(all.length / 50) === 0).slice(0, 50);
    const { rate, missed } = await assertNoLeak(() => lfwDetectionRate(sample));
    assert.ok(rate >= 0.97, `rate ${rate}; missed ${missed.join(", ")}`);
  },
});

Deno.test({
  name: "the tiny detector finds a face in ≥ 97% of all LFW dev photos (SLOW=1)",
  ignore: !lfw || !slowTests,
  fn: async () => {
    await useTestBackend();
    const all = await lfwFiles();
    const { rate, missed } = await lfwDetectionRate(all);
    console.log(
      `LFW dev: tiny detector found a face in ${
        (rate * 100).toFixed(2)
      }% of ${all.length}; missed ${missed.length}`,
    );
    assert.ok(rate >= 0.97, `rate ${rate}; missed ${missed.slice(0, 20).join(", ")}`);
  },
});
