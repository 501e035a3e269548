import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  allTriplets,
  createDistance,
  DISTANCE_NAMES,
  type DistanceName,
  euclideanEps,
  randomMiner,
  type TripletForm,
  tripletLoss,
} from "../../lib/losses/mod.ts";
import {
  assertClose,
  f32,
  finiteDifference,
  pkLabels,
  randomBatch,
  refDistance,
  refTripletForm,
} from "./_reference.ts";

await useTestBackend();

const FORMS: TripletForm[] = ["hinge", "nohinge", "squaredHinge", "softplus"];
const LABELS = pkLabels(4, 3);

async function mined(rows: number[][]) {
  const x = tf.tensor2d(rows);
  const t = await randomMiner({ seed: 5, count: 30 }).mine(x, LABELS);
  x.dispose();
  return t;
}

function refValues(
  rows: number[][],
  name: DistanceName,
  form: TripletForm,
  margin: number,
  t: ReturnType<typeof allTriplets>,
) {
  return Array.from(t.anchors, (a, i) =>
    refTripletForm(
      form,
      refDistance(name, rows[a], rows[t.positives[i]]),
      refDistance(name, rows[a], rows[t.negatives[i]]),
      margin,
    ));
}

for (const name of DISTANCE_NAMES) {
  for (const form of FORMS) {
    Deno.test(`tripletLoss({form: '${form}', distance: ${name}}) equals the reference loop per triplet to 1e-5`, async () => {
      await assertNoLeak(async () => {
        const rows = f32(randomBatch(12, 5, 17, true));
        const t = await mined(rows);
        const x = tf.tensor2d(rows);
        const v = tripletLoss({ form, margin: 0.3, distance: createDistance(name) }).compute(
          x,
          LABELS,
          t,
        );
        assert.deepEqual(v.shape, [30]);
        assertClose(await v.data(), refValues(rows, name, form, 0.3, t), 1e-5, `${name}/${form}`);
        tf.dispose([x, v]);
      });
    });

    Deno.test(`tripletLoss({form: '${form}', distance: ${name}}) has the finite-difference gradient`, async () => {
      await assertNoLeak(async () => {
        const rows = f32(randomBatch(12, 5, 18, true));
        const t = await mined(rows);
        const loss = tripletLoss({ form, margin: 0.3, distance: createDistance(name) });
        const x = tf.tensor2d(rows);
        const g = tf.grad((v: tf.Tensor) => tf.sum(loss.compute(v as tf.Tensor2D, LABELS, t)))(x);
        const ref = (r: number[][]) => refValues(r, name, form, 0.3, t).reduce((s, e) => s + e, 0);
        assertClose(
          await g.data(),
          finiteDifference(ref, rows).flat(),
          5e-4,
          `${name}/${form} gradient`,
        );
        tf.dispose([x, g]);
      });
    });
  }
}

Deno.test("tripletLoss() gradient also matches float32 finite differences of itself", async () => {
  await assertNoLeak(async () => {
    const rows = f32(randomBatch(8, 3, 19));
    const labels = pkLabels(4, 2);
    const loss = tripletLoss({ form: "softplus", distance: euclideanEps() });
    const f = (r: number[][]) =>
      tf.tidy(() => tf.sum(loss.compute(tf.tensor2d(r), labels)).dataSync()[0]);
    const x = tf.tensor2d(rows);
    const g = tf.grad((v: tf.Tensor) => tf.sum(loss.compute(v as tf.Tensor2D, labels)))(x);
    // Step 1e-2 in float32: truncation error O(h²) ≈ 1e-4, rounding error ≈ 1e-7·|f|/h.
    assertClose(
      await g.data(),
      finiteDifference(f, rows, 1e-2).flat(),
      1e-2,
      "float32 finite differences",
    );
    tf.dispose([x, g]);
  });
});

Deno.test("tripletLoss() without mined indices uses every valid triplet", async () => {
  await assertNoLeak(async () => {
    const rows = f32(randomBatch(9, 4, 23));
    const labels = pkLabels(3, 3);
    const x = tf.tensor2d(rows);
    const loss = tripletLoss();
    const all = loss.compute(x, labels);
    const explicit = loss.compute(x, labels, allTriplets(labels));
    assert.equal(all.size, 3 * 3 * 2 * 6);
    assert.deepEqual(Array.from(await all.data()), Array.from(await explicit.data()));
    tf.dispose([x, all, explicit]);
  });
});

for (const form of FORMS) {
  Deno.test(`tripletLoss({form: '${form}'}) per-triplet value at total collapse is exact`, async () => {
    await assertNoLeak(async () => {
      const x = tf.tidy(() => tf.tile(tf.tensor2d([[0.6, 0.8, 0]]), [6, 1])) as tf.Tensor2D;
      const vt = tripletLoss({ form, distance: euclideanEps(), margin: 0.2 }).compute(
        x,
        pkLabels(3, 2),
      );
      const v = await vt.data();
      const expected = {
        hinge: Math.fround(0.2),
        nohinge: 0,
        squaredHinge: Math.fround(0.2),
        softplus: Math.fround(Math.LN2),
      }[form];
      for (const e of v) assert.equal(e, expected);
      tf.dispose([x, vt]);
    });
  });
}

Deno.test("tripletLoss() rejects pairs, bad forms and out-of-range indices", async () => {
  assert.throws(() => tripletLoss({ form: "cubic" as never }), /unknown form 'cubic'/);
  await assertNoLeak(() => {
    const x = tf.zeros([4, 2]) as tf.Tensor2D;
    const loss = tripletLoss();
    const pairs = { a: Int32Array.of(0), b: Int32Array.of(1), same: Uint8Array.of(1) };
    assert.throws(() => loss.compute(x, [0, 0, 1, 1], pairs), /got Pairs, expected Triplets/);
    const bad = {
      anchors: Int32Array.of(0),
      positives: Int32Array.of(1),
      negatives: Int32Array.of(4),
    };
    assert.throws(
      () => loss.compute(x, [0, 0, 1, 1], bad),
      /negatives\[0\] = 4 is outside the batch \[0, 4\)/,
    );
    x.dispose();
  });
});
