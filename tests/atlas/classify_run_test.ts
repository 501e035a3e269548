import assert from "node:assert/strict";
import { classifyRun, type HeldOutAccuracy, type RunRecord } from "../../lib/atlas/mod.ts";

/** A run of `n` steps with the given final loss, accuracy and distances. */
function run(n: number, last: { loss: number; accuracy: number; d: [number, number] }): RunRecord {
  return {
    history: Array.from({ length: n }, (_, i) => ({
      step: i + 1,
      // early steps differ so the tail mean is checked
      loss: i < n - 5 ? 9 : last.loss,
      accuracy: i < n - 5 ? 0.3 : last.accuracy,
      dAp: { mean: i < n - 5 ? 7 : last.d[0] },
      dAn: { mean: i < n - 5 ? 7 : last.d[1] },
    })),
  };
}
const heldOut = (acc: number, lo: number): HeldOutAccuracy => ({
  accuracy: acc,
  chance: 0.5,
  pairs: 200,
  ci: [lo, acc + 0.05],
  aboveChance: lo > 0.5,
  nonFinite: false,
});

Deno.test("classifyRun() names a collapse from the forensics and reads the last fifth of the steps", () => {
  const sqrtEps = Math.sqrt(1e-7);
  const v = classifyRun({
    ...run(40, { loss: 1, accuracy: 0, d: [sqrtEps, sqrtEps] }),
    collapseStep: 17,
    diagnosis: { collapsed: true, mechanism: "dead-units", summary: "every unit of fc is dead" },
  }, { margin: 1, heldOut: heldOut(0.5, 0.43) });
  assert.equal(v.outcome, "collapsed");
  assert.equal(v.mechanism, "dead-units");
  assert.equal(v.stepsToCollapse, 17);
  assert.equal(v.steps, 40);
  assert.equal(v.lossOverMargin, 1);
  assert.equal(v.tripletAccuracy, 0);
  assert.equal(v.dAp, sqrtEps);
  assert.equal(v.heldOutAccuracy, 0.5);
});

Deno.test("classifyRun() separates 'learned' from 'not-learned' by the held-out interval", () => {
  const r = run(20, { loss: 0.2, accuracy: 0.8, d: [0.5, 1.2] });
  assert.equal(classifyRun(r, { margin: 0.5, heldOut: heldOut(0.8, 0.74) }).outcome, "learned");
  assert.equal(
    classifyRun(r, { margin: 0.5, heldOut: heldOut(0.53, 0.46) }).outcome,
    "not-learned",
  );
  assert.equal(classifyRun(r, { margin: 0.5 }).outcome, "not-collapsed");
  const v = classifyRun(r, { margin: 0.5 });
  assert.equal(v.mechanism, "none");
  assert.equal(v.lossOverMargin, 0.4);
});

Deno.test("classifyRun() calls a detected collapse without a forensics verdict 'undiagnosed'", () => {
  const r = { ...run(10, { loss: 4, accuracy: 0.5, d: [1e-6, 1e-6] }), collapseStep: 3 };
  assert.equal(classifyRun(r, { margin: 4 }).mechanism, "undiagnosed");
  const none = { ...r, diagnosis: { collapsed: true, mechanism: "none" as const, summary: "" } };
  assert.equal(classifyRun(none, { margin: 4 }).mechanism, "undiagnosed");
});

Deno.test("classifyRun() counts a NaN/Inf stop as a 'non-finite' collapse at its step", () => {
  const r = {
    ...run(8, { loss: 0.9, accuracy: 0.2, d: [1e-3, 1e-3] }),
    nonFinite: { step: 9, cause: "a square root at zero distance" },
  };
  const v = classifyRun(r, { margin: 1 });
  assert.equal(v.outcome, "collapsed");
  assert.equal(v.mechanism, "non-finite");
  assert.equal(v.stepsToCollapse, 9);
  assert.equal(v.steps, 9);
  assert.equal(v.diagnosis, "a square root at zero distance");
  const first = classifyRun({ history: [], nonFinite: { step: 1, cause: "x" } }, { margin: 1 });
  assert.ok(Number.isNaN(first.finalLoss) && first.mechanism === "non-finite");
});

Deno.test("classifyRun() rejects an empty run and a non-positive margin", () => {
  assert.throws(() => classifyRun({ history: [] }, { margin: 1 }), /the run has no steps/);
  assert.throws(
    () => classifyRun(run(3, { loss: 1, accuracy: 0, d: [0, 0] }), { margin: 0 }),
    /'margin' must be a positive number, got 0/,
  );
});
