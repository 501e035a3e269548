import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../../_helpers/leak.ts";
import { allTriplets, batchAllMiner, euclidean } from "../../../lib/losses/mod.ts";
import { f32, pkLabels, randomBatch } from "../_reference.ts";
import { refBatchAll, refMatrix, triples } from "./_ref_miners.ts";

await useTestBackend();

Deno.test("batchAllMiner() equals a naive reference loop on a random batch", async () => {
  await assertNoLeak(async () => {
    const rows = f32(randomBatch(15, 4, 5, true));
    const labels = pkLabels(5, 3);
    const x = tf.tensor2d(rows);
    const got = triples(
      await batchAllMiner({ margin: 0.3, distance: euclidean() }).mine(x, labels),
    );
    const want = refBatchAll(refMatrix("euclidean", rows), labels, 0.3);
    assert.ok(want.length > 0 && want.length < allTriplets(labels).anchors.length);
    assert.deepEqual(got, want);
    x.dispose();
  });
});

Deno.test("batchAllMiner() keeps every valid triplet at total collapse", async () => {
  await assertNoLeak(async () => {
    const x = tf.ones([8, 3]) as tf.Tensor2D;
    const labels = pkLabels(4, 2);
    const got = await batchAllMiner().mine(x, labels);
    assert.deepEqual(triples(got), triples(allTriplets(labels)));
    x.dispose();
  });
});

Deno.test("batchAllMiner() throws a clear error above maxTriplets", async () => {
  await assertNoLeak(async () => {
    const x = tf.ones([8, 3]) as tf.Tensor2D;
    await assert.rejects(
      batchAllMiner({ maxTriplets: 10 }).mine(x, pkLabels(4, 2)),
      /more than maxTriplets=10/,
    );
    x.dispose();
  });
});
