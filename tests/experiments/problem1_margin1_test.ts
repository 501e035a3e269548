import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { PRESETS, runExperiment } from "../../lib/experiment/mod.ts";
import { wilsonInterval } from "../../lib/atlas/mod.ts";
import { problem1Margin1 } from "../../experiments/problem1_margin1.ts";

Deno.test("problem1-margin1: every preset is NN2-family at lr ≤ 1, with ≥ 5 seeds outside ci", () => {
  for (const preset of PRESETS) {
    const c = problem1Margin1.presets[preset];
    assert.ok(["nn2", "nn3", "nn4"].includes(c.model), `${preset}: model ${c.model}`);
    assert.ok(c.lr <= 1 && c.smallerLr < c.lr, `${preset}: lr ${c.lr}, smallerLr ${c.smallerLr}`);
    assert.equal(c.distance, "euclideanEps");
    assert.equal(c.margin, 1);
    if (preset !== "ci") assert.ok(c.seeds >= 5, `${preset}: ${c.seeds} seeds`);
  }
});

Deno.test("problem1-margin1 (ci) tallies each variant over its seeds and words the count it measured", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir();
  try {
    const r = await assertNoLeak(() =>
      runExperiment(problem1Margin1, { preset: "ci", outDir, print: () => {}, progress: "silent" })
    );
    const s = r.summary;
    const n = problem1Margin1.presets.ci.seeds;
    assert.deepEqual(s.seeds.map((v) => v.variant), [
      "problem 1",
      "smaller batch",
      "smaller learning rate",
      "bigger margin",
    ]);
    for (const v of s.seeds) {
      assert.deepEqual(v.seeds, Array.from({ length: n }, (_, i) => i + 1));
      assert.equal(v.collapsed, v.collapsedRuns.length);
      assert.deepEqual(v.collapseRateCi, wilsonInterval(v.collapsed, n));
    }
    const ref = s.seeds[0];
    const seeds = `${n} seed${n === 1 ? "" : "s"}`;
    const count = ref.collapsed === 0
      ? `none of ${seeds} collapsed`
      : `${ref.collapsed} of ${seeds} collapsed`;
    assert.ok(s.findings[0].startsWith(`problem 1: ${count}`), s.findings[0]);
    if (ref.collapsed === 0) {
      // said plainly, with the departures from the monograph
      assert.match(
        s.findings[1],
        /did not collapse in its one seed\. It departs from the monograph in: nn2 at width 0\.125 and 32 px/,
      );
      assert.equal(s.collapsed, false);
      // and points to the atlas's collapsing cells; this run's fresh out dir holds no atlas run
      assert.match(s.findings[2], /^No finished collapse-atlas run was found/);
    } else {
      assert.match(s.findings[1], /^Collapsed runs of problem 1: seed \d/);
    }
    // every variant's held-out verification (pairs of identities never trained on) against chance,
    // in its numbers and in its finding
    for (const v of s.seeds) {
      if (!Number.isFinite(v.heldOutAccuracy)) continue; // every seed stopped on NaN/Inf
      assert.equal(v.heldOutChance, 0.5, v.variant);
      const finding = s.findings.find((f) => f.startsWith(`${v.variant}: `))!;
      assert.match(finding, /held-out verification [\d.]+ \(chance 0\.5, /, v.variant);
      const learned = v.outcomes.learned ?? 0, notLearned = v.outcomes["not-learned"] ?? 0;
      assert.equal(learned + notLearned + v.collapsed, v.seeds.length, v.variant);
    }
    assert.ok(s.heldOut.length >= 1 && s.heldOut.every((h) => / chance \(0\.5\)$/.test(h)));
    // a fix can only be credited with fixing a collapse that happened (seed 1's runs), and only
    // when it learned something: its held-out interval above chance
    for (const f of Object.values(s.fixes)) {
      if (!f.before.collapsed) assert.equal(f.fixed, false);
      if (f.after.heldOutStanding !== "above") assert.equal(f.fixed, false);
    }
    assert.equal(s.fixedBy.length, Object.values(s.fixes).filter((f) => f.fixed).length);
    // the monograph's 3.1622776e-4 read both ways (item 4 of issue 12)
    assert.match(s.monographReadings[0], /exactly √ε/);
    assert.match(s.monographReadings[1], /can output it/);
    const saved = JSON.parse(await Deno.readTextFile(`${r.dir}/summary.json`));
    assert.deepEqual(saved.findings, s.findings);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
