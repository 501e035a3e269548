import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { wilsonInterval } from "../../lib/atlas/mod.ts";
import type { AtlasRun } from "../../experiments/collapse_atlas.ts";
import {
  analyseScaleCheck,
  atlasScaleCheck,
  parseScale,
} from "../../experiments/atlas_scale_check.ts";

const quiet = { print: () => {}, progress: "silent" as const };

Deno.test("atlas-scale-check (ci): one cell per scale × learning rate, same seeds at every scale, a sentence per cell", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir({ prefix: "atlas_scale_check_test_" });
  try {
    const r = await assertNoLeak(() =>
      runExperiment(atlasScaleCheck, { preset: "ci", outDir, ...quiet })
    );
    const c = atlasScaleCheck.presets.ci;
    const s = r.summary;
    assert.equal(s.cells.length, c.scales.length * c.lrs.length);
    assert.equal(s.reference, c.scales[0]);
    for (const cell of s.cells) {
      assert.equal(cell.seeds.length, c.seeds);
      assert.deepEqual(cell.collapseRateCi, wilsonInterval(cell.collapsed, cell.seeds.length));
      assert.ok(cell.heldOutAccuracy >= 0 && cell.heldOutAccuracy <= 1);
      assert.ok(s.findings.some((f) => f.includes(cell.label)), `no sentence names ${cell.label}`);
    }
    assert.deepEqual(s.agreement.map((a) => a.lr), c.lrs);
    assert.ok(await Deno.stat(`${r.dir}/report.html`));
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

function run(collapsed: boolean): AtlasRun {
  return {
    outcome: collapsed ? "collapsed" : "learned",
    collapsed,
    mechanism: collapsed ? "dead-units" : "none",
    diagnosis: "",
    stepsToCollapse: collapsed ? 7 : null,
    steps: 20,
    finalLoss: collapsed ? 1 : 0.3,
    lossOverMargin: collapsed ? 1 : 0.3,
    tripletAccuracy: collapsed ? 0 : 0.9,
    dAp: 0.1,
    dAn: 0.5,
    heldOutAccuracy: collapsed ? 0.5 : 0.8,
    heldOutChance: 0.5,
    heldOutCi: [0.4, 0.6],
    label: "x",
    group: "run",
    lossCurve: [],
    heldOutPairs: 100,
    seconds: 1,
  } as AtlasRun;
}

Deno.test("atlas-scale-check: the verdict and the sentences follow the numbers (agreeing and reversed outcomes)", () => {
  const config = {
    ...atlasScaleCheck.presets.small,
    seeds: 5,
    scales: ["0.125@32", "1@96"],
    lrs: [0.1],
  };
  const outcomes = (refCollapses: boolean, bigCollapses: boolean) =>
    config.scales.flatMap((scale, i) =>
      [1, 2, 3, 4, 5].map((seed) => ({
        config: { ...config, scales: [scale], lr: 0.1, seed },
        result: run(i === 0 ? refCollapses : bigCollapses),
      }))
    );
  const same = analyseScaleCheck(outcomes(true, true), config).summary;
  assert.equal(same.agreement[0].agrees, true);
  assert.match(same.findings[0], /show no change of behaviour with scale/);
  assert.ok(same.findings.some((f) => f.includes("5 of 5 seeds collapsed")));
  assert.ok(!same.findings.some((f) => /mechanism changes with scale/.test(f)));
  // the same rate by another mechanism is said
  const other = analyseScaleCheck(
    outcomes(true, true).map((o, i) =>
      i < 5 ? o : { ...o, result: { ...o.result, mechanism: "non-finite" as const } }
    ),
    config,
  ).summary;
  assert.ok(
    other.findings.includes(
      "At Adam lr 0.1 the most frequent collapse mechanism changes with scale: dead-units at " +
        "width 0.125 at 32 px, non-finite at width 1 at 96 px.",
    ),
    other.findings.join("\n"),
  );
  const reversed = analyseScaleCheck(outcomes(true, false), config).summary;
  assert.equal(reversed.agreement[0].agrees, false);
  assert.match(
    reversed.findings[0],
    /changes the outcome at 1 of 1 checked learning rates \(0\.1\)/,
  );
  assert.ok(
    reversed.findings.some((f) => /fell from 100% to 0%/.test(f)),
    reversed.findings.join("\n"),
  );
});

Deno.test("atlas-scale-check: bad scales are rejected up front, naming the value", () => {
  assert.deepEqual(parseScale("0.5@64"), { width: 0.5, size: 64 });
  for (const bad of ["2@32", "1x96", "1@8", ""]) {
    assert.throws(() => parseScale(bad), new RegExp(`got '${bad}'`));
  }
});
