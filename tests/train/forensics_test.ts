import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { L2Normalize } from "../../lib/model/mod.ts";
import { collectForensics, findL2NormLayer, isReluLayer } from "../../lib/train/forensics.ts";

await useTestBackend();

/** conv(relu, 4 channels) → flatten → dense(relu, 4) → dense(3) → L2Normalize, weights set by hand. */
function handModel(denseBias: number[]): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 1] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: "relu", name: "conv" });
  const flat = tf.layers.flatten();
  const d1 = tf.layers.dense({ units: 4, activation: "relu", name: "hidden" });
  const d2 = tf.layers.dense({ units: 3, name: "pre" });
  const out = new L2Normalize({ name: "l2norm" }).apply(
    d2.apply(d1.apply(flat.apply(conv.apply(input)))),
  ) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  tf.tidy(() => {
    // conv: channel 0 and 1 pass x, channels 2 and 3 get −|x|−1 (always dead)
    conv.setWeights([tf.tensor4d([1, 1, 0, 0], [1, 1, 1, 4]), tf.tensor1d([0, 0, -1, -1])]);
    // hidden: zero kernel, bias decides dead/alive
    d1.setWeights([tf.zeros([64, 4]), tf.tensor1d(denseBias)]);
    d2.setWeights([tf.randomNormal([4, 3], 0, 1, "float32", 1), tf.tensor1d([0.1, 0.2, 0.3])]);
  });
  return model;
}

Deno.test("collectForensics() counts units never positive over the batch and their activation scale", async () => {
  const model = handModel([-1, 1, -1, 1]);
  await assertNoLeak(async () => {
    const x = tf.randomUniform([6, 4, 4, 1], 0.1, 1, "float32", 3);
    const f = await collectForensics(model, x);
    x.dispose();
    assert.deepEqual(f.layers.map((l) => l.name), ["conv", "hidden"]);
    assert.equal(f.layers[0].dead, 2);
    assert.equal(f.layers[0].deadFraction, 0.5);
    assert.equal(f.layers[1].deadFraction, 0.5);
    // hidden: two units output exactly 1, two output 0 → rms √0.5, half zeros
    assert.ok(Math.abs(f.layers[1].activationRms - Math.SQRT1_2) < 1e-6);
    assert.equal(f.layers[1].zeroFraction, 0.5);
    assert.equal(f.preL2.layer, "input of l2norm");
    assert.equal(f.batch, 6);
  });
  model.dispose();
});

Deno.test("collectForensics() sees a constant pre-L2 embedding and cosines all 1 when a layer is dead", async () => {
  const model = handModel([-1, -1, -1, -1]);
  await assertNoLeak(async () => {
    const x = tf.randomUniform([5, 4, 4, 1], 0.1, 1, "float32", 4);
    const f = await collectForensics(model, x);
    x.dispose();
    assert.equal(f.layers[1].deadFraction, 1);
    // pre-L2 = bias only: norm √(0.01+0.04+0.09), no spread
    assert.ok(Math.abs(f.preL2.norm.mean - Math.sqrt(0.14)) < 1e-5);
    assert.ok(f.preL2.norm.std < 1e-6 && f.preL2.relativeSpread < 1e-3);
    assert.ok(Math.abs(f.cosine.mean - 1) < 1e-5 && f.cosine.std < 1e-5);
    assert.ok(f.outputSpread < 1e-3);
  });
  model.dispose();
});

Deno.test("findL2NormLayer() finds the L2-normalise layer by class and not L2 pooling; isReluLayer() reads activations", () => {
  const model = handModel([1, 1, 1, 1]);
  assert.equal(findL2NormLayer(model)?.name, "l2norm");
  assert.deepEqual(model.layers.filter(isReluLayer).map((l) => l.name), ["conv", "hidden"]);
  model.dispose();
  const plain = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2 })] });
  assert.equal(findL2NormLayer(plain), undefined);
  plain.dispose();
});
