import assert from "node:assert/strict";
import { outcomeVerdict } from "../../lib/atlas/outcome_verdict.ts";
import { summarizeCell } from "../../lib/atlas/atlas_cell.ts";

const outcome = (collapsed: boolean) => ({
  steps: 100,
  finalLoss: collapsed ? 4 : 2.5,
  accuracy: collapsed ? 0.5 : 0.8,
  dAp: collapsed ? 8.7e-4 : 0.6,
  dAn: collapsed ? 8.9e-4 : 1.2,
  collapsed,
  collapseStep: collapsed ? 30 : null,
  mechanism: collapsed ? "constant-output" : "none",
  diagnosis: "",
});

Deno.test("outcomeVerdict() carries a training cell's numbers and divides the loss by α", () => {
  const v = outcomeVerdict(outcome(true), { margin: 4 });
  assert.equal(v.outcome, "collapsed");
  assert.equal(v.mechanism, "constant-output");
  assert.equal(v.lossOverMargin, 1);
  assert.equal(v.stepsToCollapse, 30);
  assert.equal(v.dAp, 8.7e-4);
  const ok = outcomeVerdict(outcome(false), { margin: 4 });
  assert.equal(ok.outcome, "not-collapsed");
  assert.equal(ok.mechanism, "none");
  assert.equal(ok.lossOverMargin, 0.625);
});

Deno.test("outcomeVerdict() counts a NaN/Inf stop as a non-finite collapse at its step", () => {
  const v = outcomeVerdict({ diverged: "Training stopped at step 7: the loss is NaN/Inf" }, {
    margin: 4,
  });
  assert.equal(v.mechanism, "non-finite");
  assert.equal(v.stepsToCollapse, 7);
  const cell = summarizeCell({}, [1, 2, 3], [v, outcomeVerdict(outcome(false), { margin: 4 }), v]);
  assert.equal(cell.collapsed, 2);
  assert.equal(cell.mechanism, "non-finite");
  assert.equal(cell.lossOverMargin, 0.625); // the mean of the finite values only
});
