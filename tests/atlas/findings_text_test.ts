import assert from "node:assert/strict";
import {
  atlasFindings,
  cellFinding,
  compareFinding,
  type RunVerdict,
  summarizeCell,
} from "../../lib/atlas/mod.ts";

function verdict(collapsed: boolean, over: Partial<RunVerdict> = {}): RunVerdict {
  return {
    outcome: collapsed ? "collapsed" : "learned",
    collapsed,
    mechanism: collapsed ? "dead-units" : "none",
    diagnosis: "",
    stepsToCollapse: collapsed ? 20 : null,
    steps: 100,
    finalLoss: collapsed ? 1 : 0.2,
    lossOverMargin: collapsed ? 1 : 0.2,
    tripletAccuracy: collapsed ? 0 : 0.9,
    dAp: collapsed ? 3.16e-4 : 0.6,
    dAn: collapsed ? 3.16e-4 : 1.3,
    heldOutAccuracy: collapsed ? 0.5 : 0.85,
    heldOutChance: 0.5,
    heldOutCi: null,
    ...over,
  };
}
const seeds = [1, 2, 3, 4, 5];
const cell = (k: number) =>
  summarizeCell(
    { k },
    seeds,
    seeds.map((_, i) => verdict(i < k, i < k ? { stepsToCollapse: 10 * (i + 1) } : {})),
  );

Deno.test("summarizeCell() counts collapses, gives the Wilson interval and the median steps", () => {
  const c = cell(3);
  assert.equal(c.collapsed, 3);
  assert.equal(c.collapseRate, 0.6);
  assert.deepEqual(c.collapseRateCi.map((v) => Number(v.toFixed(3))), [0.231, 0.882]);
  assert.equal(c.stepsToCollapse, 20);
  assert.equal(c.mechanism, "dead-units");
  assert.deepEqual(c.mechanisms, { "dead-units": 3, none: 2 });
  assert.deepEqual(c.outcomes, { collapsed: 3, learned: 2 });
  assert.ok(Math.abs(c.heldOutAccuracy - (3 * 0.5 + 2 * 0.85) / 5) < 1e-12);
});

Deno.test("cellFinding() follows the numbers: 5 of 5 collapsed vs none of 5", () => {
  const all = cellFinding(cell(5), "adam lr 0.1");
  const none = cellFinding(cell(0), "adam lr 0.1");
  assert.match(
    all,
    /^adam lr 0\.1: 5 of 5 seeds collapsed \(100%, 95% CI 57–100%\); mechanism dead-units, median 30 steps to collapse/,
  );
  assert.match(all, /held-out verification 0\.5 \(chance 0\.5, at chance\)/);
  assert.match(none, /^adam lr 0\.1: none of 5 seeds collapsed \(0%, 95% CI 0–43%\)/);
  assert.match(none, /held-out verification 0\.85 \(chance 0\.5, 0\.35 above\)/);
  assert.match(none, /of the 5 that did not collapse, 5 learned/);
  assert.doesNotMatch(none, /mechanism/);
});

Deno.test("compareFinding() reverses with reversed numbers and says when intervals overlap", () => {
  const up = compareFinding(cell(0), cell(5), { baseLabel: "lr 0.001", label: "lr 0.1" });
  const down = compareFinding(cell(5), cell(0), { baseLabel: "lr 0.001", label: "lr 0.1" });
  assert.match(up, /rose from 0% to 100% and the 95% intervals do not overlap/);
  assert.match(down, /fell from 100% to 0% and the 95% intervals do not overlap/);
  assert.match(up, /held-out verification 0\.85 → 0\.5/);
  assert.match(down, /held-out verification 0\.5 → 0\.85/);
  const close = compareFinding(cell(2), cell(3), { baseLabel: "a", label: "b" });
  assert.match(
    close,
    /rose from 40% to 60% but the 95% intervals overlap .* so 5 and 5 seeds do not separate them/,
  );
  assert.match(compareFinding(cell(2), cell(2), { baseLabel: "a", label: "b" }), /stayed at 40%/);
});

Deno.test("atlasFindings() headline names the highest and lowest cells from the data", () => {
  const cells = [cell(1), cell(4), cell(0)];
  const label = (c: { config: { k: number } }) => `cell k=${c.config.k}`;
  const text = atlasFindings(cells, { label, baseline: 0, neighbours: [1, 2] });
  assert.equal(text.length, 1 + 2 + 3 + 2);
  assert.equal(text[1], "Mechanisms of the collapsed runs: dead-units 5 (of 5).");
  assert.equal(
    text[2],
    "The baseline (cell k=1) collapsed in 1 of 5 seeds. Of its 2 one-factor changes, 1 collapsed " +
      "more often, none with a 95% interval clear of the baseline's (cell k=4 (4 of 5)); 1 " +
      "collapsed less often (cell k=0 (0 of 5), none with a 95% interval clear of the baseline's).",
  );
  // reversed numbers reverse the answer; intervals apart are called clear
  const rev = atlasFindings([cell(0), cell(5), cell(0)], {
    label,
    baseline: 0,
    neighbours: [1, 2],
  });
  assert.match(
    rev[2],
    /1 collapsed more often: clearly \(95% intervals apart\) cell k=5 \(5 of 5\); 0 collapsed less often\.$/,
  );
  assert.match(
    text[0],
    /^5 of 15 runs collapsed; 2 of 3 cells collapsed in at least one seed\. Highest collapse rate: cell k=4 \(80%/,
  );
  assert.match(text[0], /lowest: cell k=0 \(0%/);
  const tied = atlasFindings([cell(2), cell(0), cell(0)], { label })[0];
  assert.match(tied, /lowest: 0% in 2 cells \(cell k=0; cell k=0\)\.$/);
  assert.match(text[6], /^cell k=4 against cell k=1: the collapse rate rose from 20% to 80%/);
  assert.match(text[7], /^cell k=0 against cell k=1: the collapse rate fell from 20% to 0%/);
  assert.equal(
    atlasFindings([cell(0)], { label })[0],
    "No run collapsed: 0 of 5 runs over 1 cells.",
  );
});
