import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { FACEAPI_THRESHOLD, readImages, verify } from "../../lib/api/mod.ts";
import { assertNoLeak, devFacesDir, useTestBackend } from "../_helpers/leak.ts";

const knn = devFacesDir() ? `${devFacesDir()}face_recognition-knn_examples` : undefined;
if (!knn) console.warn("verify_test: ../shared/faces/dev is absent: photo checks are skipped");

/** Mean colour: a toy embedder whose distances a test can compute by hand. */
const meanColour = {
  name: "mean",
  inputSize: 4,
  embed: (x: tf.Tensor4D) => tf.mean(x, [1, 2]) as tf.Tensor2D,
};

Deno.test({
  name: "verify() says same for two photos of Obama and not for Obama and Biden",
  ignore: !knn,
  async fn() {
    await useTestBackend();
    // First call loads face-api's nets (kept for the process): outside the leak check.
    const same = await verify(`${knn}/obama/obama.jpg`, `${knn}/obama/obama2.jpg`);
    const other = await assertNoLeak(() =>
      verify(`${knn}/obama/obama.jpg`, `${knn}/biden/biden.jpg`)
    );
    assert.equal(same.threshold, FACEAPI_THRESHOLD);
    assert.equal(same.same, true, `obama/obama2 distance ${same.distance}`);
    assert.equal(other.same, false, `obama/biden distance ${other.distance}`);
    assert.ok(same.distance < other.distance);
  },
});

Deno.test({
  name: "verify() gives the same answer for a path, its bytes and its pixels as a tensor",
  ignore: !knn,
  async fn() {
    await useTestBackend();
    const a = `${knn}/kit_harington/john1.jpeg`, b = `${knn}/kit_harington/john2.jpeg`;
    const fromPaths = await verify(a, b);
    const bytes = await Deno.readFile(b);
    const fromBytes = await assertNoLeak(() => verify(a, bytes));
    const [{ image }] = await readImages(b, "test");
    const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], "int32");
    const fromTensor = await assertNoLeak(() => verify(a, pixels));
    pixels.dispose();
    assert.ok(Math.abs(fromBytes.distance - fromPaths.distance) < 1e-6);
    assert.ok(Math.abs(fromTensor.distance - fromPaths.distance) < 1e-6);
    assert.equal(fromPaths.same, true, `john1/john2 distance ${fromPaths.distance}`);
  },
});

Deno.test("verify() compares with the threshold given, by Euclidean distance", async () => {
  await useTestBackend();
  const dark = tf.fill([8, 8, 3], 40) as tf.Tensor3D;
  const light = tf.fill([8, 8, 3], 60) as tf.Tensor3D;
  const opts = { embedder: meanColour, crop: "centre" as const };
  const d = Math.sqrt(3) * 20 / 128;
  const near = await assertNoLeak(() => verify(dark, light, { ...opts, threshold: d + 1e-3 }));
  const far = await verify(dark, light, { ...opts, threshold: d - 1e-3 });
  tf.dispose([dark, light]);
  assert.ok(Math.abs(near.distance - d) < 1e-5, `distance ${near.distance}, expected ${d}`);
  assert.deepEqual([near.same, far.same], [true, false]);
});

Deno.test("verify() names a missing file and a file that is not an image", async () => {
  const dir = await Deno.makeTempDir();
  const text = `${dir}/notes.jpg`;
  await Deno.writeTextFile(text, "these are not pixels");
  try {
    await assert.rejects(
      () => verify(`${dir}/missing.jpg`, text),
      (e: Error) => e.message.includes(`${dir}/missing.jpg`) && /cannot read/.test(e.message),
    );
    await assert.rejects(
      () => verify(text, text),
      (e: Error) => e.message.startsWith("verify:") && e.message.includes(text),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("verify() rejects bad options and batches before any work", async () => {
  const x = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
  const one = tf.zeros([8, 8, 3]) as tf.Tensor3D;
  try {
    await assert.rejects(() => verify(one, one, { threshold: -1 }), /'threshold' must be/);
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      () => verify(one, one, { crop: "middle" as any }),
      /'crop' must be "face" or "centre", got 'middle'/,
    );
    await assert.rejects(() => verify(x, one), /'a' must be one image, got 2/);
    // deno-lint-ignore no-explicit-any
    await assert.rejects(() => verify(42 as any, one), /image #0 must be a file path/);
  } finally {
    tf.dispose([x, one]);
  }
});

Deno.test("verify() with an embedder that has no calibrated threshold asks for one", async () => {
  await useTestBackend();
  const one = tf.zeros([8, 8, 3]) as tf.Tensor3D;
  try {
    await assert.rejects(
      () => verify(one, one, { embedder: meanColour }),
      /embedder 'mean' has no calibrated threshold: pass \{ threshold \}/,
    );
  } finally {
    one.dispose();
  }
});
