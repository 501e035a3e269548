import assert from "node:assert/strict";
import { outcomeVerdict } from "../../lib/atlas/outcome_verdict.ts";
import { problemSeeds, type SeededRun } from "../../lib/atlas/problem_seeds.ts";
import { latestAtlasRun } from "../../lib/atlas/nearest_collapsing.ts";

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

Deno.test("problemSeeds() points to the atlas's nearest collapsing cells when none of its seeds collapsed", async () => {
  const runs = seeds.map((s) => run("problem 1", s, false));
  const cell = (label: string, group: string, collapsed: number) => ({
    label,
    group,
    seeds,
    collapsed,
    collapseRate: collapsed / 5,
    collapseRateCi: [collapsed / 10, 1] as [number, number],
  });
  // the newest finished small-preset run is read; an unfinished run (no summary) is skipped
  const runsDir = await Deno.makeTempDir();
  try {
    assert.equal(await latestAtlasRun(runsDir), undefined);
    const write = async (name: string, preset: string, cells: unknown[]) => {
      await Deno.mkdir(`${runsDir}/collapse-atlas/${name}`, { recursive: true });
      await Deno.writeTextFile(
        `${runsDir}/collapse-atlas/${name}/summary.json`,
        JSON.stringify({ preset, cells }),
      );
    };
    await write("20260101-000000", "small", [
      cell("baseline", "baseline", 0),
      cell("adam lr 0.1", "lr-scaling", 5),
      cell("adam lr 0.01", "one-factor", 4),
      cell("margin 2", "one-factor", 1),
      cell("margin 4", "one-factor", 0),
    ]);
    await write("20260102-000000", "ci", [cell("baseline", "baseline", 1)]);
    await Deno.mkdir(`${runsDir}/collapse-atlas/20260103-000000`); // killed: no summary
    const atlas = await latestAtlasRun(runsDir);
    assert.equal(atlas?.preset, "small");
    const p = problemSeeds(runs, { reference: "problem 1", departures, atlas });
    assert.match(
      p.findings[2],
      /nearest settings that do collapse.*: adam lr 0\.01 \(4 of 5 seeds, 95% CI 40–100%\); margin 2 \(1 of 5 seeds, 95% CI 10–100%\); adam lr 0\.1 \(5 of 5 seeds/,
    );
    assert.doesNotMatch(p.findings[2], /margin 4|baseline \(/);
    // no atlas run: said so; an atlas where nothing collapsed: said so
    assert.match(
      problemSeeds(runs, { reference: "problem 1", departures }).findings[2],
      /No finished collapse-atlas run/,
    );
    const calm = { source: "x", preset: "small", cells: [cell("baseline", "baseline", 0)] };
    assert.match(
      problemSeeds(runs, { reference: "problem 1", departures, atlas: calm }).findings[2],
      /No cell of the collapse atlas \(small preset, x\) collapsed either/,
    );
  } finally {
    await Deno.remove(runsDir, { recursive: true });
  }
});
