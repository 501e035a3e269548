import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../../_helpers/leak.ts";
import { randomMiner } from "../../../lib/losses/mod.ts";
import { pkLabels } from "../_reference.ts";
import { triples } from "./_ref_miners.ts";

await useTestBackend();

async function mine(seed: number, labels: number[], count?: number) {
  return await assertNoLeak(async () => {
    const x = tf.zeros([labels.length, 2]) as tf.Tensor2D;
    const t = triples(await randomMiner({ seed, count }).mine(x, labels));
    x.dispose();
    return t;
  });
}

Deno.test("randomMiner() returns one valid triplet per eligible anchor, in anchor order", async () => {
  const labels = [0, 0, 0, 1, 1, 2]; // row 5 has no positive
  const t = await mine(3, labels);
  assert.deepEqual(t.map((r) => r[0]), [0, 1, 2, 3, 4]);
  for (const [a, p, n] of t) {
    assert.ok(
      a !== p && labels[a] === labels[p] && labels[n] !== labels[a],
      `invalid triplet ${[a, p, n]}`,
    );
  }
});

Deno.test("randomMiner() is reproducible per seed and covers every positive and negative", async () => {
  const labels = pkLabels(3, 4);
  assert.deepEqual(await mine(9, labels, 50), await mine(9, labels, 50));
  assert.notDeepEqual(await mine(9, labels, 50), await mine(10, labels, 50));
  const t = await mine(1, labels, 3000);
  const seenP = new Set(t.filter((r) => r[0] === 0).map((r) => r[1]));
  const seenN = new Set(t.filter((r) => r[0] === 0).map((r) => r[2]));
  assert.deepEqual([...seenP].sort(), [1, 2, 3]);
  assert.deepEqual([...seenN].sort((a, b) => a - b), [4, 5, 6, 7, 8, 9, 10, 11]);
  for (const [a, p, n] of t) {
    assert.ok(a !== p && labels[a] === labels[p] && labels[n] !== labels[a]);
  }
});

Deno.test("randomMiner() rejects a negative count", () => {
  assert.throws(() => randomMiner({ count: -1 }), /'count' must be a non-negative integer, got -1/);
});
