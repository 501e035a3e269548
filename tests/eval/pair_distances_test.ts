import assert from "node:assert/strict";
import { pairDistances } from "../../lib/eval/mod.ts";

Deno.test("pairDistances() computes euclidean, squared euclidean and cosine distances", () => {
  const a = [[3, 0], [1, 1], [0, 0]];
  const b = [[0, 4], [2, 2], [0, 0]];
  assert.deepEqual(Array.from(pairDistances(a, b)), [5, Math.SQRT2, 0]);
  assert.deepEqual(Array.from(pairDistances(a, b, { distance: "squaredEuclidean" })), [25, 2, 0]);
  const c = pairDistances(a, b, { distance: "cosine" });
  assert.equal(c[0], 1);
  assert.ok(Math.abs(c[1]) < 1e-12);
  assert.equal(c[2], 1, "zero vectors count as maximally far, never NaN");
});

Deno.test("pairDistances() rejects rows of different lengths and unknown distances", () => {
  assert.throws(() => pairDistances([[1]], [[1, 2]]), /pair 0 has rows of length 1 and 2/);
  assert.throws(() => pairDistances([[1]], []), /1 first rows but 0 second rows/);
  assert.throws(
    () => pairDistances([[1]], [[1]], { distance: "manhattan" as "cosine" }),
    /unknown distance 'manhattan'/,
  );
});
