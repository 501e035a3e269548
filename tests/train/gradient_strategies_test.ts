import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { createModel } from "../../lib/model/mod.ts";
import {
  createDistance,
  createLoss,
  createReducer,
  type LossName,
  type ReducerName,
  type TripletForm,
} from "../../lib/losses/mod.ts";
import { createRng } from "../../lib/random/mod.ts";
import {
  disposeBatchView,
  randomTriplets,
  trainEmbedding,
  tripletModelGradients,
  viewBatch,
} from "../../lib/train/mod.ts";
import { randomLoader } from "./_golden_cases.ts";

await useTestBackend();

/** The loss a triplet-model step should report, from plain numbers (reference). */
function referenceLoss(
  dap: number[],
  dan: number[],
  loss: LossName,
  form: TripletForm,
  reducer: ReducerName,
  margin: number,
): number {
  const values = loss === "contrastive"
    ? [...dap.map((d) => d * d), ...dan.map((d) => Math.max(0, margin - d) ** 2)]
    : dap.map((p, i) => {
      const n = dan[i];
      if (form === "hinge") return Math.max(0, p - n + margin);
      if (form === "nohinge") return p - n;
      if (form === "squaredHinge") return Math.max(0, p * p - n * n + margin);
      return Math.log(1 + Math.exp(p - n));
    });
  const sum = values.reduce((s, v) => s + v, 0);
  if (reducer === "sum") return sum;
  if (reducer === "mean") return sum / values.length;
  return sum / Math.max(1, values.filter((v) => v !== 0).length);
}

const CASES: [LossName, TripletForm, ReducerName][] = [
  ["triplet", "hinge", "mean"],
  ["triplet", "nohinge", "mean"],
  ["triplet", "squaredHinge", "sum"],
  ["triplet", "softplus", "meanNonZero"],
  ["contrastive", "hinge", "mean"],
];

for (const [lossName, form, reducerName] of CASES) {
  Deno.test(`the triplet-model strategy trains any lib/losses loss: ${lossName}${lossName === "triplet" ? ` (${form})` : ""} with ${reducerName}`, async () => {
    const model = createModel("tiny", { inputSize: 32, seed: 6 });
    const distance = createDistance("euclideanEps");
    const margin = 0.7;
    const loss = createLoss(lossName, { distance, margin, form });
    const reducer = createReducer(reducerName);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const batch = await randomLoader(3).next();
    const labels = Int32Array.from(batch!.labels);
    await assertNoLeak(async () => {
      const strategy = tripletModelGradients({ model, variables, loss, reducer }, {
        distance,
        tripletsPerStep: 10,
        rng: createRng(9),
      });
      const view = await viewBatch(model, batch!.images, { distance });
      const g = await strategy.gradients({ images: batch!.images, labels, view });
      // the reference: the same triplets, embeddings of the whole batch, distances in plain numbers
      const t = randomTriplets(labels, { count: 10, rng: createRng(9) });
      assert.deepEqual(g.tuples, t);
      const e = tf.tidy(() => model.apply(batch!.images, { training: true }) as tf.Tensor2D);
      const x = await e.array();
      e.dispose();
      const dist = (i: number, j: number) =>
        Math.sqrt(Math.max(x[i].reduce((s, v, k) => s + (v - x[j][k]) ** 2, 0), 1e-7));
      const dap = Array.from(t.anchors, (a, i) => dist(a, t.positives[i]));
      const dan = Array.from(t.anchors, (a, i) => dist(a, t.negatives[i]));
      const expected = referenceLoss(dap, dan, lossName, form, reducerName, margin);
      const actual = (await g.loss!.data())[0];
      assert.ok(
        Math.abs(actual - expected) <= 1e-4 * Math.max(1, Math.abs(expected)),
        `loss ${actual}, reference ${expected}`,
      );
      assert.equal(Object.keys(g.grads).length, variables.length);
      tf.dispose([g.loss!, ...Object.values(g.grads)]);
      disposeBatchView(view);
    });
    batch!.images.dispose();
    model.dispose();
  });
}

Deno.test("trainEmbedding() in triplet-model mode takes the config's loss, lossOptions and reducer", async () => {
  const model = createModel("tiny", { inputSize: 32, seed: 6 });
  const cfg = {
    size: 32,
    p: 4,
    k: 3,
    seed: 1,
    steps: 2,
    forensicsEvery: 0,
    mode: "triplet-model" as const,
    model,
    loader: (s: number) => randomLoader(s),
  };
  await assertNoLeak(async () => {
    const hinge = await trainEmbedding({ ...cfg }, { progress: false });
    const start = hinge.history[0].loss; // the first step: the untrained model, same triplets
    const nohinge = await trainEmbedding(
      {
        ...cfg,
        model: createModel("tiny", { inputSize: 32, seed: 6 }),
        lossOptions: { form: "nohinge" },
      },
      { progress: false },
    );
    nohinge.model.dispose();
    // mean(d_ap − d_an) and mean(max(0, d_ap − d_an + 0.2)) differ (the hinge is not hard-coded)
    assert.notEqual(nohinge.history[0].loss, start);
    const summed = await trainEmbedding(
      { ...cfg, model: createModel("tiny", { inputSize: 32, seed: 6 }), reducer: "sum" },
      { progress: false },
    );
    summed.model.dispose();
    // the default draws p·k = 12 triplets: the sum is 12 × the mean
    assert.ok(
      Math.abs(summed.history[0].loss - 12 * start) < 1e-4,
      `${summed.history[0].loss} vs 12 × ${start}`,
    );
  });
  model.dispose();
});
