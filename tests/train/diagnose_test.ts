import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { L2Normalize } from "../../lib/model/mod.ts";
import { collectForensics, type Forensics } from "../../lib/train/forensics.ts";
import { diagnoseCollapse } from "../../lib/train/diagnose.ts";

await useTestBackend();

/** dense(relu, 8) → dense(4) → L2Normalize, seeded. */
function mlp(): { model: tf.LayersModel; hidden: tf.layers.Layer; pre: tf.layers.Layer } {
  const input = tf.input({ shape: [6] });
  const hidden = tf.layers.dense({
    units: 8,
    activation: "relu",
    name: "hidden",
    kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }),
  });
  const pre = tf.layers.dense({
    units: 4,
    name: "pre",
    kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }),
  });
  const out = new L2Normalize().apply(pre.apply(hidden.apply(input))) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: out }), hidden, pre };
}

async function snapshot(
  model: tf.LayersModel,
  step: number,
  gradNorms?: Record<string, number>,
): Promise<Forensics> {
  const x = tf.randomNormal([16, 6], 0, 1, "float32", 7);
  const f = await collectForensics(model, x, { step, gradNorms });
  x.dispose();
  return f;
}

Deno.test("diagnoseCollapse() says 'none' for a healthy random network", async () => {
  const { model } = mlp();
  await assertNoLeak(async () => {
    const d = diagnoseCollapse(await snapshot(model, 1));
    assert.equal(d.collapsed, false);
    assert.equal(d.mechanism, "none");
  });
  model.dispose();
});

Deno.test("diagnoseCollapse() names 'dead-units' and the layer when every ReLU unit of a layer is dead", async () => {
  const { model, hidden } = mlp();
  await assertNoLeak(async () => {
    const healthy = await snapshot(model, 1);
    // push every hidden unit's bias far below any pre-activation: all dead
    tf.tidy(() => hidden.setWeights([hidden.getWeights()[0], tf.fill([8], -100)]));
    const dead = await snapshot(model, 2, { hidden: 0, pre: 0.3 });
    const d = diagnoseCollapse([healthy, dead]);
    assert.equal(d.collapsed, true);
    assert.equal(d.mechanism, "dead-units");
    assert.equal(d.layer, "hidden");
    assert.equal(d.step, 2);
    assert.match(d.summary, /every unit of hidden \(8\) is dead/);
  });
  model.dispose();
});

Deno.test("diagnoseCollapse() names 'shrinking-geometry' when the pre-L2 spread vanished with units alive", async () => {
  const { model, pre } = mlp();
  await assertNoLeak(async () => {
    const healthy = await snapshot(model, 1);
    // the embedding layer's kernel shrinks until its bias dominates: every output points the same way
    tf.tidy(() => pre.setWeights([pre.getWeights()[0].mul(1e-7), tf.tensor1d([1, -1, 0.5, 0.2])]));
    const shrunk = await snapshot(model, 50);
    const d = diagnoseCollapse([healthy, shrunk]);
    assert.equal(d.collapsed, true);
    assert.equal(d.mechanism, "shrinking-geometry");
    assert.ok(shrunk.layers.every((l) => l.deadFraction < 1));
  });
  model.dispose();
});

Deno.test("diagnoseCollapse() names 'shrinking-geometry' when the pre-L2 norm fell tenfold and outputs coincide", () => {
  const base: Forensics = {
    batch: 8,
    layers: [{
      name: "h",
      className: "Dense",
      units: 8,
      dead: 2,
      deadFraction: 0.25,
      activationRms: 1,
      zeroFraction: 0.4,
    }],
    preL2: { layer: "pre", norm: { mean: 5, std: 1, min: 3, max: 7 }, relativeSpread: 0.5 },
    cosine: { mean: 0.1, std: 0.5, min: -0.9, max: 0.9 },
    outputSpread: 1.3,
  };
  const late: Forensics = {
    ...base,
    preL2: {
      layer: "pre",
      norm: { mean: 0.2, std: 0.01, min: 0.19, max: 0.21 },
      relativeSpread: 0.01,
    },
    cosine: { mean: 0.99995, std: 1e-5, min: 0.9999, max: 1 },
    outputSpread: 1e-5,
  };
  const d = diagnoseCollapse([base, late]);
  assert.equal(d.mechanism, "shrinking-geometry");
  assert.match(d.summary, /shrank 25\.000× in norm/);
});

Deno.test("diagnoseCollapse() tells a bias-dominated constant output from shrinking geometry", () => {
  const flat: Forensics = {
    batch: 8,
    layers: [{
      name: "h",
      className: "Dense",
      units: 8,
      dead: 0,
      deadFraction: 0,
      activationRms: 1,
      zeroFraction: 0.1,
    }],
    preL2: { layer: "pre", norm: { mean: 3, std: 0, min: 3, max: 3 }, relativeSpread: 1e-6 },
    cosine: { mean: 1, std: 0, min: 1, max: 1 },
    outputSpread: 0,
  };
  // the same state at the first and the last snapshot: it never had spread, nothing shrank
  assert.equal(diagnoseCollapse([flat, { ...flat, step: 9 }]).mechanism, "constant-output");
});

Deno.test("diagnoseCollapse() names 'vanishing-gradient' when the first layer gets ~nothing of the last layer's gradient", () => {
  const healthy: Forensics = {
    batch: 8,
    layers: [],
    preL2: { layer: "pre", norm: { mean: 3, std: 1, min: 1, max: 5 }, relativeSpread: 0.6 },
    cosine: { mean: 0.0, std: 0.4, min: -0.8, max: 0.8 },
    outputSpread: 1.2,
    gradNorms: { conv1: 1e-9, conv2: 1e-5, dense: 0.5 },
  };
  const d = diagnoseCollapse(healthy);
  assert.equal(d.mechanism, "vanishing-gradient");
  assert.equal(d.layer, "conv1");
  assert.equal(d.collapsed, false);
  assert.throws(() => diagnoseCollapse([]), /no forensics snapshot/);
});
