import assert from "node:assert/strict";
import { outcomeVerdict } from "../../lib/atlas/outcome_verdict.ts";
import { problemSeeds, type SeededRun } from "../../lib/atlas/problem_seeds.ts";

const run = (variant: string, seed: number, collapsed: boolean): SeededRun => ({
  variant,
  seed,
  verdict: outcomeVerdict({
    steps: 50,
    finalLoss: collapsed ? 1 : 0.4,
    accuracy: collapsed ? 0 : 0.8,
    dAp: collapsed ? 3.1622776e-4 : 0.5,
    dAn: collapsed ? 3.1622776e-4 : 1.1,
    collapsed,
    collapseStep: collapsed ? 10 + seed : null,
    mechanism: collapsed ? "overflow" : "none",
    diagnosis: "",
  }, { margin: 1 }),
});
const seeds = [1, 2, 3, 4, 5];
const departures = ["NN2 at width 0.125 and 32 px", "synthetic faces"];

Deno.test("problemSeeds() counts the collapsed seeds and lists their numbers", () => {
  const runs = [
    ...seeds.map((s) => run("problem 1", s, s <= 3)),
    ...seeds.map((s) => run("bigger margin", s, s === 1)),
  ];
  const p = problemSeeds(runs, { reference: "problem 1", departures });
  assert.equal(p.variants.length, 2);
  assert.equal(p.variants[0].collapsed, 3);
  assert.deepEqual(p.variants[0].collapsedRuns.map((r) => r.seed), [1, 2, 3]);
  assert.equal(p.variants[0].collapsedRuns[0].dAp, 3.1622776e-4);
  assert.match(p.findings[0], /^problem 1: 3 of 5 seeds collapsed \(60%, 95% CI 23–88%\)/);
  assert.match(
    p.findings[1],
    /^Collapsed runs of problem 1: seed 1 \(overflow from step 11: loss\/α 1, triplet accuracy 0, d_ap 3\.16e-4/,
  );
  assert.match(
    p.findings[3],
    /^bigger margin against problem 1: the collapse rate fell from 60% to 20%/,
  );
});

Deno.test("problemSeeds() says plainly when the closest configuration never collapsed, and names its departures", () => {
  const runs = seeds.map((s) => run("problem 1", s, false));
  const p = problemSeeds(runs, { reference: "problem 1", departures });
  assert.match(p.findings[0], /none of 5 seeds collapsed/);
  assert.match(
    p.findings[1],
    /did not collapse in any of its 5 seeds\. It departs from the monograph in: NN2 at width 0\.125 and 32 px; synthetic faces\./,
  );
  assert.equal(p.variants[0].collapsedRuns.length, 0);
  // reversed: every seed collapses, and the text follows
  const all = problemSeeds(seeds.map((s) => run("problem 1", s, true)), {
    reference: "problem 1",
    departures,
  });
  assert.match(all.findings[0], /5 of 5 seeds collapsed/);
  assert.doesNotMatch(all.findings.join(" "), /did not collapse/);
});
