import assert from "node:assert/strict";
import { identify } from "../../lib/eval/mod.ts";
import { createRng } from "../../lib/random/mod.ts";

Deno.test("identify() rank-1 and recall@k on a toy set (hand-computed, singleton not counted)", () => {
  const rows = [[0], [0.9], [0.5], [3], [100]];
  const labels = ["a", "a", "b", "b", "c"];
  const r = identify(rows, labels, { ks: [1, 2, 3] });
  // Query 0: b(0.5) before a(0.9) → rank 2; query 1: b(0.4) first → rank 2;
  // query 2: a, a, then b → rank 3; query 3: a(2.1) before b(2.5) → rank 2.
  assert.equal(r.queries, 4);
  assert.equal(r.gallery, 5);
  assert.equal(r.rank1, 0);
  assert.equal(r.recallAtK[1], 0);
  assert.equal(r.recallAtK[2], 0.75);
  assert.equal(r.recallAtK[3], 1);
});

Deno.test("identify() agrees with a naive sort-based reference", () => {
  const rng = createRng(4);
  const n = 60, dim = 12;
  const labels = Array.from({ length: n }, (_, i) => i % 12);
  const rows = labels.map((l) =>
    Array.from({ length: dim }, (_, k) => (k === l ? 2 : 0) + rng.normal())
  );
  for (const distance of ["euclidean", "cosine"] as const) {
    const r = identify(rows, labels, { ks: [1, 3, 7], distance });
    const dist = (a: number[], b: number[]) => {
      if (distance === "euclidean") return Math.hypot(...a.map((v, i) => v - b[i]));
      const dot = a.reduce((s, v, i) => s + v * b[i], 0);
      return 1 - dot / (Math.hypot(...a) * Math.hypot(...b));
    };
    const hits: Record<number, number> = { 1: 0, 3: 0, 7: 0 };
    for (let q = 0; q < n; q++) {
      const order = rows.map((_, j) => j).filter((j) => j !== q)
        .sort((a, b) => dist(rows[q], rows[a]) - dist(rows[q], rows[b]) || a - b);
      for (const k of [1, 3, 7]) {
        if (order.slice(0, k).some((j) => labels[j] === labels[q])) hits[k]++;
      }
    }
    assert.equal(r.rank1, hits[1] / n, distance);
    assert.equal(r.recallAtK[3], hits[3] / n, distance);
    assert.equal(r.recallAtK[7], hits[7] / n, distance);
    assert.ok(r.rank1 > 0.1 && r.rank1 < 1, `${distance} rank1 ${r.rank1} is informative`);
  }
});

Deno.test("identify() rejects mismatched lengths", () => {
  assert.throws(() => identify([[0], [1]], [0]), /differ in length \(2 vs 1\)/);
  assert.throws(() => identify([[0], [1, 2]], [0, 0]), /embeddings\[1\] has length 2, expected 1/);
  assert.throws(() => identify([[0]], [0], { ks: [0] }), /got 0/);
});
