import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../../_helpers/leak.ts";
import { createDistance, type DistanceName, hardestMiner } from "../../../lib/losses/mod.ts";
import { f32, pkLabels, randomBatch } from "../_reference.ts";
import { refHardest, refMatrix, triples } from "./_ref_miners.ts";

await useTestBackend();

Deno.test("hardestMiner() takes the farthest positive and the closest negative per anchor (hand-built)", async () => {
  await assertNoLeak(async () => {
    // class 0 at 0, 1, 4; class 1 at 2, 10.
    const x = tf.tensor2d([[0], [1], [4], [2], [10]]);
    const t = triples(await hardestMiner().mine(x, [0, 0, 0, 1, 1]));
    assert.deepEqual(t, [[0, 2, 3], [1, 2, 3], [2, 0, 3], [3, 4, 1], [4, 3, 2]]);
    x.dispose();
  });
});

for (const name of ["squaredEuclidean", "cosine"] as DistanceName[]) {
  Deno.test(`hardestMiner() with ${name} equals a naive reference loop on a random batch`, async () => {
    await assertNoLeak(async () => {
      const rows = f32(randomBatch(20, 6, 3, true));
      const labels = pkLabels(5, 4);
      const x = tf.tensor2d(rows);
      const got = triples(await hardestMiner({ distance: createDistance(name) }).mine(x, labels));
      assert.deepEqual(got, refHardest(refMatrix(name, rows), labels));
      x.dispose();
    });
  });
}

Deno.test("hardestMiner() skips anchors without a positive or a negative", async () => {
  await assertNoLeak(async () => {
    const x = tf.tensor2d([[0], [1], [2]]);
    assert.deepEqual(triples(await hardestMiner().mine(x, [0, 0, 1])), [[0, 1, 2], [1, 0, 2]]);
    assert.equal((await hardestMiner().mine(x, [0, 0, 0])).anchors.length, 0);
    x.dispose();
  });
});
