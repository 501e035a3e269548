import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { generateSynth } from "../../lib/data/mod.ts";
import { createModel } from "../../lib/model/mod.ts";
import { budgetProgress, scheduleOverBudget, trainOnFaces } from "../../lib/real_faces/mod.ts";
import type { Dataset } from "../../lib/data/mod.ts";

await useTestBackend();

/** 3 people with 3 images and 2 people with one (labels 0..4), 32 px synthetic faces. */
async function mixedPeople(dir: string): Promise<Dataset> {
  const ds =
    (await generateSynth(dir, { identities: 5, perIdentity: 3, size: 32, seed: 2 })).dataset;
  const seen = new Map<number, number>();
  return {
    ...ds,
    items: ds.items.filter((it) => {
      const n = (seen.get(it.label) ?? 0) + 1;
      seen.set(it.label, n);
      return it.label < 3 || n === 1;
    }),
  };
}

Deno.test("trainOnFaces: a class loss gets one class per person; minImages 1 samples people with one photo", async () => {
  const dir = await Deno.makeTempDir({ prefix: "train_on_faces_" });
  try {
    const ds = await mixedPeople(dir);
    assert.equal(ds.items.length, 11);
    const config = {
      size: 32,
      steps: 2,
      p: 5,
      k: 2,
      optimizer: "adam" as const,
      lr: 1e-3,
      loss: "cosface" as const,
      miner: "all" as const,
      seed: 1,
      forensicsEvery: 0,
    };
    // All 5 people in every batch: with the default minImages (2) only 3 can be sampled.
    const model = createModel("tiny", { inputSize: 32, embeddingDim: 8, seed: 1 });
    await assert.rejects(
      () => trainOnFaces(ds, { config: { ...config, model } }),
      /3 identities with ≥ 2 images, need p = 5/,
    );
    const { outcome } = await assertNoLeak(() =>
      trainOnFaces(ds, { config: { ...config, model }, minImages: 1 })
    );
    assert.equal(outcome.steps, 2);
    // labels 3 and 4 are sampled: a class count below 5 would reject them
    assert.ok(Number.isFinite(outcome.finalLoss) && outcome.finalLoss > 0, `${outcome.finalLoss}`);
    await assert.rejects(
      () =>
        trainOnFaces(ds, {
          config: { ...config, model, lossOptions: { numClasses: 3 } },
          minImages: 1,
        }),
      /label|class/i,
    );
    await assert.rejects(
      () => trainOnFaces(ds, { config: { ...config, model }, minImages: 0 }),
      /trainOnFaces: 'minImages' must be an integer ≥ 1, got 0/,
    );
    model.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scheduleOverBudget: a cosine schedule follows the budget's elapsed share; others unchanged", () => {
  let ms = 0;
  const start: { kind: "cosine"; warmupSteps: number; progress?: () => number } = {
    kind: "cosine",
    warmupSteps: 3,
  };
  const s = scheduleOverBudget(start, 10, () => ms)!;
  assert.equal(s.warmupSteps, 3);
  assert.equal(s.progress!(), 0);
  ms = 5 * 60000;
  assert.equal(s.progress!(), 0.5);
  const constant = { kind: "constant" as const };
  assert.equal(scheduleOverBudget(constant, 10, () => ms), constant);
  const noBudget = { kind: "cosine" as const };
  assert.equal(scheduleOverBudget(noBudget, 0, () => ms), noBudget);
  const own = { kind: "cosine" as const, progress: () => 0.25 };
  assert.equal(scheduleOverBudget(own, 10, () => ms), own);
  assert.equal(scheduleOverBudget(undefined, 10, () => ms), undefined);
});

Deno.test("budgetProgress: each tick carries the budget's time left, never below 0", () => {
  const seen: Record<string, number | string>[] = [];
  let count = 0;
  const inner = {
    tick: (n = 1, info?: Record<string, number | string>) => {
      count += n;
      seen.push(info ?? {});
    },
    fail: () => {},
    done: () => {},
    get count() {
      return count;
    },
    failures: 0,
  };
  let left = 125;
  const p = budgetProgress(inner, () => left);
  p.tick(1, { loss: 0.5 });
  left = -3;
  p.tick(2);
  assert.deepEqual(seen, [{ loss: 0.5, left: "2:05" }, { left: "0:00" }]);
  assert.equal(p.count, 3);
});
