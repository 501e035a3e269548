import assert from "node:assert/strict";
import { rocCurve, thresholdSweep } from "../../lib/eval/mod.ts";
import { createRng } from "../../lib/random/mod.ts";

Deno.test("rocCurve() AUC equals the Mann–Whitney count with ties as halves", () => {
  const roc = rocCurve([1, 2, 3, 2.5, 4, 5, 6], [1, 1, 1, 0, 0, 0, 0]);
  assert.equal(roc.auc, 11 / 12);
  const rng = createRng(2);
  const d = Array.from({ length: 200 }, () => Math.round(rng.next() * 20) / 4); // many ties
  const same = d.map(() => rng.next() < 0.5);
  let wins = 0, total = 0;
  for (let i = 0; i < d.length; i++) {
    for (let j = 0; j < d.length; j++) {
      if (!same[i] || same[j]) continue;
      total++;
      wins += d[i] < d[j] ? 1 : d[i] === d[j] ? 0.5 : 0;
    }
  }
  assert.ok(Math.abs(rocCurve(d, same).auc - wins / total) < 1e-12);
});

Deno.test("rocCurve() of a perfect separator has AUC 1 and EER 0", () => {
  const roc = rocCurve([0.1, 0.2, 0.3, 0.7, 0.8], [true, true, true, false, false]);
  assert.equal(roc.auc, 1);
  assert.equal(roc.eer, 0);
  assert.ok(roc.eerThreshold > 0.3 && roc.eerThreshold < 0.7);
});

Deno.test("rocCurve() EER is interpolated where false rejects equal false accepts (hand-computed)", () => {
  // same 1,2,3; different 2.5,4,5,6: FRR 1/3 → 0 while FAR stays 1/4 between thresholds 2.75 and 3.5.
  const roc = rocCurve([1, 2, 3, 2.5, 4, 5, 6], [1, 1, 1, 0, 0, 0, 0]);
  assert.ok(Math.abs(roc.eer - 0.25) < 1e-12, `eer ${roc.eer}`);
  assert.ok(Math.abs(roc.eerThreshold - 2.9375) < 1e-12, `threshold ${roc.eerThreshold}`);
});

Deno.test("rocCurve() of equal distances is the diagonal: AUC 0.5, EER 0.5", () => {
  const roc = rocCurve([3, 3, 3, 3], [1, 0, 1, 0]);
  assert.deepEqual(roc.fpr, [0, 1]);
  assert.deepEqual(roc.tpr, [0, 1]);
  assert.equal(roc.auc, 0.5);
  assert.equal(roc.eer, 0.5);
});

Deno.test("thresholdSweep() puts thresholds between distinct distances so ties move together", () => {
  const s = thresholdSweep([1, 2, 2, 4], [true, true, false, false]);
  assert.deepEqual(Array.from(s.thresholds), [0.5, 1.5, 3, 5]);
  assert.deepEqual(Array.from(s.truePositives), [0, 1, 2, 2]);
  assert.deepEqual(Array.from(s.falsePositives), [0, 0, 1, 2]);
});
