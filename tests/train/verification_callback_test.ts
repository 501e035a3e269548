import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { makePairs, scanDataset } from "../../lib/data/mod.ts";
import { createModel } from "../../lib/model/mod.ts";
import { verificationCallback, verifyModel } from "../../lib/train/mod.ts";
import { tinySynth } from "./_fixtures.ts";

await useTestBackend();

Deno.test("verifyModel() gives an accuracy in [0, 1] over every pair, and the callback runs every N steps", async () => {
  const root = await tinySynth();
  const pairs = makePairs(await scanDataset(root), { count: 40, seed: 1 });
  const model = createModel("tiny", { inputSize: 32, seed: 1 });
  await assertNoLeak(async () => {
    const r = await verifyModel(model, { root, pairs, folds: 4 });
    assert.equal(r.pairs, 40);
    assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && r.auc >= 0 && r.auc <= 1);
    const cb = verificationCallback({ root, pairs, every: 5, folds: 4 });
    assert.equal(cb.every, 5);
    const ctx = { step: 5, epoch: 0, model, metrics: {} as never, config: { steps: 5 } };
    const v = await cb.onStep!(ctx) as Record<string, number>;
    assert.equal(v.accuracy, r.accuracy);
    assert.equal(await cb.onEnd!(ctx), undefined); // same step: not evaluated twice
  });
  model.dispose();
});
