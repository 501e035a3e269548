import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  allTriplets,
  createLoss,
  createMiner,
  createReducer,
  euclideanEps,
  LOSS_NAMES,
  MINER_NAMES,
  semihardMiner,
  tripletDiagnostics,
} from "../../lib/losses/mod.ts";
import { f32, pkLabels, randomBatch } from "./_reference.ts";

await useTestBackend();

Deno.test("createLoss(), createMiner() and createReducer() build every named piece and reject unknown names", () => {
  for (const name of MINER_NAMES) assert.equal(createMiner(name, { margin: 0.2 }).name, name);
  for (const name of LOSS_NAMES) {
    const loss = createLoss(name, { numClasses: 3, embeddingDim: 4 });
    assert.equal(loss.name, name);
    loss.dispose?.();
  }
  assert.equal(createReducer("meanNonZero").name, "meanNonZero");
  assert.throws(() => createLoss("lifted" as never), /unknown loss 'lifted'/);
  assert.throws(() => createMiner("distance" as never), /unknown miner 'distance'/);
  assert.throws(() => createReducer("max" as never), /unknown reducer 'max'/);
});

Deno.test("a semi-hard mined triplet loss trains embedding variables with an optimiser (mine, then minimise)", async () => {
  await assertNoLeak(async () => {
    const labels = pkLabels(4, 4);
    const x = tf.tidy(() => tf.variable(tf.tensor2d(f32(randomBatch(16, 8, 71, true))), true));
    const distance = euclideanEps();
    const miner = semihardMiner({ margin: 0.2, distance });
    const loss = createLoss("triplet", { margin: 0.2, distance });
    const reducer = createReducer("mean");
    const opt = tf.train.sgd(0.5);
    const xt = x as unknown as tf.Tensor2D;
    const all = allTriplets(labels);
    const before = await tripletDiagnostics(xt, labels, all, { distance });
    for (let step = 0; step < 30; step++) {
      const t = await miner.mine(xt, labels);
      opt.minimize(() => reducer.reduce(loss.compute(xt, labels, t)), true, [x])?.dispose();
    }
    const after = await tripletDiagnostics(xt, labels, all, { distance });
    assert.ok(
      after.accuracy > before.accuracy,
      `all-triplet accuracy ${before.accuracy} → ${after.accuracy}`,
    );
    assert.ok(
      after.dAn.mean - after.dAp.mean > before.dAn.mean - before.dAp.mean,
      `gap ${before.dAn.mean - before.dAp.mean} → ${after.dAn.mean - after.dAp.mean}`,
    );
    opt.dispose();
    x.dispose();
  });
});
