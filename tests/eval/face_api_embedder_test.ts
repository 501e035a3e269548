import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { evaluatePairs, faceApiEmbedder } from "../../lib/eval/mod.ts";
import { decodeImage } from "../../lib/data/decode_image.ts";
import { preloadFaceApi } from "../../lib/data/face_api.ts";
import { readPairs } from "../../lib/data/pairs.ts";
import { standardizePixels } from "../../lib/data/standardize.ts";
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
    const toolkit = faceApiEmbedder({ alignment: "toolkit" });
    const own = faceApiEmbedder();
    assert.equal(toolkit.name, "faceapi(toolkit-align)");
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
    /'alignment' must be "toolkit" or "faceapi", got 'dlib'/,
  );
});
