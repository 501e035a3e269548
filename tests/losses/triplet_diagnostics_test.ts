import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  allTriplets,
  euclidean,
  euclideanEps,
  hardestMiner,
  tripletDiagnostics,
} from "../../lib/losses/mod.ts";
import { assertClose, f32, pkLabels, randomBatch, refDistance } from "./_reference.ts";

await useTestBackend();

Deno.test("tripletDiagnostics() equals reference statistics on a random batch", async () => {
  await assertNoLeak(async () => {
    const rows = f32(randomBatch(12, 4, 29, true));
    const labels = pkLabels(4, 3);
    const t = allTriplets(labels);
    const x = tf.tensor2d(rows);
    const d = await tripletDiagnostics(x, labels, t, { distance: euclidean(), margin: 0.4 });
    const ap = Array.from(
      t.anchors,
      (a, i) => refDistance("euclidean", rows[a], rows[t.positives[i]]),
    );
    const an = Array.from(
      t.anchors,
      (a, i) => refDistance("euclidean", rows[a], rows[t.negatives[i]]),
    );
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    const std = (xs: number[]) => Math.sqrt(mean(xs.map((v) => (v - mean(xs)) ** 2)));
    assertClose(
      [d.dAp.mean, d.dAp.std, d.dAp.min, d.dAp.max],
      [mean(ap), std(ap), Math.min(...ap), Math.max(...ap)],
      1e-5,
      "dAp",
    );
    assertClose(
      [d.dAn.mean, d.dAn.std, d.dAn.min, d.dAn.max],
      [mean(an), std(an), Math.min(...an), Math.max(...an)],
      1e-5,
      "dAn",
    );
    assert.equal(d.accuracy, ap.filter((v, i) => v < an[i]).length / ap.length);
    assert.equal(d.activeFraction, ap.filter((v, i) => v - an[i] + 0.4 > 0).length / ap.length);
    const pairs: number[] = [];
    for (let i = 0; i < 12; i++) {
      for (let j = i + 1; j < 12; j++) pairs.push(refDistance("euclidean", rows[i], rows[j]));
    }
    const dimStd = mean([0, 1, 2, 3].map((k) => std(rows.map((r) => r[k]))));
    assertClose([d.spread.meanPairwise, d.spread.dimStd], [mean(pairs), dimStd], 1e-5, "spread");
    assert.equal(d.collapsed, false);
    assert.equal(d.triplets, t.anchors.length);
    x.dispose();
  });
});

Deno.test("tripletDiagnostics() at total collapse: accuracy 0 (ties are wrong), all active, collapsed", async () => {
  await assertNoLeak(async () => {
    const x = tf.tidy(() => tf.tile(tf.tensor2d([[0.6, 0.8, 0, 0]]), [8, 1])) as tf.Tensor2D;
    const labels = pkLabels(4, 2);
    const t = await hardestMiner({ distance: euclideanEps() }).mine(x, labels);
    const d = await tripletDiagnostics(x, labels, t, { distance: euclideanEps(), margin: 0.2 });
    const root = Math.fround(Math.sqrt(Math.fround(1e-7)));
    assert.deepEqual(d.dAp, { mean: root, std: 0, min: root, max: root });
    assert.deepEqual(d.dAn, { mean: root, std: 0, min: root, max: root });
    assert.equal(d.accuracy, 0);
    assert.equal(d.activeFraction, 1);
    assert.equal(d.spread.dimStd, 0);
    assert.equal(d.collapsed, true);
    x.dispose();
  });
});

Deno.test("tripletDiagnostics() flags collapse by its threshold on the per-dimension std", async () => {
  await assertNoLeak(async () => {
    const x = tf.tensor2d([[1, 0], [1.0005, 0], [1, 0.0005], [1, 0]]);
    const t = allTriplets([0, 0, 1, 1]);
    assert.equal((await tripletDiagnostics(x, [0, 0, 1, 1], t)).collapsed, true);
    assert.equal(
      (await tripletDiagnostics(x, [0, 0, 1, 1], t, { collapseThreshold: 1e-4 })).collapsed,
      false,
    );
    x.dispose();
  });
});
