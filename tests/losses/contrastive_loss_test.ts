import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  allPairs,
  contrastiveLoss,
  createDistance,
  DISTANCE_NAMES,
  type DistanceName,
  hardestMiner,
  type Pairs,
  pairsFromTriplets,
} from "../../lib/losses/mod.ts";
import {
  assertClose,
  f32,
  finiteDifference,
  pkLabels,
  randomBatch,
  refDistance,
} from "./_reference.ts";

await useTestBackend();

const LABELS = pkLabels(4, 3);

function ref(rows: number[][], name: DistanceName, margin: number, p: Pairs): number[] {
  return Array.from(p.a, (a, i) => {
    const d = refDistance(name, rows[a], rows[p.b[i]]);
    return p.same[i] ? d * d : Math.max(0, margin - d) ** 2;
  });
}

for (const name of DISTANCE_NAMES) {
  Deno.test(`contrastiveLoss({distance: ${name}}) equals the reference per pair and its gradient finite differences`, async () => {
    await assertNoLeak(async () => {
      const rows = f32(randomBatch(12, 5, 51, true));
      const x = tf.tensor2d(rows);
      const loss = contrastiveLoss({ margin: 1.2, distance: createDistance(name) });
      const v = loss.compute(x, LABELS);
      const pairs = allPairs(LABELS);
      assertClose(await v.data(), ref(rows, name, 1.2, pairs), 1e-5, name);
      const g = tf.grad((t: tf.Tensor) => tf.sum(loss.compute(t as tf.Tensor2D, LABELS)))(x);
      const f = (r: number[][]) => ref(r, name, 1.2, pairs).reduce((s, e) => s + e, 0);
      assertClose(await g.data(), finiteDifference(f, rows).flat(), 5e-4, `${name} gradient`);
      tf.dispose([x, v, g]);
    });
  });
}

Deno.test("contrastiveLoss() takes mined triplets as their positive then negative pairs", async () => {
  await assertNoLeak(async () => {
    const rows = f32(randomBatch(12, 5, 52, true));
    const x = tf.tensor2d(rows);
    const t = await hardestMiner().mine(x, LABELS);
    const v = contrastiveLoss().compute(x, LABELS, t);
    assert.equal(v.size, 2 * t.anchors.length);
    assertClose(
      await v.data(),
      ref(rows, "euclidean", 1, pairsFromTriplets(t)),
      1e-5,
      "from triplets",
    );
    tf.dispose([x, v]);
  });
});

Deno.test("contrastiveLoss() rejects pairs whose same flag contradicts the labels", async () => {
  await assertNoLeak(() => {
    const x = tf.zeros([3, 2]) as tf.Tensor2D;
    const pairs = { a: Int32Array.of(0), b: Int32Array.of(2), same: Uint8Array.of(1) };
    assert.throws(
      () => contrastiveLoss().compute(x, [0, 0, 1], pairs),
      /pair 0 = \(0, 2\) has same=1 but labels 0 and 1/,
    );
    x.dispose();
  });
});
