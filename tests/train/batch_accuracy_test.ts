import assert from "node:assert/strict";
import { createRng } from "../../lib/random/mod.ts";
import { batchTripletAccuracy } from "../../lib/train/batch_accuracy.ts";

Deno.test("batchTripletAccuracy() equals the naive count over all valid triplets, ties counting wrong", () => {
  const rng = createRng(9);
  const n = 24;
  const labels = Array.from({ length: n }, (_, i) => i % 5);
  const d = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) d[i * n + j] = d[j * n + i] = Math.round(rng.next() * 8);
  }
  let right = 0, total = 0;
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < n; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      for (let q = 0; q < n; q++) {
        if (labels[q] === labels[a]) continue;
        total++;
        if (d[a * n + q] > d[a * n + p]) right++;
      }
    }
  }
  assert.equal(batchTripletAccuracy(d, labels), right / total);
  assert.equal(batchTripletAccuracy(new Float32Array(9), [0, 0, 1]), 0); // collapse: all ties
  assert.throws(() => batchTripletAccuracy([0], [0, 1]), /expected 2×2/);
});
