import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { embed, releaseEmbedders } from "../../lib/api/mod.ts";
import { createModel, saveModel } from "../../lib/model/mod.ts";
import { assertNoLeak, devFacesDir, useTestBackend } from "../_helpers/leak.ts";

const knn = devFacesDir() ? `${devFacesDir()}face_recognition-knn_examples` : undefined;
if (!knn) console.warn("embed_test: ../shared/faces/dev is absent: photo checks are skipped");

Deno.test({
  name: "embed() gives one unit-length 128-d face-api embedding per photo, in order",
  ignore: !knn,
  async fn() {
    await useTestBackend();
    const paths = [`${knn}/biden/biden.jpg`, `${knn}/rose_leslie/img2.jpg`];
    const [first] = await embed(paths[0]); // loads face-api's nets (kept): outside the leak check
    const rows = await assertNoLeak(() => embed(paths));
    assert.equal(rows.length, 2);
    for (const r of rows) {
      assert.equal(r.length, 128);
      assert.ok(Math.abs(Math.hypot(...r) - 1) < 1e-4, `norm ${Math.hypot(...r)}`);
    }
    assert.deepEqual(Array.from(rows[0]), Array.from(first));
  },
});

Deno.test("embed() reads a [N,H,W,3] tensor as N images and an Embedder as given", async () => {
  await useTestBackend();
  const meanColour = {
    name: "mean",
    inputSize: 4,
    embed: (x: tf.Tensor4D) => tf.mean(x, [1, 2]) as tf.Tensor2D,
  };
  const batch = tf.tidy(() =>
    tf.concat([tf.fill([1, 6, 6, 3], 0), tf.fill([1, 6, 6, 3], 255)]) as tf.Tensor4D
  );
  const rows = await assertNoLeak(() => embed(batch, { embedder: meanColour, crop: "centre" }));
  batch.dispose();
  assert.equal(rows.length, 2);
  assert.ok(
    Math.abs(rows[0][0] - -127.5 / 128) < 1e-6 && Math.abs(rows[1][2] - 127.5 / 128) < 1e-6,
  );
});

Deno.test("embed() loads a run folder's model, crops at its input size, and releases it", async () => {
  await useTestBackend();
  const run = await Deno.makeTempDir();
  try {
    const model = createModel("tiny");
    const size = model.inputs[0].shape[1] as number;
    await saveModel(model, `${run}/model`);
    model.dispose();
    const before = tf.memory().numTensors;
    const img = tf.randomUniform([size + 10, size + 20, 3], 0, 255) as tf.Tensor3D;
    const [a] = await embed(img, { embedder: run, crop: "centre" });
    const [b] = await assertNoLeak(() => embed(img, { embedder: `${run}/model`, crop: "centre" }));
    img.dispose();
    assert.equal(a.length, model.outputs[0].shape[1]);
    assert.deepEqual(Array.from(a), Array.from(b)); // the folder and its model/ are the same model
    await releaseEmbedders();
    assert.equal(tf.memory().numTensors, before, "the loaded model's weights were released");
    if (knn) {
      // A photo: the face is detected and aligned ("face"), or the centre square taken ("centre").
      const photo = `${knn}/obama/obama.jpg`;
      const [face] = await embed(photo, { embedder: run });
      const [centre] = await embed(photo, { embedder: run, crop: "centre" });
      assert.equal(face.length, a.length);
      assert.notDeepEqual(Array.from(face), Array.from(centre));
      await releaseEmbedders();
    }
  } finally {
    await Deno.remove(run, { recursive: true });
  }
});

Deno.test("embed() names a folder without a model, an unreadable image and a bad crop option", async () => {
  const dir = await Deno.makeTempDir();
  const one = tf.zeros([8, 8, 3]) as tf.Tensor3D;
  try {
    await assert.rejects(
      () => embed(one, { embedder: dir }),
      (e: Error) =>
        e.message.startsWith("embed:") && e.message.includes(`'${dir}' holds no model.json`),
    );
    // deno-lint-ignore no-explicit-any
    await assert.rejects(() => embed(one, { crop: 3 as any }), /'crop' must be/);
    await Deno.writeFile(`${dir}/empty.png`, new Uint8Array(0));
    await assert.rejects(
      () => embed([one, `${dir}/empty.png`]),
      (e: Error) =>
        e.message.startsWith("embed: cannot read image") && e.message.includes("empty.png"),
    );
    await assert.rejects(
      () => embed(new TextEncoder().encode("not an image at all")),
      (e: Error) => e.message.includes("'bytes #0'") && /not-an-image|unsupported/i.test(e.message),
    );
  } finally {
    one.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
