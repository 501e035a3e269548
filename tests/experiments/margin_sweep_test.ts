import assert from "node:assert/strict";
import { assertNoLeak, slowTests, useTestBackend } from "../_helpers/leak.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { collapseOnset } from "../../lib/experiment/analysis/mod.ts";
import { marginSweep } from "../../experiments/margin_sweep.ts";

Deno.test("collapseOnset() is the smallest margin from which every larger one collapsed", () => {
  const o = (miner: string, margin: number, collapsed: boolean) => ({ miner, margin, collapsed });
  const onset = collapseOnset([
    o("hardest", 4, true),
    o("hardest", 0.2, false),
    o("hardest", 1, true),
    o("semihard", 0.2, true),
    o("semihard", 1, false),
    o("semihard", 4, false),
    o("random", 0.2, true),
    o("random", 4, true),
  ]);
  assert.deepEqual(onset, { hardest: 1, semihard: null, random: 0.2 });
});

Deno.test("margin-sweep (ci) collapses batch-hard at large margins, not semi-hard at small ones, and explains why", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir();
  try {
    const r = await assertNoLeak(() =>
      runExperiment(marginSweep, { preset: "ci", outDir, print: () => {}, progress: "silent" })
    );
    const { margins, miners, steps } = marginSweep.presets.ci;
    const results = r.summary.results;
    const at = (miner: string, m: number) => results[`${miner} α=${m}`];
    const largest = Math.max(...margins), smallest = Math.min(...margins);
    assert.equal(Object.keys(results).length, margins.length * miners.length);
    for (const [variant, v] of Object.entries(results)) {
      // held-out verification: balanced pairs (chance 0.5), the accuracy inside its interval
      const acc = v.verificationAccuracy, ci = v.heldOutCi!;
      assert.ok(acc >= 0 && acc <= 1, variant);
      assert.equal(v.heldOutChance, 0.5, variant);
      assert.ok(ci[0] <= acc && acc <= ci[1], `${variant}: ${acc} outside ${ci}`);
      assert.ok(Number.isFinite(v.finalLoss), variant);
      assert.equal(typeof v.collapsed, "boolean");
    }

    // Batch-hard collapses at the large margins (lib/train's detector fires: embeddings at one point).
    for (const m of margins.filter((m) => m >= 1)) {
      const v = at("hardest", m);
      assert.equal(v.collapsed, true, `hardest α=${m}: ${JSON.stringify(v)}`);
      assert.ok(Number.isInteger(v.collapseStep) && (v.collapseStep as number) <= steps);
      // The trivial solution: loss ≈ α, d_ap and d_an negligible next to α.
      assert.ok(Math.abs((v.lossOverMargin as number) - 1) < 0.01, `hardest α=${m}`);
      assert.ok((v.dAp as number) < 1e-2 * m && (v.dAn as number) < 1e-2 * m, `hardest α=${m}`);
      // Mechanism from the forensics: one shared direction, longer pre-L2 vectors, gradient gone.
      assert.ok((v.outputCosine as number) > 0.999, `hardest α=${m} cosine ${v.outputCosine}`);
      assert.ok((v.preL2NormGrowth as number) > 10, `hardest α=${m} ${v.preL2NormGrowth}`);
      assert.ok((v.firstLayerGradRatio as number) < 1e-2, `hardest α=${m}`);
    }
    const onset = r.summary.collapseOnset as Record<string, number | null>;
    assert.ok(onset.hardest !== null && onset.hardest <= 1, `onset ${JSON.stringify(onset)}`);
    assert.ok((r.summary.collapsedVariants as string[]).includes(`hardest α=${largest}`));
    assert.match(r.summary.mechanism as string, /hardest: .*one shared direction/);
    // … and its hinge never switches off, so every α follows the same trajectory (loss offset by α).
    const saturated = r.summary.saturatedMargins as string[];
    for (const m of margins) {
      assert.ok(saturated.includes(`hardest α=${m}`), `hardest α=${m} not saturated`);
      assert.equal(at("hardest", m).dAp, at("hardest", largest).dAp, `hardest α=${m}`);
      assert.equal(at("hardest", m).collapseStep, at("hardest", largest).collapseStep);
    }

    // Semi-hard does not collapse at the small margin (nor, at this budget, at any).
    assert.equal(at("semihard", smallest).collapsed, false);
    assert.ok((at("semihard", smallest).outputCosine as number) < 0.999);
    assert.equal(onset.semihard, null);

    // The loss grows with the margin: hinge terms ≈ α + d_ap − d_an.
    for (const miner of miners) {
      const losses = margins.map((m) => at(miner, m).finalLoss as number);
      assert.ok(losses[losses.length - 1] > losses[0], `${miner}: ${losses}`);
    }
    for (const v of saturated) {
      // Every triplet active: loss = α + d_ap − d_an exactly (means over the mined triplets).
      const alpha = Number(v.split("α=")[1]);
      const { finalLoss, dAp, dAn } = results[v];
      assert.ok(
        Math.abs(finalLoss - (alpha + dAp - dAn)) < 1e-3,
        `${v}: ${finalLoss} vs ${alpha + dAp - dAn}`,
      );
    }
    const logged = (await Deno.readTextFile(`${r.dir}/metrics.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.equal(logged.filter((l) => l.type === "outcome").length, margins.length * miners.length);
    assert.equal(
      logged.filter((l) => l.variant === `${miners[0]} α=${margins[0]}` && l.step !== undefined)
        .length,
      steps,
    );
    assert.equal(r.figures?.length, 1); // VAL@FAR per α; curves and the headline are report sections
    assert.equal(r.table?.rows.length, margins.length * miners.length);
    assert.ok(r.headline && r.findings && r.findings.length > 0);
    // The best variant is the one with the highest held-out accuracy, shown with chance beside it.
    const top = Math.max(...Object.values(results).map((v) => v.verificationAccuracy));
    assert.equal(results[r.summary.bestVariant].verificationAccuracy, top);
    assert.equal(r.summary.bestVerificationAccuracy, top);
    assert.ok(r.findings.includes(r.summary.best) && r.findings.includes(r.summary.heldOut));
    assert.match(
      r.summary.best,
      new RegExp(
        `^Best by held-out verification: ${r.summary.bestVariant}, held-out verification .* chance \\(0\\.5\\)`,
      ),
    );
    assert.match(r.question!, /pairs of 4 synthetic identities never trained on/);
    assert.ok(r.table!.columns.some((c) => c.key === "heldOutChance"));
    // Every cell trained on identities disjoint from those of the pairs it was evaluated on.
    const data = logged.filter((l) => l.type === "data");
    assert.equal(data.length, margins.length * miners.length);
    for (const d of data) {
      const trained = new Set(d.trainIdentities as string[]);
      const evaluated = d.evaluatedIdentities as string[];
      assert.equal(trained.size, 12, d.variant);
      assert.equal(evaluated.length, 4, d.variant);
      assert.deepEqual(evaluated.filter((id) => trained.has(id)), [], d.variant);
    }
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test({
  name:
    "margin-sweep (small) collapses semi-hard only at the large margins and batch-hard at every one",
  ignore: !slowTests,
  async fn() {
    await useTestBackend();
    const outDir = await Deno.makeTempDir();
    try {
      const r = await assertNoLeak(() =>
        runExperiment(marginSweep, { preset: "small", outDir, print: () => {}, progress: "silent" })
      );
      const results = r.summary.results;
      const { margins } = marginSweep.presets.small;
      const largest = Math.max(...margins);
      for (const m of margins) assert.equal(results[`hardest α=${m}`].collapsed, true, `α=${m}`);
      const semi = (m: number) => results[`semihard α=${m}`];
      assert.ok(semi(largest).collapsed || semi(largest).diagnosedCollapsed, "semihard α=4");
      for (const m of margins.filter((m) => m <= 1)) {
        assert.equal(semi(m).collapsed, false, `semihard α=${m}`);
        assert.equal(semi(m).diagnosedCollapsed, false, `semihard α=${m}`);
      }
    } finally {
      await Deno.remove(outDir, { recursive: true });
    }
  },
});
