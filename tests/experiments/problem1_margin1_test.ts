import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { assertBehaviourUnchanged } from "./_behaviour.ts";
import { problem1Margin1 } from "../../experiments/problem1_margin1.ts";

Deno.test("problem1-margin1 (ci) reproduces loss 1, accuracy 0 and d_ap = d_an = √ε, and names the overflow behind it", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir();
  try {
    const r = await assertNoLeak(() =>
      runExperiment(problem1Margin1, { preset: "ci", outDir, print: () => {}, progress: "silent" })
    );
    assertBehaviourUnchanged("problem1-margin1", r.summary);
    const s = r.summary;
    const sqrtEps = Math.fround(Math.sqrt(1e-7)); // 3.1622776e-4, the monograph's printed value
    assert.equal(s.collapsed, true);
    assert.ok(Math.abs(s.lossMinusMargin as number) < 1e-6, `loss − margin = ${s.lossMinusMargin}`);
    assert.equal(s.accuracy, 0); // every d_ap = d_an: ties count as wrong
    assert.ok(Math.abs((s.dAp as number) - sqrtEps) < 1e-11, `d_ap = ${s.dAp}`);
    assert.ok(Math.abs((s.dAn as number) - sqrtEps) < 1e-11, `d_an = ${s.dAn}`);
    assert.equal((s.dAp as number).toExponential(7), "3.1622776e-4");
    // The absorbing state: the gradient is exactly zero at the end.
    assert.equal(s.lastGradNorm, 0);
    assert.ok((s.zeroGradSteps as number) >= 3);
    // The mechanism is lib/train's diagnosis, and agrees with the forensics' own numbers: the
    // pre-L2 norm overflowed float32 (and was finite at the first snapshot).
    assert.equal(s.mechanism, "overflow");
    assert.equal(s.preL2Norm, "Infinity");
    assert.ok((s.overflowStep as number) > 1);
    assert.match(s.mechanismSentence as string, /^overflow: .*zero vector.*absorbing state/);
    assert.ok((s.evidence as string[]).some((e) => /pre-L2 .*norm mean Infinity/.test(e)));
    // The monograph's three fixes, before and after from the same seed.
    const fixes = s.fixes;
    assert.deepEqual(Object.keys(fixes), ["smaller-batch", "smaller-lr", "bigger-margin"]);
    for (const f of Object.values(fixes)) {
      assert.equal(f.before.finalLoss, s.finalLoss);
      assert.equal(typeof f.after.finalLoss, "number");
    }
    // A bigger margin lands in the same absorbing state: the loss is exactly the new margin.
    assert.ok(Math.abs((fixes["bigger-margin"].after.finalLoss as number) - 2) < 1e-6);
    assert.equal(fixes["bigger-margin"].after.mechanism, "overflow");
    // As in the monograph, none of the three fixes removes the collapse.
    assert.deepEqual(s.fixedBy, []);
    assert.equal(r.figures?.length, 5);
    const saved = JSON.parse(await Deno.readTextFile(`${r.dir}/summary.json`));
    assert.equal(saved.mechanism, "overflow");
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
