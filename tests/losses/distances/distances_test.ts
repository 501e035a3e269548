import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../../_helpers/leak.ts";
import { createDistance, DISTANCE_NAMES, euclideanEps } from "../../../lib/losses/mod.ts";
import { assertClose, f32, finiteDifference, randomBatch, refDistance } from "../_reference.ts";

await useTestBackend();

for (const name of DISTANCE_NAMES) {
  Deno.test(`${name}().matrix() equals a naive float64 loop on a random batch to 1e-5`, async () => {
    await assertNoLeak(async () => {
      const rows = f32(randomBatch(9, 6, 11, name === "cosine"));
      const x = tf.tensor2d(rows);
      const m = createDistance(name).matrix(x);
      assert.deepEqual(m.shape, [9, 9]);
      const expected = rows.flatMap((a) => rows.map((b) => refDistance(name, a, b)));
      assertClose(await m.data(), expected, 1e-5, `${name} matrix`);
      tf.dispose([x, m]);
    });
  });

  Deno.test(`${name}().pairwise() equals a naive float64 loop row by row to 1e-5`, async () => {
    await assertNoLeak(async () => {
      const a = f32(randomBatch(7, 5, 21)), b = f32(randomBatch(7, 5, 22));
      const ta = tf.tensor2d(a), tb = tf.tensor2d(b);
      const d = createDistance(name).pairwise(ta, tb);
      assert.deepEqual(d.shape, [7]);
      assertClose(
        await d.data(),
        a.map((r, i) => refDistance(name, r, b[i])),
        1e-5,
        `${name} pairwise`,
      );
      tf.dispose([ta, tb, d]);
    });
  });

  Deno.test(`${name}().matrix() has the gradient of finite differences of the reference`, async () => {
    await assertNoLeak(async () => {
      const rows = f32(randomBatch(6, 4, 31));
      // A fixed random weighting of the matrix entries (off the diagonal) makes a scalar.
      const w = randomBatch(6, 6, 32).map((r, i) => r.map((v, j) => (i === j ? 0 : v)));
      const x = tf.tensor2d(rows), tw = tf.tensor2d(w);
      const dist = createDistance(name);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(dist.matrix(v as tf.Tensor2D), tw)))(x);
      const ref = (r: number[][]) => {
        let s = 0;
        for (let i = 0; i < r.length; i++) {
          for (let j = 0; j < r.length; j++) s += w[i][j] * refDistance(name, r[i], r[j]);
        }
        return s;
      };
      assertClose(await g.data(), finiteDifference(ref, rows).flat(), 2e-4, `${name} gradient`);
      tf.dispose([x, tw, g]);
    });
  });
}

Deno.test("every distance says smaller is closer, and createDistance() rejects unknown names", () => {
  for (const name of DISTANCE_NAMES) assert.equal(createDistance(name).smallerIsCloser, true);
  assert.throws(() => createDistance("manhattan" as never), /unknown distance 'manhattan'/);
  assert.throws(() => euclideanEps({ eps: -1 }), /'eps' must be a positive finite number, got -1/);
});

Deno.test("euclidean() gives NaN gradients where two rows coincide, euclideanEps() gives exact zeros", async () => {
  await assertNoLeak(async () => {
    const x = tf.tensor2d([[0.6, 0.8], [0.6, 0.8], [0, 1]]);
    const pick = tf.tensor2d([[0, 1, 0], [0, 0, 0], [0, 0, 0]]); // uses d(0,1) only
    const plain = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.mul(createDistance("euclidean").matrix(v as tf.Tensor2D), pick))
    )(x);
    const guarded = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.mul(euclideanEps().matrix(v as tf.Tensor2D), pick))
    )(x);
    const p = await plain.data(), e = await guarded.data();
    assert.ok(Number.isNaN(p[0]) && Number.isNaN(p[2]), `euclidean gradient at equal rows: ${p}`);
    assert.deepEqual(Array.from(e), [0, 0, 0, 0, 0, 0]);
    tf.dispose([x, pick, plain, guarded]);
  });
});

Deno.test("euclidean().matrix() keeps a finite gradient from its zero diagonal", async () => {
  await assertNoLeak(async () => {
    const x = tf.tensor2d(f32(randomBatch(5, 3, 41)));
    const g = tf.grad((v: tf.Tensor) =>
      tf.sum(createDistance("euclidean").matrix(v as tf.Tensor2D))
    )(x);
    assert.ok(Array.from(await g.data()).every(Number.isFinite));
    tf.dispose([x, g]);
  });
});

Deno.test("euclideanEps() reads exactly float32 √1e-7 = 3.1622776e-04 between equal rows", async () => {
  await assertNoLeak(async () => {
    const x = tf.tensor2d([[0.6, 0.8, 0], [0.6, 0.8, 0]]);
    const mt = euclideanEps().matrix(x);
    const m = await mt.data();
    const expected = Math.fround(Math.sqrt(Math.fround(1e-7)));
    for (const v of m) assert.equal(v, expected);
    assert.equal(m[1].toExponential(7), "3.1622776e-4");
    tf.dispose([x, mt]);
  });
});

Deno.test("distances reject a batch that is not [N,D] or pairs of different shapes", async () => {
  await assertNoLeak(() => {
    const x = tf.zeros([2, 2, 2]);
    const a = tf.zeros([2, 3]) as tf.Tensor2D, b = tf.zeros([3, 3]) as tf.Tensor2D;
    assert.throws(
      () => createDistance("euclidean").matrix(x as tf.Tensor2D),
      /rank-2 \[N,D\].*\[2,2,2\]/,
    );
    assert.throws(
      () => createDistance("cosine").pairwise(a, b),
      /same shape, got \[2,3\] and \[3,3\]/,
    );
    tf.dispose([x, a, b]);
  });
});
