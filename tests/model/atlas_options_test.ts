import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { createModel, getBuildOptions, loadModel, saveModel } from "../../lib/model/mod.ts";
import { collectForensics } from "../../lib/train/forensics.ts";

await useTestBackend();

/** Output of the layer named `name` for input `x`. */
function layerOutput(model: tf.LayersModel, name: string, x: tf.Tensor): tf.Tensor {
  const probe = tf.model({
    inputs: model.inputs,
    outputs: model.getLayer(name).output as tf.SymbolicTensor,
  });
  return probe.predict(x) as tf.Tensor;
}

Deno.test("inputScaling 'raw' and 'unit' make the first layer see 0–255 and [0, 1] pixels", async () => {
  await assertNoLeak(async () => {
    // standardised values of pixels 0, 127.5 and 255
    const x = tf.tidy(() =>
      tf.tensor4d([-127.5 / 128, 0, 127.5 / 128], [1, 1, 1, 3]).tile([1, 32, 32, 1])
    );
    const raw = createModel("tiny", { inputScaling: "raw" });
    const unit = createModel("tiny", { inputScaling: "unit" });
    const std = createModel("tiny");
    const r = layerOutput(raw, "input_raw", x);
    const u = layerOutput(unit, "input_unit", x);
    const rv = Array.from((await r.data()).slice(0, 3));
    const uv = Array.from((await u.data()).slice(0, 3));
    [0, 127.5, 255].forEach((p, i) => {
      assert.ok(Math.abs(rv[i] - p) < 1e-4, `raw ${rv[i]} ≠ ${p}`);
      assert.ok(Math.abs(uv[i] - p / 255) < 1e-6, `unit ${uv[i]} ≠ ${p / 255}`);
    });
    assert.ok(!std.layers.some((l) => l.name.startsWith("input_")), "standardized adds a layer");
    assert.equal(getBuildOptions(raw)?.inputScaling, "raw");
    assert.equal(getBuildOptions(std)?.inputScaling, "standardized");
    tf.dispose([x, r, u]);
    [raw, unit, std].forEach((m) => m.dispose());
  });
});

Deno.test("embeddingActivation 'relu' makes every embedding component ≥ 0, 'linear' does not", async () => {
  await assertNoLeak(async () => {
    const x = tf.randomUniform([6, 32, 32, 3], -1, 1, "float32", 3);
    const relu = createModel("tiny", { embeddingActivation: "relu", finalL2: false, seed: 2 });
    const linear = createModel("tiny", { finalL2: false, seed: 2 });
    const yr = relu.predict(x) as tf.Tensor;
    const yl = linear.predict(x) as tf.Tensor;
    const vr = await yr.data(), vl = await yl.data();
    assert.ok(vr.every((v) => v >= 0), "relu embedding has a negative component");
    assert.ok(vl.some((v) => v < 0), "linear embedding has no negative component");
    // same weights: the relu output is the linear output clamped at 0
    vl.forEach((v, i) => assert.ok(Math.abs(Math.max(v, 0) - vr[i]) < 1e-5));
    tf.dispose([x, yr, yl]);
    relu.dispose();
    linear.dispose();
  });
});

Deno.test("a model with input scaling and a ReLU embedding saves and loads unchanged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "atlas_options_test_" });
  try {
    await assertNoLeak(async () => {
      const model = createModel("tiny", { inputScaling: "unit", embeddingActivation: "relu" });
      const x = tf.randomUniform([2, 32, 32, 3], -1, 1, "float32", 5);
      const before = model.predict(x) as tf.Tensor;
      await saveModel(model, dir);
      const loaded = await loadModel(dir);
      const after = loaded.predict(x) as tf.Tensor;
      assert.deepEqual(await after.data(), await before.data());
      assert.deepEqual(getBuildOptions(loaded), getBuildOptions(model));
      tf.dispose([x, before, after]);
      model.dispose();
      loaded.dispose();
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createModel() names embeddingActivation and inputScaling when they are invalid", () => {
  assert.throws(
    () => createModel("tiny", { embeddingActivation: "tanh" as "relu" }),
    /Cannot build tiny: 'embeddingActivation' must be "linear" or "relu", got "tanh"/,
  );
  assert.throws(
    () => createModel("tiny", { inputScaling: "0-1" as "unit" }),
    /Cannot build tiny: 'inputScaling' must be "standardized", "unit" or "raw", got "0-1"/,
  );
});

Deno.test("collectForensics() probes a ReLU embedding, with and without the final L2", async () => {
  await assertNoLeak(async () => {
    const x = tf.randomUniform([4, 32, 32, 3], -1, 1, "float32", 7);
    for (const finalL2 of [true, false]) {
      const model = createModel("tiny", { embeddingActivation: "relu", finalL2, embeddingDim: 8 });
      const f = await collectForensics(model, x);
      const fc = f.layers.find((l) => l.name === "fc");
      assert.ok(fc, "the ReLU embedding layer is among the probed ReLU layers");
      assert.equal(fc.units, 8);
      assert.ok(Number.isFinite(f.preL2.norm.mean) && Number.isFinite(f.cosine.mean));
      model.dispose();
    }
    x.dispose();
  });
});
