import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { evaluatePairs, faceApiEmbedder } from "../../lib/eval/mod.ts";
import { faceApiCropGeometry } from "../../lib/eval/face_api_embedder.ts";
import { decodeImage } from "../../lib/data/mod.ts";
import { preloadFaceApi } from "../../lib/data/mod.ts";
import { readPairs } from "../../lib/data/mod.ts";
import { standardizePixels } from "../../lib/data/mod.ts";
import { assertNoLeak, devFacesDir, useTestBackend } from "../_helpers/leak.ts";

const lfw = devFacesDir() ? `${devFacesDir()}lfw-deepfunneled` : undefined;
if (!lfw) {
  console.warn("face_api_embedder_test: ../shared/faces/dev is absent: LFW checks are skipped");
}

async function ready(): Promise<void> {
  await useTestBackend();
  // Model weights are loaded once and kept: outside the leak checks.
  await preloadFaceApi({ detector: "ssd", recognition: true });
  await preloadFaceApi({ detector: "tiny" });
}

Deno.test({
  name: "faceApiEmbedder() separates same from different people on 12 LFW pairs",
  ignore: !lfw,
  async fn() {
    await ready();
    const all = await readPairs(`${lfw}/pairs.csv`);
    // Every 80th pair of each kind: spread over the file, 6 same and 6 different.
    const pick = (same: boolean) =>
      all.filter((p) => p.same === same).filter((_, i) => i % 80 === 0).slice(0, 6);
    const pairs = [...pick(true), ...pick(false)];
    const faceapi = faceApiEmbedder();
    const r = await assertNoLeak(() => evaluatePairs(faceapi, pairs, { root: lfw, folds: 3 }));
    const v = r.verification;
    assert.equal(v.pairs, 12);
    assert.ok(v.roc.auc >= 0.9, `pooled AUC ${v.roc.auc}`);
    assert.ok(v.accuracy >= 0.8, `accuracy ${v.accuracy}`);
    assert.equal(r.embeddings[0].length, 128);
    const s = faceapi.stats;
    assert.equal(s.ssd + s.tiny + s.ssdLow + s.whole, r.paths.length);
    assert.ok(s.whole === 0, `every LFW face is found (stats ${JSON.stringify(s)})`);
  },
});

Deno.test({
  name: "faceApiEmbedder().embed() on a standardised photo equals embedFile() on the file",
  ignore: !lfw,
  async fn() {
    await ready();
    const file = `${lfw}/Abdullah_Gul/Abdullah_Gul_0013.jpg`;
    const faceapi = faceApiEmbedder();
    const fromFile = await faceapi.embedFile(file);
    const img = await decodeImage(file);
    await assertNoLeak(async () => {
      const batch = tf.tensor4d(standardizePixels(img.data), [1, img.height, img.width, 3]);
      const out = await faceapi.embed(batch);
      const row = await out.data();
      tf.dispose([batch, out]);
      assert.equal(row.length, 128);
      for (let i = 0; i < 128; i++) {
        assert.ok(Math.abs(row[i] - fromFile[i]) < 1e-5, `coordinate ${i}`);
      }
    });
  },
});

Deno.test({
  name: "faceApiEmbedder() alignments 'toolkit' and 'faceapi' describe the same photo alike",
  ignore: !lfw,
  async fn() {
    await ready();
    const file = `${lfw}/Al_Pacino/Al_Pacino_0001.jpg`;
    const toolkit = faceApiEmbedder({ alignment: "toolkit", flip: false });
    const own = faceApiEmbedder({ alignment: "faceapi" });
    assert.equal(toolkit.name, "faceapi(toolkit-align)");
    assert.equal(own.name, "faceapi(faceapi-align)");
    const a = await toolkit.embedFile(file);
    const b = await own.embedFile(file);
    const d = Math.hypot(...Array.from(a, (v, i) => v - b[i]));
    assert.ok(d > 0 && d < 0.4, `same photo, two crops: distance ${d}`);
    assert.equal(toolkit.stats.whole + own.stats.whole, 0);
  },
});

Deno.test("faceApiEmbedder() describes an image without a face whole and counts it", async () => {
  await ready();
  const faceapi = faceApiEmbedder();
  await assertNoLeak(async () => {
    const grey = tf.zeros([2, 64, 64, 3]) as tf.Tensor4D;
    const out = await faceapi.embed(grey);
    assert.deepEqual(out.shape, [2, 128]);
    const v = await out.data();
    assert.ok(v.every((x) => Number.isFinite(x)));
    tf.dispose([grey, out]);
  });
  assert.deepEqual(faceapi.stats, { ssd: 0, tiny: 0, ssdLow: 0, whole: 2 });
  assert.throws(
    () => faceApiEmbedder({ minConfidence: 1.5 }),
    /'minConfidence' must be in \(0, 1\), got 1.5/,
  );
  assert.throws(
    () => faceApiEmbedder({ alignment: "dlib" as "faceapi" }),
    /'alignment' must be "ensemble", "box", "toolkit" or "faceapi", got 'dlib'/,
  );
  assert.throws(
    () => faceApiEmbedder({ alignment: "faceapi", flip: true }),
    /'flip' needs alignment "ensemble", "box" or "toolkit"/,
  );
  assert.equal(faceApiEmbedder().name, "faceapi(ensemble-align)");
  assert.equal(faceApiEmbedder({ flip: true }).name, "faceapi(ensemble-align+flip)");
});

Deno.test({
  name: "faceApiEmbedder() alignment 'box' crops exactly as face-api's own pipeline does",
  ignore: !lfw,
  async fn() {
    await ready();
    // One face in the photo: face-api's highest-scoring face is also the most central one.
    const file = `${lfw}/Al_Pacino/Al_Pacino_0001.jpg`;
    const box = faceApiEmbedder({ alignment: "box" });
    const own = faceApiEmbedder({ alignment: "faceapi" });
    const a = await box.embedFile(file);
    const b = await own.embedFile(file);
    const d = Math.hypot(...Array.from(a, (v, i) => v - b[i]));
    assert.ok(d < 1e-3, `same crop, same descriptor: distance ${d}`);
    // The ensemble adds the eye-levelled crop: unit length (face-api's own descriptors are not:
    // about 1.46 here), pointing close to, but not exactly along, face-api's.
    const e = await faceApiEmbedder().embedFile(file);
    assert.ok(Math.abs(Math.hypot(...e) - 1) < 1e-4, `unit length: ${Math.hypot(...e)}`);
    const nb = Math.hypot(...b);
    const de = Math.hypot(...Array.from(e, (v, i) => v - b[i] / nb));
    assert.ok(de > 1e-3 && de < 0.2, `ensemble vs face-api, both unit: distance ${de}`);
  },
});

Deno.test({
  name: "faceApiEmbedder() with flip describes a photo and its mirror image nearly alike",
  ignore: !lfw,
  async fn() {
    await ready();
    const img = await decodeImage(`${lfw}/Al_Pacino/Al_Pacino_0001.jpg`);
    const mirrored = new Uint8Array(img.data.length);
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const s = (y * img.width + x) * 3, d = (y * img.width + img.width - 1 - x) * 3;
        mirrored.set(img.data.subarray(s, s + 3), d);
      }
    }
    const gap = async (flip: boolean) => {
      const e = faceApiEmbedder({ flip });
      return await assertNoLeak(async () => {
        const both = tf.tensor4d(
          standardizePixels(new Uint8Array([...img.data, ...mirrored])),
          [2, img.height, img.width, 3],
        );
        const out = await e.embed(both);
        const v = await out.data();
        tf.dispose([both, out]);
        assert.ok(Math.abs(Math.hypot(...v.subarray(0, 128)) - 1) < 1e-4, "unit length");
        return Math.hypot(...Array.from(v.subarray(0, 128), (a, i) => a - v[128 + i]));
      });
    };
    const withFlip = await gap(true), without = await gap(false);
    assert.ok(withFlip < without, `mirror distance with flip ${withFlip}, without ${without}`);
    assert.ok(withFlip < 0.15, `mirror distance with flip ${withFlip}`);
  },
});

Deno.test("faceApiCropGeometry() is face-api's landmark box: side |eye–mouth| / 0.45, reference at (50%, 43%)", () => {
  // Eyes at (40, 50) and (60, 50), mouth at (50, 80): |LM| = |RM| = √(100 + 900) = 31.62…
  const lm = Array.from(
    { length: 68 },
    (_, i): [number, number] =>
      i >= 36 && i <= 41 ? [40, 50] : i >= 42 && i <= 47 ? [60, 50] : i >= 48 ? [50, 80] : [0, 0],
  );
  const face = { box: { x: 0, y: 0, width: 100, height: 100 }, score: 1, landmarks: lm };
  const g = faceApiCropGeometry(face)!;
  const side = Math.sqrt(1000) / 0.45;
  assert.ok(Math.abs(g.side - side) < 1e-9, `side ${g.side}`);
  // Reference point (50, 60) lies 43% down the box: the centre is 7% of the side below it.
  assert.ok(Math.abs(g.cx - 50) < 1e-9 && Math.abs(g.cy - (60 + 0.07 * side)) < 1e-9);
  assert.equal(g.angle, 0);
  // Tilted 90° (eyes vertical, mouth to the left): levelled, the centre moves along the face's axis.
  const rot = lm.map(([x, y]): [number, number] => [100 - y, x]);
  const r = faceApiCropGeometry({ ...face, landmarks: rot }, { level: true })!;
  assert.ok(Math.abs(r.angle - Math.PI / 2) < 1e-9, `angle ${r.angle}`);
  assert.ok(Math.abs(r.cx - (100 - 60 - 0.07 * side)) < 1e-9 && Math.abs(r.cy - 50) < 1e-9);
  assert.equal(faceApiCropGeometry({ ...face, landmarks: [] }), undefined);
});
