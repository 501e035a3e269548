import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { applyDegrade } from "../../lib/eval/mod.ts";
import {
  degradeBatches,
  faceCropCacheDir,
  splitPeople,
  timedEvaluation,
} from "../../lib/real_faces/mod.ts";
import type { TrainBatch } from "../../lib/train/mod.ts";

await useTestBackend();

/** A loader of `n`-image batches whose image i is filled with i/n (so images are told apart). */
function ramp(n: number) {
  let served = 0;
  return {
    next: (): Promise<TrainBatch> => {
      served++;
      const images = tf.tidy(() =>
        tf.mul(tf.ones([n, 8, 8, 1]), tf.reshape(tf.linspace(-1, 1, n), [n, 1, 1, 1]))
      ) as tf.Tensor4D;
      // A colour image: the red channel differs from the others, so "grey" changes it.
      const coloured = tf.tidy(() => tf.concat([tf.neg(images), images, images], 3)) as tf.Tensor4D;
      images.dispose();
      return Promise.resolve({ images: coloured, labels: Array.from({ length: n }, (_, i) => i) });
    },
    state: () => served,
    restore: (s: never) => void (served = s as number),
  };
}

/** Which images of a batch differ from the clean batch. */
async function degradedRows(batch: TrainBatch, n: number): Promise<boolean[]> {
  const clean = (await ramp(n).next()).images;
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(batch.images, clean)), [1, 2, 3]));
  const d = await diff.data();
  tf.dispose([clean, diff]);
  return Array.from(d, (v) => v > 1e-6);
}

Deno.test("degradeBatches degrades round(fraction·n) images per batch, as applyDegrade does, seeded", async () => {
  await assertNoLeak(async () => {
    const n = 10;
    const loader = degradeBatches(ramp(n), "grey", { fraction: 0.3, seed: 4 });
    const b = (await loader.next())!;
    const rows = await degradedRows(b, n);
    assert.equal(rows.filter(Boolean).length, 3);
    // The degraded rows are exactly applyDegrade's output.
    const clean = (await ramp(n).next()).images;
    const ref = applyDegrade(clean, "grey");
    const [got, want] = [await b.images.data(), await ref.data()];
    const per = 8 * 8 * 3;
    rows.forEach((deg, i) => {
      if (!deg) return;
      for (let j = 0; j < per; j++) assert.equal(got[i * per + j], want[i * per + j]);
    });
    // Same seed, same choice; the state restores the position.
    const again = degradeBatches(ramp(n), "grey", { fraction: 0.3, seed: 4 });
    const b2 = (await again.next())!;
    assert.deepEqual(await degradedRows(b2, n), rows);
    const state = again.state!();
    const b3 = (await again.next())!;
    const resumed = degradeBatches(ramp(n), "grey", { fraction: 0.3, seed: 4 });
    resumed.restore!(state as never);
    const b4 = (await resumed.next())!;
    assert.deepEqual(await degradedRows(b4, n), await degradedRows(b3, n));
    tf.dispose([b.images, b2.images, b3.images, b4.images, clean, ref]);
  });
});

Deno.test("degradeBatches: fraction 0 leaves batches clean, 1 degrades every image; bad fraction named", async () => {
  await assertNoLeak(async () => {
    for (const [fraction, count] of [[0, 0], [1, 6]] as const) {
      const b = (await degradeBatches(ramp(6), "grey", { fraction }).next())!;
      assert.equal((await degradedRows(b, 6)).filter(Boolean).length, count);
      b.images.dispose();
    }
  });
  assert.throws(
    () => degradeBatches(ramp(2), "grey", { fraction: 1.5 }),
    /'fraction' must be in \[0, 1\], got 1.5/,
  );
  assert.throws(() => degradeBatches(ramp(2), "sepia"), /unknown degradation 'sepia'/);
});

Deno.test("splitPeople: no person in both parts, validation pairs only of validation people", () => {
  const ids = Array.from({ length: 30 }, (_, i) => `p${i}`);
  const ds = {
    root: "/crops",
    identities: ids,
    items: ids.flatMap((id, label) =>
      [1, 2, 3].map((k) => ({ path: `${id}/${id}_${k}.jpg`, identity: id, label }))
    ),
  };
  const s = splitPeople(ds, { validationFraction: 0.2, pairs: 40, seed: 3 });
  assert.equal(s.validation.identities.length, 6);
  assert.equal(s.train.identities.length, 24);
  const trainIds = new Set(s.train.identities);
  assert.ok(s.validation.identities.every((id) => !trainIds.has(id)));
  const valIds = new Set(s.validation.identities);
  assert.equal(s.validationPairs.length, 40);
  assert.equal(s.validationPairs.filter((p) => p.same).length, 20);
  for (const p of s.validationPairs) {
    const [a, b] = [p.a.split("/")[0], p.b.split("/")[0]];
    assert.ok(valIds.has(a) && valIds.has(b), `${p.a} ${p.b}`);
    assert.equal(a === b, p.same);
  }
  assert.throws(
    () => splitPeople(ds, { validationFraction: 1 }),
    /'validationFraction' must be in \(0, 1\), got 1/,
  );
});

Deno.test("faceCropCacheDir names the folder as the eval CLI's photo cache does", () => {
  // FNV-1a of "/x/lfw" (the eval CLI's hash8), then the size.
  assert.equal(faceCropCacheDir("/x/lfw", 96, "/c/"), "/c/lfw-4add1e26-96");
});

Deno.test("timedEvaluation measures at the end only when everyMinutes is 0; rejects negative minutes", async () => {
  const cb = timedEvaluation([], { everyMinutes: 0 });
  assert.equal(cb.last, undefined, "nothing measured yet");
  const ctx = {
    step: 3,
    epoch: 0,
    model: undefined as never,
    metrics: undefined as never,
    config: { steps: 3 },
  };
  assert.equal(await cb.onStep!(ctx), undefined);
  const v = await cb.onEnd!(ctx);
  assert.equal(cb.curve.length, 1);
  assert.equal(cb.curve[0].step, 3);
  assert.ok(v && typeof v.minutes === "number");
  assert.deepEqual(cb.last, {}, "the latest measurement's numbers (no sets: none)");
  assert.throws(
    () => timedEvaluation([], { everyMinutes: -1 }),
    /'everyMinutes' must be ≥ 0, got -1/,
  );
});
