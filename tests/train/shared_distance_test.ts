import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { createModel } from "../../lib/model/mod.ts";
import { createDistance, type Distance, type DistanceName } from "../../lib/losses/mod.ts";
import { trainEmbedding } from "../../lib/train/mod.ts";
import { randomLoader } from "./_golden_cases.ts";

await useTestBackend();

/** A distance that counts its matrix() calls, split by whether a gradient tape was recording. */
function countingDistance(name: DistanceName) {
  const inner = createDistance(name);
  const counts = { matrix: 0, pairwise: 0 };
  const distance: Distance = {
    name: inner.name,
    smallerIsCloser: inner.smallerIsCloser,
    matrix(x) {
      counts.matrix++;
      return inner.matrix(x);
    },
    pairwise(a, b) {
      counts.pairwise++;
      return inner.pairwise(a, b);
    },
  };
  return { distance, counts };
}

const base = { size: 32, p: 4, k: 3, seed: 11, forensicsEvery: 0, steps: 3 };

Deno.test("trainEmbedding() computes one no-gradient distance matrix a step for mining, diagnostics and accuracy, plus the loss's own on the gradient pass", async () => {
  for (const miner of ["semihard", "hardest", "batchAll", "random"] as const) {
    const { distance, counts } = countingDistance("squaredEuclidean");
    const model = createModel("tiny", { inputSize: 32, seed: 3 });
    await assertNoLeak(async () => {
      const r = await trainEmbedding(
        { ...base, model, miner, distance, loader: (s) => randomLoader(s) },
        { progress: false },
      );
      const trained = r.history.filter((h) => h.triplets > 0).length;
      // before the redesign: miner, loss, diagnostics and accuracy each computed it (4 a step)
      assert.equal(counts.matrix, base.steps + trained, `${miner}: matrix() calls`);
      assert.equal(counts.pairwise, 0);
    });
    model.dispose();
  }
});

Deno.test("trainEmbedding() with micro-batches computes the shared matrix once a step and one per micro-batch on the gradient pass", async () => {
  const { distance, counts } = countingDistance("squaredEuclidean");
  const model = createModel("tiny", { inputSize: 32, seed: 3 });
  await assertNoLeak(async () => {
    const r = await trainEmbedding(
      {
        ...base,
        model,
        distance,
        microBatch: 5,
        reducer: "meanNonZero",
        loader: (s) => randomLoader(s),
      },
      { progress: false },
    );
    const passes = r.history.reduce((s, h) => s + h.microBatches, 0);
    assert.ok(passes > base.steps, `expected several micro-batches a step, got ${passes}`);
    assert.equal(counts.matrix, base.steps + passes);
  });
  model.dispose();
});

Deno.test("trainEmbedding() in triplet-model mode computes the shared matrix once a step and d_ap, d_an pairwise", async () => {
  const { distance, counts } = countingDistance("euclideanEps");
  const model = createModel("tiny", { inputSize: 32, seed: 3 });
  await assertNoLeak(async () => {
    await trainEmbedding(
      { ...base, model, distance, mode: "triplet-model", loader: (s) => randomLoader(s) },
      { progress: false },
    );
    assert.equal(counts.matrix, base.steps);
    assert.equal(counts.pairwise, 2 * base.steps);
  });
  model.dispose();
});

Deno.test("trainEmbedding() leaves the embedder disposable after triplet-model training (no reference count left behind)", async () => {
  const model = createModel("tiny", { inputSize: 32, seed: 3 });
  const weights = model.weights.length;
  await trainEmbedding(
    { ...base, steps: 1, model, mode: "triplet-model", loader: (s) => randomLoader(s) },
    { progress: false },
  );
  const afterTraining = tf.memory().numTensors;
  model.dispose();
  // disposing the model frees every one of its weights
  assert.equal(afterTraining - tf.memory().numTensors, weights);
});
