/**
 * Held-out verification (issue 12, item 6): the training cell trains on identities disjoint from
 * those of the pairs it evaluates, reports chance and an interval beside the accuracy, rankings
 * use that accuracy, and the sentences follow the numbers.
 */
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  type CellContext,
  checkHeldOut,
  experimentData,
  trainVariant,
  type VariantOutcome,
  variantTrainConfig,
} from "../../lib/experiment/mod.ts";
import {
  chanceStanding,
  heldOutSentence,
  heldOutTally,
  lossZooAnalysis,
} from "../../lib/experiment/analysis/mod.ts";
import { wilsonInterval } from "../../lib/atlas/mod.ts";
import { createProgress } from "../../lib/cli/mod.ts";
import { marginSweep } from "../../experiments/margin_sweep.ts";
import { lossZoo } from "../../experiments/loss_zoo.ts";
import { problem1Margin1 } from "../../experiments/problem1_margin1.ts";

function testContext(dataDir: string, records: Record<string, unknown>[]): CellContext {
  return {
    preset: "ci",
    cell: "held-out test",
    log: (r) => {
      records.push(r);
      return Promise.resolve();
    },
    print: () => {},
    progress: (total, label, unit) => createProgress(total, { label, unit, mode: "silent" }),
    dataDir,
  };
}

const identityOf = (path: string) => path.split("/").slice(-2, -1)[0];

Deno.test("trainVariant() trains on identities disjoint from those of the pairs it evaluates, and reports chance and an interval", async () => {
  await useTestBackend();
  const dataDir = await Deno.makeTempDir();
  try {
    const records: Record<string, unknown>[] = [];
    const ctx = testContext(dataDir, records);
    const spec = { identities: 8, perIdentity: 4, size: 32, difficulty: 1, seed: 3 };
    const data = await experimentData(ctx, { ...spec, heldOut: { fraction: 0.25 } });
    const train = new Set(data.train.identities);
    const held = new Set(data.heldOutIdentities);
    // a partition of the set's identities: 6 trained on, 2 held out
    assert.equal(train.size, 6);
    assert.equal(held.size, 2);
    assert.deepEqual(
      [...train, ...held].sort(),
      [...data.dataset.identities].sort(),
    );
    assert.ok(data.train.items.every((it) => !held.has(it.identity)));
    // every pair is among the held-out identities; half same, half different (chance 0.5)
    const pairIds = new Set(data.pairs.flatMap((p) => [identityOf(p.a), identityOf(p.b)]));
    assert.deepEqual([...pairIds].sort(), [...held].sort());
    assert.equal(data.pairs.length, 24); // 2 identities × C(4, 2) same pairs, twice
    assert.equal(data.pairs.filter((p) => p.same).length, 12);
    assert.equal(data.chance, 0.5);

    const config = variantTrainConfig({
      seed: 3,
      model: "tiny",
      size: 32,
      identities: 8,
      perIdentity: 4,
      difficulty: 1,
      distance: "squaredEuclidean",
      steps: 2,
      p: 3,
      k: 2,
      lr: 0.01,
      optimizer: "adam",
      heldOutFraction: 0.25,
    }, { miner: "semihard", margin: 0.2 });
    const outcome = await assertNoLeak(() => trainVariant(ctx, "v", config, data));
    // what the cell trained on and what it evaluated, as it logged them
    const logged = records.find((r) => r.type === "data")!;
    const trained = logged.trainIdentities as string[];
    const evaluated = logged.evaluatedIdentities as string[];
    assert.deepEqual(trained, data.train.identities);
    assert.deepEqual([...evaluated].sort(), [...held].sort());
    assert.equal(trained.filter((id) => evaluated.includes(id)).length, 0);
    // both steps were trained and logged
    const steps = records.filter((r) => r.step !== undefined);
    assert.equal(steps.length, 2);
    assert.equal(outcome.trainIdentities, 6);
    assert.equal(outcome.heldOutIdentities, 2);
    assert.equal(outcome.heldOutPairs, 24);
    assert.equal(outcome.heldOutChance, 0.5);
    assert.ok(outcome.verificationAccuracy >= 0 && outcome.verificationAccuracy <= 1);
    assert.deepEqual(
      outcome.heldOutCi,
      wilsonInterval(Math.round(outcome.verificationAccuracy * 24), 24),
    );
    assert.equal(outcome.verificationNonFinite, false);

    // without a held-out share the same set trains on every identity and says so
    const all = await experimentData(ctx, spec);
    assert.equal(all.train, all.dataset);
    assert.deepEqual(all.heldOutIdentities, []);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a held-out share outside (0, 1), or one that leaves a side with < 2 identities, is refused before any data are made", async () => {
  for (const exp of [marginSweep, lossZoo, problem1Margin1]) {
    const ci = exp.presets.ci;
    assert.throws(
      () => exp.validate!({ ...ci, heldOutFraction: 1 } as never),
      new RegExp(`${exp.name}: 'heldOutFraction' must be in \\(0, 1\\), got 1`),
    );
    assert.throws(
      () => exp.validate!({ ...ci, heldOutFraction: 0 } as never),
      /'heldOutFraction' must be in \(0, 1\), got 0/,
    );
    assert.doesNotThrow(() => exp.validate!(ci as never));
    assert.ok(ci.heldOutFraction > 0 && ci.heldOutFraction < 1, exp.name);
  }
  assert.throws(
    () => checkHeldOut(4, 0.25, "x"),
    /holds out 1 and trains on 3; each part needs ≥ 2/,
  );
  assert.throws(() => checkHeldOut(4, 0.9, "x"), /trains on 0/);
  const dataDir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () =>
        experimentData(testContext(dataDir, []), {
          identities: 4,
          perIdentity: 2,
          size: 32,
          difficulty: 1,
          seed: 1,
          heldOut: { fraction: 0.25 },
        }),
      /experimentData: 'heldOutFraction' 0.25 of 4 identities/,
    );
    // nothing was generated
    assert.deepEqual([...Deno.readDirSync(dataDir)], []);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

const held = (acc: number, n = 100, chance = 0.5) => ({
  verificationAccuracy: acc,
  heldOutChance: chance,
  heldOutCi: wilsonInterval(Math.round(acc * n), n),
  heldOutPairs: n,
  heldOutIdentities: 4,
});

Deno.test("held-out sentences follow the numbers: above, at and below chance from the interval", () => {
  assert.equal(chanceStanding(held(0.8)), "above");
  assert.equal(chanceStanding(held(0.2)), "below");
  assert.equal(chanceStanding(held(0.55)), "at"); // 95% CI 0.45–0.65 holds 0.5
  assert.equal(chanceStanding({ heldOutChance: NaN, heldOutCi: null }), "unmeasured");
  assert.match(
    heldOutSentence(held(0.8)),
    /^held-out verification 0\.8 \(95% CI .* over 100 pairs of 4 identities never trained on\): above chance \(0\.5\)$/,
  );
  assert.match(heldOutSentence(held(0.2)), /below chance \(0\.5\)$/);
  assert.match(heldOutSentence(held(0.55)), /not distinguishable from chance \(0\.5\)$/);
  // a different chance level is the one compared with (0.8 is not above a chance of 0.9)
  assert.match(heldOutSentence(held(0.8, 100, 0.9)), /below chance \(0\.9\)$/);
  const tally = heldOutTally([held(0.8), held(0.5), held(0.9)], (_, i) => `r${i}`);
  assert.match(tally, /2 of 3 runs above chance \(r0, r2\); 1 of 3 runs not distinguishable/);
  const reversed = heldOutTally([held(0.2), held(0.5), held(0.1)], (_, i) => `r${i}`);
  assert.match(
    reversed,
    /1 of 3 runs not distinguishable from chance \(r1\); 2 of 3 runs below chance \(r0, r2\)/,
  );
});

function outcome(variant: string, acc: number): VariantOutcome {
  return {
    variant,
    steps: 2,
    finalLoss: 0.1,
    accuracy: 0.7,
    dAp: 0.1,
    dAn: 0.3,
    collapsed: false,
    collapseStep: null,
    mechanism: "none",
    diagnosis: "",
    ...held(acc, 120),
    valAtFar: 0.1,
    far: 0.01,
    trainIdentities: 12,
    verificationNonFinite: false,
    seconds: 1,
    history: [1, 2].map((step) => ({
      step,
      loss: 0.1,
      accuracy: 0.7,
      dAp: 0.1,
      dAn: 0.3,
      activeFraction: 0.5,
      gradNorm: 1,
      stepMs: 1,
      spread: 1,
      collapsed: false,
    })),
  };
}

Deno.test("lossZooAnalysis() ranks by held-out accuracy with chance and intervals beside it, and the words follow the numbers", () => {
  const config = { steps: 2, p: 6, k: 4, model: "tiny", size: 32, miner: "semihard" };
  const a = lossZooAnalysis([outcome("contrastive", 0.55), outcome("arcface", 0.85)], config);
  assert.equal(a.summary.bestLoss, "arcface");
  assert.equal(a.summary.chance, 0.5);
  assert.match(a.summary.ranking[0], /^arcface 0\.850 \(95% CI 0\.\d+–0\.\d+\)$/);
  assert.match(
    a.summary.best,
    /arcface, held-out verification 0\.85 .*: above chance \(0\.5\); the runner-up contrastive \(0\.550\) lies below its interval\./,
  );
  assert.match(
    a.summary.evaluation,
    /120 pairs of 4 identities never trained on \(chance 0\.500\); each loss trained on the other 12/,
  );
  assert.equal(a.summary.results.contrastive.heldOutStanding, "at");
  // reversed numbers reverse the ranking and the words
  const b = lossZooAnalysis([outcome("contrastive", 0.15), outcome("arcface", 0.2)], config);
  assert.equal(b.summary.bestLoss, "arcface");
  assert.match(
    b.summary.best,
    /below chance \(0\.5\); the runner-up contrastive \(0\.150\) has an overlapping interval/,
  );
  assert.match(b.summary.heldOut, /2 of 2 runs below chance/);
});
