import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { assertBehaviourUnchanged } from "./_behaviour.ts";
import { distanceEps } from "../../experiments/distance_eps.ts";

Deno.test("distance-eps (ci) finds NaN gradients only for √ and the √max(·,ε) dead zone at √ε", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir();
  try {
    const r = await assertNoLeak(() =>
      runExperiment(distanceEps, { preset: "ci", outDir, print: () => {}, progress: "silent" })
    );
    assertBehaviourUnchanged("distance-eps", r.summary);
    const s = r.summary;
    assert.deepEqual(s.nanGradientAtZeroSeparation, ["euclidean"]);
    // The collapsed value of √max(·,ε) is √ε (3.1622776e-4 for ε = 1e-7, the monograph's d_ap = d_an).
    assert.ok(Math.abs((s.euclideanEpsValueAtCollapse as number) - Math.sqrt(1e-7)) < 1e-10);
    // Below √ε the clamp gives an exactly zero gradient; at separation 1e-3 (> √ε) it does not.
    assert.ok(
      (s.euclideanEpsDeadZoneUpTo as number) > 0 &&
        (s.euclideanEpsDeadZoneUpTo as number) < Math.sqrt(1e-7),
    );
    const t = s.training as Record<
      string,
      { firstNanStep: number; escaped: boolean; zeroGradient: boolean }
    >;
    assert.equal(t["euclidean@spread=0"].firstNanStep, 0);
    assert.equal(t["euclideanEps@spread=0.00001"].zeroGradient, true);
    assert.equal(t["euclideanEps@spread=0.00001"].escaped, false);
    assert.equal(t["euclideanPlusEps@spread=0.00001"].escaped, true);
    assert.equal(t["euclidean@spread=0.01"].escaped, true);
    assert.equal(r.figures?.length, 3);
    const lines = (await Deno.readTextFile(`${r.dir}/metrics.jsonl`)).trim().split("\n");
    assert.ok(lines.length > 100);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
