import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { assertBehaviourUnchanged } from "./_behaviour.ts";
import { problem2Margin4 } from "../../experiments/problem2_margin4.ts";

Deno.test("problem2-margin4 (ci) reproduces loss 4, chance accuracy and squared distances ~1e-6, and names the collinear collapse", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir();
  try {
    const r = await assertNoLeak(() =>
      runExperiment(problem2Margin4, { preset: "ci", outDir, print: () => {}, progress: "silent" })
    );
    assertBehaviourUnchanged("problem2-margin4", r.summary);
    const s = r.summary;
    assert.equal(s.collapsed, true);
    // Margin 4 > 2: every triplet active, loss = 4 + mean(d_ap − d_an) ≈ 4 when distances are tiny.
    assert.equal(s.activeFraction, 1);
    assert.ok(Math.abs(s.lossMinusMargin as number) < 1e-3, `loss − 4 = ${s.lossMinusMargin}`);
    assert.ok(
      Math.abs(s.lossMinusMargin as number) <= Math.max(s.dAp as number, s.dAn as number),
    );
    // Chance accuracy: the residual distances carry no identity.
    for (const acc of [s.accuracy, s.probeAccuracy] as number[]) {
      assert.ok(acc >= 0.35 && acc <= 0.65, `accuracy ${acc}`);
    }
    for (const d of [s.dAp, s.dAn] as number[]) assert.ok(d > 0 && d < 1e-2, `distance ${d}`);
    // The monograph's printed quantity, ‖f(a) − f(p)‖²₂ and ‖f(a) − f(n)‖²₂ (~7.6e-7), measured
    // directly on the final model: the same order of magnitude, each mean and each sample.
    assert.equal(s.probeTriplets, 96);
    const squares = [s.dAp2, s.dAn2, ...(s.dAp2First as number[]), ...(s.dAn2First as number[])];
    assert.equal(squares.length, 6);
    for (const d2 of squares as number[]) {
      assert.ok(d2 > 1e-8 && d2 < 1e-5, `squared distance ${d2}`);
    }
    // The mechanism is lib/train's diagnosis; the forensics' numbers behind it: outputs coincide
    // in direction (cosine std tiny) while the pre-L2 embeddings are finite and grew.
    assert.equal(s.mechanism, "constant-output");
    assert.ok((s.outputCosineStd as number) < 1e-4);
    assert.equal(typeof s.preL2Norm, "number");
    assert.match(
      s.mechanismSentence as string,
      /^constant-output: .*collinear.*rank-one.*chance.*monograph printed the squared distances/,
    );
    const e2 = (x: unknown) => (x as number).toExponential(2);
    assert.ok(
      (s.mechanismSentence as string).includes(`d_ap² = ${e2(s.dAp2)} and d_an² = ${e2(s.dAn2)}`),
    );
    // ... because one feature channel entering the last layer carries (almost) all of the norm.
    const d = s.dominantChannel as { share: number; top: number; second: number };
    assert.ok(d.share > 0.999, `top channel share ${d.share}`);
    assert.ok(d.top > 100 * d.second);
    const fixes = s.fixes;
    const after = (fix: string) => {
      const a = fixes[fix].after;
      assert.ok(!("diverged" in a), `${fix} diverged`);
      return a;
    };
    assert.deepEqual(Object.keys(fixes), ["batch-norm", "max-pooling", "no-final-l2"]);
    for (const f of Object.values(fixes)) {
      assert.equal(f.before.finalLoss, s.finalLoss);
      assert.equal(f.before.dAp2, s.dAp2);
    }
    // Batch norm removes the collapse at this budget.
    assert.equal(fixes["batch-norm"].fixed, true);
    assert.equal(after("batch-norm").collapsed, false);
    assert.ok(
      after("batch-norm").dAn2 > 1e-4,
      "batch norm spreads the embedding",
    );
    assert.ok(r.figures && r.figures.length === 6);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
