import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../../_helpers/leak.ts";
import { euclidean, semihardMiner, squaredEuclidean } from "../../../lib/losses/mod.ts";
import { f32, pkLabels, randomBatch } from "../_reference.ts";
import { refMatrix, refSemihard, refSemihardAll, triples } from "./_ref_miners.ts";

await useTestBackend();

// 1-D hand-built batch, euclidean distance, margin 1:
//   row 0 = 0, row 1 = 1 (class 0); row 2 = 1.5, row 3 = 1.8, row 4 = 5 (class 1).
const ROWS = [[0], [1], [1.5], [1.8], [5]];
const LABELS = [0, 0, 1, 1, 1];

async function mineHand(opts: Parameters<typeof semihardMiner>[0]) {
  return await assertNoLeak(async () => {
    const x = tf.tensor2d(ROWS);
    const t = await semihardMiner({ margin: 1, distance: euclidean(), ...opts }).mine(x, LABELS);
    x.dispose();
    return triples(t);
  });
}

Deno.test("semihardMiner() picks the closest negative inside d_ap < d_an < d_ap + α on a hand-built batch", async () => {
  // (0,1): d_ap 1, band (1,2) holds rows 2 (1.5) and 3 (1.8) → 2. (1,0): band empty → hardest row 2 (0.5).
  // (2,3): d_ap 0.3, band (0.3,1.3) holds row 1 (0.5). (2,4): d_ap 3.5, band empty → hardest row 1.
  // (3,2): row 1 (0.8). (3,4): d_ap 3.2, empty → row 1. (4,2): d_ap 3.5, row 1 (4). (4,3): d_ap 3.2, row 1 (4).
  assert.deepEqual(await mineHand({}), [
    [0, 1, 2],
    [1, 0, 2],
    [2, 3, 1],
    [2, 4, 1],
    [3, 2, 1],
    [3, 4, 1],
    [4, 2, 1],
    [4, 3, 1],
  ]);
});

Deno.test("semihardMiner({fallback: 'easiest'}) takes the farthest negative when the band is empty", async () => {
  assert.deepEqual(await mineHand({ fallback: "easiest" }), [
    [0, 1, 2],
    [1, 0, 4],
    [2, 3, 1],
    [2, 4, 0],
    [3, 2, 1],
    [3, 4, 0],
    [4, 2, 1],
    [4, 3, 1],
  ]);
});

Deno.test("semihardMiner({fallback: 'skip'}) drops pairs without a semi-hard negative", async () => {
  assert.deepEqual(await mineHand({ fallback: "skip" }), [[0, 1, 2], [2, 3, 1], [3, 2, 1], [
    4,
    2,
    1,
  ], [4, 3, 1]]);
});

Deno.test("semihardMiner({select: 'all'}) returns every negative in the band", async () => {
  assert.deepEqual(await mineHand({ select: "all", fallback: "skip" }), [
    [0, 1, 2],
    [0, 1, 3],
    [2, 3, 1],
    [3, 2, 1],
    [4, 2, 1],
    [4, 3, 1],
  ]);
});

Deno.test("semihardMiner({select: 'random'}) draws band members only, reproducibly per seed", async () => {
  const runs = [];
  for (const seed of [1, 1, 2]) {
    runs.push(await mineHand({ select: "random", fallback: "skip", seed }));
  }
  assert.deepEqual(runs[0], runs[1]);
  for (const run of runs) {
    assert.ok([2, 3].includes(run[0][2]), `negative of (0,1) must be 2 or 3, got ${run[0][2]}`);
    assert.deepEqual(run.slice(1), [[2, 3, 1], [3, 2, 1], [4, 2, 1], [4, 3, 1]]);
  }
});

Deno.test("semihardMiner() finds no semi-hard negative at total collapse (ties are not semi-hard)", async () => {
  await assertNoLeak(async () => {
    const x = tf.ones([6, 4]) as tf.Tensor2D;
    const labels = pkLabels(3, 2);
    const skip = await semihardMiner({ fallback: "skip" }).mine(x, labels);
    assert.equal(skip.anchors.length, 0);
    const hard = triples(await semihardMiner().mine(x, labels));
    // Every pair falls back to its lowest-index negative.
    assert.deepEqual(hard, [[0, 1, 2], [1, 0, 2], [2, 3, 0], [3, 2, 0], [4, 5, 0], [5, 4, 0]]);
    x.dispose();
  });
});

for (const fallback of ["hardest", "easiest", "skip"] as const) {
  Deno.test(`semihardMiner({fallback: '${fallback}'}) equals a naive reference loop on a random batch`, async () => {
    await assertNoLeak(async () => {
      const rows = f32(randomBatch(16, 5, 7, true));
      const labels = pkLabels(4, 4);
      const x = tf.tensor2d(rows);
      const got = triples(await semihardMiner({ margin: 0.5, fallback }).mine(x, labels));
      assert.deepEqual(
        got,
        refSemihard(refMatrix("squaredEuclidean", rows), labels, 0.5, fallback),
      );
      x.dispose();
    });
  });
}

Deno.test("semihardMiner({select: 'all'}) equals every band member of a naive reference loop", async () => {
  await assertNoLeak(async () => {
    const rows = f32(randomBatch(16, 5, 8, true));
    const labels = pkLabels(4, 4);
    const x = tf.tensor2d(rows);
    const got = triples(
      await semihardMiner({ margin: 0.5, select: "all", fallback: "skip" }).mine(x, labels),
    );
    const want = refSemihardAll(refMatrix("squaredEuclidean", rows), labels, 0.5);
    assert.ok(want.length > 50, `only ${want.length} semi-hard triplets`);
    assert.deepEqual(got, want);
    x.dispose();
  });
});

Deno.test("semihardMiner() rejects bad options and mismatched labels", async () => {
  assert.throws(
    () => semihardMiner({ fallback: "random" as never }),
    /'fallback' must be hardest, easiest or skip, got 'random'/,
  );
  assert.throws(() => semihardMiner({ margin: NaN }), /'margin' must be finite, got NaN/);
  await assertNoLeak(async () => {
    const x = tf.zeros([3, 2]) as tf.Tensor2D;
    await assert.rejects(
      semihardMiner({ distance: squaredEuclidean() }).mine(x, [0, 1]),
      /got 2 labels for a batch of 3/,
    );
    x.dispose();
  });
});
