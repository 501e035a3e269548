import assert from "node:assert/strict";
import { verifyPairs } from "../../lib/eval/mod.ts";
import { createRng } from "../../lib/random/mod.ts";

const close = (a: number, b: number, what: string, eps = 1e-9) =>
  assert.ok(Math.abs(a - b) < eps, `${what}: ${a} vs ${b}`);

Deno.test("verifyPairs() chooses each fold's threshold on the other folds (hand-computed, 2 folds)", () => {
  // Fold A is separable at 0.25; fold B is not. Contiguous split: A = pairs 0–3, B = pairs 4–7.
  const d = [0.1, 0.2, 0.3, 0.4, 0.15, 0.5, 0.35, 0.6];
  const same = [1, 1, 0, 0, 1, 1, 0, 0];
  const r = verifyPairs(d, same, { folds: 2, split: "contiguous" });
  // Test A with B's best threshold 0.25 (median of the tied 0.25 and 0.55): 4/4.
  // Test B with A's best threshold 0.25: 0.5 (same) is rejected: 3/4.
  close(r.perFold[0].threshold, 0.25, "fold 0 threshold");
  close(r.perFold[1].threshold, 0.25, "fold 1 threshold");
  assert.equal(r.perFold[0].accuracy, 1);
  assert.equal(r.perFold[1].accuracy, 0.75);
  close(r.accuracy, 0.875, "accuracy");
  close(r.accuracyStd, 0.125, "accuracyStd");
  assert.equal(r.pairs, 8);
  assert.equal(r.same, 4);
  assert.equal(r.different, 4);
});

const VAL_CASE = {
  // fold A: same 1,2,3,4; different 3.5,5,6,7 — fold B: same 1.5,2.5,4.5,6.5; different 3,5.5,8,9
  d: [1, 2, 3, 4, 3.5, 5, 6, 7, 1.5, 2.5, 4.5, 6.5, 3, 5.5, 8, 9],
  same: [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0],
};

Deno.test("verifyPairs() VAL@FAR uses the training folds' threshold at the target FAR (hand-computed)", () => {
  const r = verifyPairs(VAL_CASE.d, VAL_CASE.same, { folds: 2, split: "contiguous", far: 0.25 });
  // Train B: FAR ≤ 0.25 up to the midpoint 5.0 → test A: VAL 4/4, FAR 1/4.
  // Train A: FAR ≤ 0.25 up to 4.5 → test B: VAL 2/4, FAR 1/4.
  close(r.perFold[0].valThreshold, 5, "fold 0 VAL threshold");
  close(r.perFold[1].valThreshold, 4.5, "fold 1 VAL threshold");
  close(r.valAtFar.val, 0.75, "val");
  close(r.valAtFar.valStd, 0.25, "valStd");
  close(r.valAtFar.farAchieved, 0.25, "farAchieved");
  assert.equal(r.valAtFar.far, 0.25);
  assert.equal(r.valAtFar.reached, true);
  close(r.valAtFar.threshold, 4.75, "threshold");
});

Deno.test("verifyPairs() interpolates the VAL threshold between FAR levels and says the target was not reached", () => {
  const r = verifyPairs(VAL_CASE.d, VAL_CASE.same, { folds: 2, split: "contiguous", far: 0.125 });
  // Train B: FAR 0 at 2.75, 0.25 at 3.75 → halfway 3.25 → test A: VAL 3/4, FAR 0.
  // Train A: FAR 0 at 3.25, 0.25 at 3.75 → 3.5 → test B: VAL 2/4, FAR 1/4.
  close(r.perFold[0].valThreshold, 3.25, "fold 0 VAL threshold");
  close(r.perFold[1].valThreshold, 3.5, "fold 1 VAL threshold");
  close(r.valAtFar.val, 0.625, "val");
  close(r.valAtFar.farAchieved, 0.125, "farAchieved");
  assert.equal(r.valAtFar.reached, false);
  assert.equal(r.valAtFar.resolution, 0.25);
  assert.ok(r.valAtFar.threshold > 0, "no threshold of 0 is substituted");
});

Deno.test("verifyPairs() of a degenerate model (all distances equal) gives accuracy 0.5 without crashing", () => {
  const n = 1000;
  const d = new Array(n).fill(Math.sqrt(1e-7));
  const same = d.map((_, i) => i < n / 2);
  const r = verifyPairs(d, same, { folds: 10, seed: 3 });
  assert.equal(r.accuracy, 0.5);
  assert.equal(r.accuracyStd, 0);
  assert.equal(r.auc, 0.5);
  assert.equal(r.eer, 0.5);
  assert.equal(r.valAtFar.reached, false);
  assert.equal(r.valAtFar.val, 0, "VAL at FAR 1e-3 of a constant model accepts nothing");
  assert.equal(r.valAtFar.farAchieved, 0);
  for (const v of [r.threshold, r.valAtFar.threshold, r.valAtFar.resolution]) {
    assert.ok(Number.isFinite(v), `finite ${v}`);
  }
  assert.equal(r.valAtFar.resolution, 1);
});

Deno.test("verifyPairs() of a perfect separator has accuracy 1, AUC 1, EER 0 and VAL 1", () => {
  const rng = createRng(5);
  const n = 4000;
  const same = Array.from({ length: n }, (_, i) => i % 2 === 0);
  const d = same.map((s) => (s ? rng.next() : 2 + rng.next()));
  const r = verifyPairs(d, same, { folds: 10, far: 1e-3, seed: 1 });
  assert.equal(r.accuracy, 1);
  assert.equal(r.auc, 1);
  assert.equal(r.aucStd, 0);
  assert.equal(r.eer, 0);
  assert.equal(r.roc.auc, 1);
  // 1800 different pairs per training set: FAR 1e-3 is measurable.
  assert.equal(r.valAtFar.reached, true);
  assert.equal(r.valAtFar.val, 1);
  assert.ok(r.valAtFar.farAchieved <= 2e-3, `far ${r.valAtFar.farAchieved}`);
});

Deno.test("verifyPairs() stratified folds are balanced and the seed only reorders them", () => {
  const rng = createRng(9);
  const n = 600;
  const same = Array.from({ length: n }, (_, i) => i < 300); // all same pairs first, as pairsDevTest
  const d = same.map((s) => rng.normal() * 0.3 + (s ? 0.8 : 1.4));
  const a = verifyPairs(d, same, { seed: 1 });
  const b = verifyPairs(d, same, { seed: 1 });
  const c = verifyPairs(d, same, { seed: 2 });
  assert.deepEqual(a, b);
  for (const f of a.perFold) assert.equal(f.pairs, 60);
  assert.ok(Math.abs(a.accuracy - c.accuracy) < 0.03, `${a.accuracy} vs ${c.accuracy}`);
  assert.ok(a.accuracy > 0.8 && a.accuracy < 0.97, `accuracy ${a.accuracy}`);
  assert.ok(a.auc > 0.85 && a.auc < 1, `auc ${a.auc}`);
});

Deno.test("verifyPairs() rejects bad input with messages that name the value", () => {
  assert.throws(() => verifyPairs([1, 2], [1], {}), /differ in length \(2 vs 1\)/);
  assert.throws(() => verifyPairs([1, NaN, 1, 1], [1, 1, 0, 0]), /distances\[1\].*NaN/);
  assert.throws(() => verifyPairs([1, 2, 3, 4], [1, 1, 0, 0], { folds: 1 }), /'folds'.*got 1/);
  assert.throws(() => verifyPairs([1, 2, 3, 4], [1, 1, 0, 0], { far: 0 }), /'far'.*got 0/);
  assert.throws(() => verifyPairs([1, 2, 3, 4], [1, 1, 1, 0], { folds: 2 }), /1 different/);
  assert.throws(() => verifyPairs([1, 2, 3, 4], [1, 2, 0, 0], { folds: 2 }), /same\[1\].*got 2/);
  assert.throws(
    () => verifyPairs([1, 2, 3, 4], [1, 1, 0, 0], { folds: 2, split: "contiguous" }),
    /fold 0 hold 0 same/,
  );
});
