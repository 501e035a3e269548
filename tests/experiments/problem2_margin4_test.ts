import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { PRESETS, runExperiment } from "../../lib/experiment/mod.ts";
import { wilsonInterval } from "../../lib/atlas/mod.ts";
import { problem2Margin4 } from "../../experiments/problem2_margin4.ts";

Deno.test("problem2-margin4: every preset is NN2-family at lr ≤ 1, with ≥ 5 seeds outside ci", () => {
  for (const preset of PRESETS) {
    const c = problem2Margin4.presets[preset];
    assert.ok(["nn2", "nn3", "nn4"].includes(c.model), `${preset}: model ${c.model}`);
    assert.ok(c.lr <= 1, `${preset}: lr ${c.lr}`);
    assert.equal(c.distance, "euclidean");
    assert.equal(c.margin, 4);
    if (preset !== "ci") assert.ok(c.seeds >= 5, `${preset}: ${c.seeds} seeds`);
  }
});

Deno.test("problem2-margin4 (ci) tallies each variant over its seeds and words the count it measured", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir();
  try {
    const r = await assertNoLeak(() =>
      runExperiment(problem2Margin4, { preset: "ci", outDir, print: () => {}, progress: "silent" })
    );
    const s = r.summary;
    const n = problem2Margin4.presets.ci.seeds;
    assert.deepEqual(s.seeds.map((v) => v.variant), [
      "problem 2",
      "batch norm",
      "max pooling",
      "no final L2",
    ]);
    for (const v of s.seeds) {
      assert.deepEqual(v.seeds, Array.from({ length: n }, (_, i) => i + 1));
      assert.equal(v.collapsed, v.collapsedRuns.length);
      assert.deepEqual(v.collapseRateCi, wilsonInterval(v.collapsed, n));
      // a NaN/Inf stop counts as a collapse named "non-finite"
      for (const c of v.collapsedRuns) assert.notEqual(c.mechanism, "none");
    }
    const ref = s.seeds[0];
    const seeds = `${n} seed${n === 1 ? "" : "s"}`;
    const count = ref.collapsed === 0
      ? `none of ${seeds} collapsed`
      : `${ref.collapsed} of ${seeds} collapsed`;
    assert.ok(s.findings[0].startsWith(`problem 2: ${count}`), s.findings[0]);
    if (ref.collapsed === 0) {
      assert.match(
        s.findings[1],
        /did not collapse in its one seed\. It departs from the monograph in: nn2 at width 0\.125 and 32 px/,
      );
      // and points to the atlas's collapsing cells; this run's fresh out dir holds no atlas run
      assert.match(s.findings[2], /^No finished collapse-atlas run was found/);
    } else {
      assert.match(s.findings[1], /^Collapsed runs of problem 2: seed \d/);
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
    for (const f of Object.values(s.fixes)) {
      if (!f.before.collapsed) assert.equal(f.fixed, false);
      // a fix must have learned something: its held-out interval above chance
      if ("diverged" in f.after || f.after.heldOutStanding !== "above") {
        assert.equal(f.fixed, false);
      }
    }
    // the monograph's ~7.6e-7 read both ways: as d it cannot come from √max(d², ε)
    assert.match(s.monographReadings[0], /cannot output it/);
    assert.match(s.monographReadings[1], /can output it/);
    const saved = JSON.parse(await Deno.readTextFile(`${r.dir}/summary.json`));
    assert.deepEqual(saved.findings, s.findings);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
