import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../../_helpers/leak.ts";
import { allTriplets, allTripletsMiner, countValidTriplets } from "../../../lib/losses/mod.ts";
import { pkLabels, refAllTriplets } from "../_reference.ts";
import { triples } from "./_ref_miners.ts";

await useTestBackend();

Deno.test("allTripletsMiner() returns exactly the valid triplets of a naive loop", async () => {
  await assertNoLeak(async () => {
    const labels = [2, 0, 2, 1, 0, 2, 1];
    const x = tf.zeros([7, 2]) as tf.Tensor2D;
    assert.deepEqual(triples(await allTripletsMiner().mine(x, labels)), refAllTriplets(labels));
    x.dispose();
  });
});

Deno.test("countValidTriplets() counts the paper's 45 × 40 batch as 123,552,000 and allTriplets() refuses it", () => {
  const labels = pkLabels(45, 40);
  assert.equal(countValidTriplets(labels), 45 * 40 * 39 * 1760);
  assert.throws(
    () => allTriplets(labels),
    /holds 123552000 valid triplets, more than maxTriplets=16777216/,
  );
});
