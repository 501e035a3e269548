import assert from "node:assert/strict";
import { collapseWhy } from "../../lib/experiment/analysis/margin_sweep_analysis.ts";

type Outcome = Parameters<typeof collapseWhy>[0][number];
const outcome = (miner: string, collapsed: boolean, firstAccuracy: number): Outcome =>
  ({
    miner,
    margin: 1,
    variant: `${miner} α=1`,
    collapsed,
    history: [
      { accuracy: firstAccuracy, activeFraction: 1 },
      { accuracy: 0.5, activeFraction: collapsed ? 1 : 0.5 },
    ],
    geometry: { cosine: collapsed ? 0.999 : 0.2, normGrowth: collapsed ? 40 : 1.1, gradRatio: 1 },
  }) as unknown as Outcome;

Deno.test("margin-sweep's 'why' note states only mathematics as fixed text; its observations follow the run's numbers", () => {
  const a = collapseWhy([outcome("hardest", true, 0), outcome("semihard", false, 0.6)]);
  assert.match(a, /^Why \(mathematics\): a triplet whose hinge is active/);
  assert.match(a, /correctly ordered \(d_an > d_ap\) in a share 0 of them at the first step/);
  assert.match(a, /active hinge averaged 1 over training/);
  assert.match(
    a,
    /The 1 collapsed run's forensics: pre-L2 embedding norm grew ×40 .* cosine was 0\.999/,
  );
  // other numbers, other sentences; no collapse, no forensics sentence; no batch-hard, none about it
  const b = collapseWhy([outcome("hardest", false, 0.4)]);
  assert.match(b, /share 0\.4 of them at the first step/);
  assert.match(b, /averaged 0\.75 over training/);
  assert.doesNotMatch(b, /collapsed run/);
  assert.doesNotMatch(collapseWhy([outcome("semihard", true, 0.7)]), /batch-hard/);
});
