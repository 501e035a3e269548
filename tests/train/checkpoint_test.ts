import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  createOptimizer,
  loadCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
} from "../../lib/train/mod.ts";

await useTestBackend();

const mlp = (units = 3) =>
  tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [4],
        units,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });

Deno.test("saveCheckpoint() then restoreCheckpoint() restores weights and optimiser slots into a fresh model", async () => {
  const dir = await Deno.makeTempDir();
  const a = mlp(), b = mlp();
  await assertNoLeak(async () => {
    const opt = createOptimizer("adagrad");
    const vars = a.trainableWeights.map((w) => w.read() as tf.Variable);
    const g = tf.tidy(() => Object.fromEntries(vars.map((v) => [v.name, tf.onesLike(v)])));
    opt.apply(vars, g, 0.1);
    tf.dispose(Object.values(g));
    await saveCheckpoint(dir, { model: a, step: 5, optimizer: opt, extra: { rng: 123 } });
    const ck = (await loadCheckpoint(dir))!;
    assert.equal(ck.step, 5);
    assert.deepEqual(ck.extra, { rng: 123 });
    const opt2 = createOptimizer("adagrad");
    restoreCheckpoint(ck, { model: b, optimizer: opt2 });
    for (let i = 0; i < a.weights.length; i++) {
      assert.deepEqual(await b.weights[i].read().data(), await a.weights[i].read().data());
    }
    const s1 = await opt.getState(), s2 = await opt2.getState();
    assert.equal(s2.iterations, 1);
    assert.deepEqual(
      s2.slots.map((s) => Array.from(s.values)),
      s1.slots.map((s) => Array.from(s.values)),
    );
    opt.dispose();
    opt2.dispose();
  });
  a.dispose();
  b.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("saveCheckpoint() keeps the newest checkpoints, leaves no temp folders, and restore names a shape mismatch", async () => {
  const dir = await Deno.makeTempDir();
  const a = mlp(), wide = mlp(5);
  await assertNoLeak(async () => {
    for (const step of [1, 2, 3]) await saveCheckpoint(dir, { model: a, step, keep: 2 });
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["latest.json", "step-00000002", "step-00000003"]);
    assert.equal((await loadCheckpoint(dir))!.step, 3);
    assert.equal((await loadCheckpoint(dir, { step: 2 }))!.step, 2);
    const ck = (await loadCheckpoint(dir))!;
    assert.throws(
      () => restoreCheckpoint(ck, { model: wide }),
      /weight 0 .* has shape \[4,5\], checkpoint .* has \[4,3\]/,
    );
  });
  a.dispose();
  wide.dispose();
  assert.equal(await loadCheckpoint(`${dir}/nothing`), undefined);
  await Deno.remove(dir, { recursive: true });
});
