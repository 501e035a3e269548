import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { computeDescriptors } from "../../lib/data/mod.ts";
import {
  ChannelZeroPad,
  faceRecognitionNet,
  faceRecognitionNetOptions,
  loadModel,
  readFaceApiWeights,
  saveModel,
  setFaceRecognitionFreeze,
} from "../../lib/model/mod.ts";
import { type TrainBatch, trainEmbedding } from "../../lib/train/mod.ts";

await useTestBackend();
// face-api keeps its own weight tensors once loaded: load them before any leak check.
{
  const warm = tf.zeros([1, 150, 150, 3]) as tf.Tensor4D;
  await computeDescriptors(warm);
  warm.dispose();
}

/** Σ a·b as a number (no tensor kept). */
async function sumOfProduct(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const s = tf.tidy(() => tf.sum(tf.mul(a, b)));
  const [v] = await s.data();
  s.dispose();
  return v;
}

/** Pixel images (0–255) and the same images standardised as the toolkit feeds them. */
function images(n: number, seed: number): { px: tf.Tensor4D; std: tf.Tensor4D } {
  return tf.tidy(() => {
    const px = tf.randomUniform([n, 150, 150, 3], 20, 235, "float32", seed) as tf.Tensor4D;
    return { px, std: tf.div(tf.sub(px, 127.5), 128) as tf.Tensor4D };
  });
}

Deno.test("faceRecognitionNet (pretrained, normalize false) gives face-api's own descriptors", async () => {
  const model = await faceRecognitionNet({ normalize: false });
  await assertNoLeak(async () => {
    const { px, std } = images(3, 7);
    const ref = await computeDescriptors(px);
    const out = model.predict(std) as tf.Tensor;
    const ours = await out.data();
    let maxDiff = 0, maxAbs = 0;
    ref.forEach((row, i) =>
      row.forEach((v, j) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - ours[i * 128 + j]));
        maxAbs = Math.max(maxAbs, Math.abs(v));
      })
    );
    assert.ok(maxAbs > 0.05, `face-api's descriptors are not trivial (max |v| ${maxAbs})`);
    assert.ok(maxDiff < 1e-5, `largest difference from face-api ${maxDiff}`);
    tf.dispose([px, std, out]);
  });
  model.dispose();
});

Deno.test("faceRecognitionNet's input gradient matches finite differences of face-api's forward", async () => {
  const model = await faceRecognitionNet({ normalize: false });
  await assertNoLeak(async () => {
    const { px, std } = images(2, 3);
    const w = tf.randomNormal([2, 128], 0, 1, "float32", 4);
    // dL/dpixel = dL/dx / 128 with x = (pixel − 127.5) / 128.
    const g = tf.tidy(() =>
      tf.div(
        tf.grad((x: tf.Tensor) => tf.sum(tf.mul(model.apply(x) as tf.Tensor, w)))(std),
        128,
      )
    );
    const wv = await w.data();
    const faceApiLoss = async (direction: tf.Tensor, h: number) => {
      const p = tf.tidy(() => tf.add(px, tf.mul(direction, h))) as tf.Tensor4D;
      const d = await computeDescriptors(p);
      p.dispose();
      return d.reduce((s, row, i) => s + row.reduce((a, v, j) => a + v * wv[i * 128 + j], 0), 0);
    };
    // Steps small enough that few ReLUs flip, large enough to stand above float32 rounding.
    for (
      const [what, seed, h] of [["random ±1 direction", 5, 0.25], [
        "sign of the gradient",
        -1,
        0.02,
      ]] as const
    ) {
      const v = tf.tidy(() =>
        seed < 0 ? tf.sign(g) : tf.sign(tf.randomUniform(px.shape, -1, 1, "float32", seed))
      );
      const analytic = await sumOfProduct(g, v);
      const fd = (await faceApiLoss(v, h) - await faceApiLoss(v, -h)) / (2 * h);
      const rel = Math.abs(fd - analytic) / Math.abs(analytic);
      assert.ok(
        rel < 0.05,
        `${what}: analytic ${analytic}, face-api finite difference ${fd} (rel ${rel})`,
      );
      v.dispose();
    }
    tf.dispose([px, std, w, g]);
  });
  model.dispose();
});

Deno.test("faceRecognitionNet's weight gradients match finite differences (fc and first conv)", async () => {
  const model = await faceRecognitionNet({ inputSize: 112, weights: "random", seed: 2 });
  await assertNoLeak(async () => {
    const x = tf.randomUniform([2, 112, 112, 3], -1, 1, "float32", 9);
    const w = tf.randomNormal([2, 128], 0, 1, "float32", 10);
    const loss = () => tf.tidy(() => tf.sum(tf.mul(model.apply(x) as tf.Tensor, w)) as tf.Scalar);
    const { value, grads } = tf.variableGrads(loss);
    value.dispose();
    // A step along sign(gradient) moves every weight at once: small for the first conv (ReLUs).
    for (const [layer, h] of [["fc", 1e-3], ["conv32_down", 1e-4]] as const) {
      // A copy: getWeights() returns the variable itself, which setWeights overwrites.
      const kernel = model.getLayer(layer).getWeights()[0].clone();
      const variable = model.getLayer(layer).weights[0].read() as tf.Variable;
      const g = grads[variable.name];
      assert.ok(g, `gradient of ${layer}'s kernel`);
      const v = tf.tidy(() => tf.sign(g));
      const analytic = await sumOfProduct(g, v);
      const at = async (s: number) => {
        const moved = tf.tidy(() => tf.add(kernel, tf.mul(v, s)));
        model.getLayer(layer).setWeights([moved, ...model.getLayer(layer).getWeights().slice(1)]);
        moved.dispose();
        const l = loss();
        const value = (await l.data())[0];
        l.dispose();
        return value;
      };
      const fd = (await at(h) - await at(-h)) / (2 * h);
      model.getLayer(layer).setWeights([kernel, ...model.getLayer(layer).getWeights().slice(1)]);
      const rel = Math.abs(fd - analytic) / Math.abs(analytic);
      assert.ok(rel < 0.05, `${layer}: analytic ${analytic}, finite difference ${fd} (rel ${rel})`);
      tf.dispose([v, kernel]);
    }
    tf.dispose([x, w, ...Object.values(grads)]);
  });
  model.dispose();
});

Deno.test("faceRecognitionNet saves and loads bit-identically, with its options and frozen layers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "frn_test_" });
  try {
    const model = await faceRecognitionNet({ freeze: "trunk" });
    await assertNoLeak(async () => {
      await saveModel(model, dir);
      const loaded = await loadModel(dir);
      const x = tf.randomUniform([2, 150, 150, 3], -1, 1, "float32", 1);
      const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      assert.deepEqual(await b.data(), await a.data());
      assert.deepEqual(faceRecognitionNetOptions(loaded), faceRecognitionNetOptions(model));
      assert.equal(loaded.trainableWeights.length, 5);
      const normsT = tf.norm(a, 2, 1);
      const norms = await normsT.data();
      normsT.dispose();
      assert.ok(norms.every((n) => Math.abs(n - 1) < 1e-5), `unit embeddings: ${norms}`);
      tf.dispose([x, a, b]);
      loaded.dispose();
    });
    model.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("frozen trunk: one training step changes the head's weights and no others", async () => {
  const model = await faceRecognitionNet({ inputSize: 112, weights: "random", seed: 3 });
  setFaceRecognitionFreeze(model, "trunk");
  await assertNoLeak(async () => {
    const before = model.getWeights().map((t) => t.dataSync().slice());
    const batch = (): TrainBatch => ({
      images: tf.randomUniform([8, 112, 112, 3], -1, 1, "float32", 5) as tf.Tensor4D,
      labels: [0, 0, 1, 1, 2, 2, 3, 3],
    });
    const r = await trainEmbedding({
      model,
      loader: () => ({ next: () => Promise.resolve(batch()) }),
      steps: 1,
      miner: "all",
      margin: 5,
      optimizer: "adam",
      lr: 1e-2,
    }, { progress: false });
    assert.equal(r.step, 1);
    const changed = model.weights.map((w, i) => {
      const now = w.read().dataSync();
      return now.some((v, j) => v !== before[i][j]);
    });
    model.weights.forEach((w, i) => {
      const head = /^(conv256_down_out_conv[12]|fc)\//.test(w.originalName);
      assert.equal(changed[i], head, `${w.originalName} changed: ${changed[i]}`);
    });
  });
  model.dispose();
});

Deno.test("faceRecognitionNet rejects bad options before reading weights", async () => {
  await assert.rejects(
    () => faceRecognitionNet({ freeze: "head" as "trunk" }),
    /'freeze' must be "none" or "trunk", got 'head'/,
  );
  await assert.rejects(
    () => faceRecognitionNet({ inputSize: 96 }),
    /inputSize 96 is too small: block conv256_down_out would get 2×2 \(the smallest input is 103\)/,
  );
  await assert.rejects(
    () => readFaceApiWeights({ modelDir: "/nonexistent" }),
    /cannot read \/nonexistent\/face_recognition_model-weights_manifest.json/,
  );
  assert.throws(() => new ChannelZeroPad({ channels: 0 }), /'channels' must be a positive integer/);
});
