import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { runExperiment } from "../../experiments/define_experiment.ts";
import { marginSweep } from "../../experiments/margin_sweep.ts";

Deno.test("margin-sweep (ci) trains every miner × α, evaluates each and draws per-α curves", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir();
  try {
    const r = await assertNoLeak(() =>
      runExperiment(marginSweep, { preset: "ci", outDir, print: () => {}, progress: "silent" })
    );
    const { margins, miners, steps } = marginSweep.presets.ci;
    const results = r.summary.results as Record<string, Record<string, number | boolean>>;
    assert.equal(Object.keys(results).length, margins.length * miners.length);
    for (const [variant, v] of Object.entries(results)) {
      assert.ok(
        v.verificationAccuracy as number >= 0.4 && v.verificationAccuracy as number <= 1,
        variant,
      );
      assert.ok(Number.isFinite(v.finalLoss), variant);
      assert.equal(typeof v.collapsed, "boolean");
    }
    // The loss of a spread (not collapsed) model grows with the margin: hinge terms ≈ α + d_ap − d_an.
    for (const miner of miners) {
      const losses = margins.map((m) => results[`${miner} α=${m}`].finalLoss as number);
      assert.ok(losses[losses.length - 1] > losses[0], `${miner}: ${losses}`);
    }
    // Variants whose every mined triplet stayed active train identically whatever α (same seed).
    const saturated = r.summary.saturatedMargins as string[];
    assert.ok(
      saturated.includes(`${miners[0]} α=4`),
      `α=4 exceeds every squared distance: ${saturated}`,
    );
    for (const v of saturated) {
      // Every triplet active: loss = α + d_ap − d_an exactly (means over the mined triplets).
      const alpha = Number(v.split("α=")[1]);
      const { finalLoss, dAp, dAn } = results[v] as Record<string, number>;
      assert.ok(
        Math.abs(finalLoss - (alpha + dAp - dAn)) < 1e-3,
        `${v}: ${finalLoss} vs ${alpha + dAp - dAn}`,
      );
    }
    for (const miner of miners) {
      const same = saturated.filter((v) => v.startsWith(`${miner} `));
      for (const v of same.slice(1)) {
        assert.equal(results[v].dAp, results[same[0]].dAp, `${v} vs ${same[0]}`);
        assert.equal(results[v].verificationAccuracy, results[same[0]].verificationAccuracy);
      }
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
    assert.equal(r.figures?.length, 3 * miners.length + 2);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
