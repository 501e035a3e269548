import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { projectSettings } from "../../lib/experiment/analysis/mod.ts";
import { epochTime } from "../../experiments/epoch_time.ts";
import { assertBehaviourUnchanged } from "./_behaviour.ts";

Deno.test("epoch-time (ci) projects both monograph settings from measured step times", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir();
  try {
    const r = await assertNoLeak(() =>
      runExperiment(epochTime, { preset: "ci", outDir, print: () => {}, progress: "silent" })
    );
    assertBehaviourUnchanged("epoch-time", r.summary);
    const c = epochTime.presets.ci;
    const measured = r.summary.measured;
    const trunk = measured.trunkWay, pk = measured.pkWay;
    for (const w of [trunk, pk]) {
      assert.equal(w.steps, c.steps);
      assert.ok(w.stepSec > 0 && w.gradSec > 0 && w.gradSec <= w.stepSec, JSON.stringify(w));
    }
    // The projections follow from the measured times (not from constants).
    const areaScale = (c.targetSize / c.size) ** 2;
    const perTriplet = (trunk.gradSec / trunk.unitsPerStep) * areaScale;
    const proj = r.summary.projections as Record<string, Record<string, number>>;
    assert.deepEqual(Object.keys(proj), c.settingNames);
    c.settingNames.forEach((name, i) => {
      const p = proj[name];
      const expected = c.photos[i] * perTriplet;
      assert.ok(Math.abs(p.epochSec - expected) / expected < 1e-3, `${name}: ${p.epochSec}`);
      assert.ok(
        Math.abs(p.epochRatioVsMonograph - p.epochSec / c.monographEpochSeconds[i]) /
            p.epochRatioVsMonograph < 1e-3,
      );
      assert.ok(p.pkSemihardEpochSec > 0 && p.imagesPerSec > 0);
    });
    assert.match(r.summary.dominates as string, /forward\+backward dominates: \d+%/);
    // The logged per-step times are what was averaged.
    const logged = (await Deno.readTextFile(`${r.dir}/metrics.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    const trunkSteps = logged.filter((l) => l.way === "triplet-model").slice(c.warmupSteps);
    const meanGrad = trunkSteps.reduce((a, l) => a + l.gradMs, 0) / trunkSteps.length / 1000;
    assert.ok(Math.abs(meanGrad - trunk.gradSec) < 1e-9);
    assert.equal(r.figures?.length, 2);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("projectSettings() scales per-triplet time to trunks and epochs and checks setting lengths", () => {
  const trunk = { steps: 2, unitsPerStep: 4, stepSec: 10, gradSec: 8, otherSec: 2 };
  const pk = { steps: 2, unitsPerStep: 8, stepSec: 4, gradSec: 3, otherSec: 1 };
  const settings = {
    settingNames: ["s"],
    persons: [10],
    photos: [1000],
    trunks: [100],
    batches: [10],
    monographEpochSeconds: [500],
    monographTrunkSeconds: [50],
  };
  const [s] = projectSettings(trunk, pk, settings, { areaScale: 2 });
  // 2 s a triplet × area 2 = 4 s; batch 10 → 40 s a step; trunk 100 → 400 s; 10 trunks → 4000 s.
  assert.equal(s.stepSec, 40);
  assert.equal(s.trunkSec, 400);
  assert.equal(s.epochSec, 4000);
  assert.equal(s.epochRatio, 8);
  assert.equal(s.trunkRatio, 8);
  assert.equal(s.imagesPerSec, 30 / 40);
  assert.equal(s.pkEpochSec, 1000 * 0.5 * 2);
  assert.throws(
    () => projectSettings(trunk, pk, { ...settings, photos: [1, 2] }, { areaScale: 1 }),
    /'photos' has 2 values, expected 1/,
  );
});
