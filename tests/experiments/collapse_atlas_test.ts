import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { runExperiment, runSweep } from "../../lib/experiment/mod.ts";
import { wilsonInterval } from "../../lib/atlas/mod.ts";
import {
  analyseAtlas,
  atlasDesign,
  type AtlasRun,
  collapseAtlas,
} from "../../experiments/collapse_atlas.ts";

const quiet = { print: () => {}, progress: "silent" as const };

/** The sentence about a cell must carry its own count: "k of n seeds collapsed" or "none of n". */
function countPhrase(k: number, n: number): string {
  const seeds = `${n} seed${n === 1 ? "" : "s"}`;
  return k === 0 ? `none of ${seeds} collapsed` : `${k} of ${seeds} collapsed`;
}

Deno.test("collapse-atlas (ci): every cell has its rate, Wilson interval, mechanism and held-out accuracy, and the text follows the numbers", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir({ prefix: "collapse_atlas_test_" });
  try {
    const r = await assertNoLeak(() =>
      runExperiment(collapseAtlas, { preset: "ci", outDir, ...quiet })
    );
    const s = r.summary;
    const design = atlasDesign(collapseAtlas.presets.ci);
    assert.equal(s.cells.length, design.length);
    assert.equal(s.runs, design.reduce((a, d) => a + d.seeds, 0));
    const written = JSON.parse(await Deno.readTextFile(`${r.dir}/summary.json`));
    assert.equal(written.cells.length, s.cells.length);
    for (const cell of s.cells) {
      const n = cell.seeds.length;
      for (const key of ["optimizer", "lr", "inputScaling", "margin", "distance", "arch"]) {
        assert.ok(key in cell.config, `${cell.label}: config has no '${key}'`);
      }
      assert.ok(n >= 1 && Number.isInteger(cell.collapsed) && cell.collapsed <= n);
      assert.equal(cell.collapseRate, cell.collapsed / n);
      assert.deepEqual(cell.collapseRateCi, wilsonInterval(cell.collapsed, n));
      assert.equal(cell.mechanism === "none", cell.collapsed === 0, cell.label);
      assert.ok(cell.heldOutAccuracy >= 0 && cell.heldOutAccuracy <= 1, cell.label);
      assert.equal(cell.heldOutChance, 0.5);
      // the summary.json on disk holds the same fields
      const w = written.cells.find((c: { label: string }) => c.label === cell.label);
      assert.deepEqual(
        [w.seeds, w.collapsed, w.collapseRate, w.collapseRateCi, w.mechanism],
        [cell.seeds, cell.collapsed, cell.collapseRate, cell.collapseRateCi, cell.mechanism],
      );
      const sentence = s.findings.find((f) => f.startsWith(`${cell.label}: `));
      assert.ok(sentence, `no finding for ${cell.label}`);
      assert.ok(sentence.includes(countPhrase(cell.collapsed, n)), sentence);
      if (cell.collapsed > 0) assert.ok(sentence.includes(`mechanism ${cell.mechanism}`));
    }
    // the ranking is by held-out accuracy
    const acc = s.heldOutRanking.map((x) => x.heldOutAccuracy);
    assert.deepEqual(acc, [...acc].sort((a, b) => b - a));

    // Reversed outcomes (every collapse undone, every survivor collapsed) reverse the text.
    const sweep = await runSweep(collapseAtlas, {
      preset: "ci",
      outDir,
      cachedOnly: true,
      ...quiet,
    });
    assert.ok(sweep.cells.every((c) => c.cached));
    const reversed = sweep.cells.map((c) => ({
      ...c,
      result: {
        ...c.result,
        collapsed: !c.result.collapsed,
        outcome: c.result.collapsed ? "learned" : "collapsed",
        mechanism: c.result.collapsed ? "none" : "dead-units",
      } as AtlasRun,
    }));
    const back = analyseAtlas(reversed, collapseAtlas.presets.ci).summary;
    assert.notDeepEqual(back.findings, s.findings);
    for (const cell of s.cells) {
      const n = cell.seeds.length;
      const flipped = back.cells.find((c) => c.label === cell.label)!;
      assert.equal(flipped.collapsed, n - cell.collapsed);
      const sentence = back.findings.find((f) => f.startsWith(`${cell.label}: `))!;
      assert.ok(sentence.includes(countPhrase(n - cell.collapsed, n)), sentence);
    }

    // A second run with the same out dir reads every cell back (the resume path).
    const again = await runExperiment(collapseAtlas, { preset: "ci", outDir, ...quiet });
    assert.equal(again.cellsRun, 0);
    assert.deepEqual(again.summary.findings, s.findings);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("collapse-atlas: the small preset's design runs the baseline and its neighbours on ≥ 5 seeds, the slices on 3", () => {
  const c = collapseAtlas.presets.small;
  const d = atlasDesign(c);
  assert.equal(d[0].label, "baseline");
  for (const p of d) {
    if (p.group === "baseline" || p.group === "one-factor") assert.ok(p.seeds >= 5, p.label);
    else assert.equal(p.seeds, 3, p.label);
  }
  // every one-factor value is present once
  const labels = new Set(d.map((p) => p.label));
  assert.equal(labels.size, d.length);
  for (const lr of c.adamLrs) assert.ok(labels.has(`adam lr ${lr}`));
  for (const lr of c.sgdLrs) assert.ok(labels.has(`sgd lr ${lr}`));
  assert.ok(labels.has("relu-embedding") && labels.has("input raw") && labels.has("margin 4"));
  assert.ok(c.lr <= 1 && ["nn2", "nn3", "nn4"].includes(c.model));
});

Deno.test("collapse-atlas rejects a bad axis value before any work, naming it", async () => {
  await assert.rejects(
    () => runExperiment(collapseAtlas, { preset: "ci", set: ["archs=no-lrn"], ...quiet }),
    /'archs' cannot be "no-lrn"; valid choices: paper, batch-norm, max-pool, no-final-l2, relu-embedding/,
  );
});
