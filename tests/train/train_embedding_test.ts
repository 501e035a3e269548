import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { createModel } from "../../lib/model/mod.ts";
import {
  type BatchLoader,
  NonFiniteError,
  readMetrics,
  trainEmbedding,
} from "../../lib/train/mod.ts";
import { tinySynth } from "./_fixtures.ts";

await useTestBackend();

const base = {
  model: "tiny" as const,
  size: 32,
  p: 4,
  k: 3,
  seed: 11,
  lr: 0.05,
  forensicsEvery: 0,
};

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const w of model.weights) out.push((await w.read().data()) as Float32Array);
  return out;
}

Deno.test("trainEmbedding() interrupted and resumed ends with the same weights as an uninterrupted run", async () => {
  const data = await tinySynth();
  const outA = await Deno.makeTempDir(), outB = await Deno.makeTempDir();
  await assertNoLeak(async () => {
    const full = await trainEmbedding({ ...base, data, steps: 6 }, {
      outDir: outA,
      progress: false,
    });
    const a = await weightsOf(full.model);
    const part = await trainEmbedding(
      { ...base, data, steps: 6, checkpointEvery: 2 },
      { outDir: outB, progress: false, stopAfterStep: 3 },
    );
    assert.equal(part.stopped, "aborted");
    assert.equal(part.step, 3);
    part.model.dispose();
    const resumed = await trainEmbedding({ ...base, data, steps: 6 }, {
      outDir: outB,
      progress: false,
      resume: true,
    });
    assert.equal(resumed.startStep, 3);
    assert.equal(resumed.step, 6);
    const b = await weightsOf(resumed.model);
    assert.equal(a.length, b.length);
    a.forEach((w, i) =>
      assert.deepEqual(b[i], w, `weight ${i} (${full.model.weights[i].name}) differs`)
    );
    // and training did move the weights (the comparison is not between two untouched models)
    const fresh = createModel("tiny", { inputSize: 32, seed: 11 });
    const c = await weightsOf(fresh);
    assert.ok(c.some((w, i) => w.some((v, j) => v !== a[i][j])));
    fresh.dispose();
    // metrics of the resumed run continue the interrupted one: steps 1..6 once each
    const steps = (await readMetrics(`${outB}/metrics.jsonl`)).filter((r) => r.type === "step").map(
      (r) => r.step,
    );
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6]);
    full.model.dispose();
    resumed.model.dispose();
  });
  await Deno.remove(outA, { recursive: true });
  await Deno.remove(outB, { recursive: true });
});

Deno.test("trainEmbedding() stops with the step and 'square root at zero distance' when plain euclidean meets identical embeddings", async () => {
  const data = await tinySynth();
  const out = await Deno.makeTempDir();
  // an embedder whose output ignores its input: every embedding identical, so d = 0 everywhere
  const input = tf.input({ shape: [32, 32, 3] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 8, kernelInitializer: "zeros", biasInitializer: "ones" });
  const model = tf.model({ inputs: input, outputs: dense.apply(flat) as tf.SymbolicTensor });
  await assertNoLeak(async () => {
    // first a healthy run writes a checkpoint at step 2 with squared euclidean (finite gradients)
    const ok = await trainEmbedding(
      { ...base, data, model, distance: "squaredEuclidean", miner: "random", steps: 2 },
      { outDir: out, progress: false },
    );
    assert.equal(ok.step, 2);
    const before = await Deno.readFile(`${out}/checkpoints/step-00000002/weights.bin`);
    await assert.rejects(
      () =>
        trainEmbedding(
          { ...base, data, model, distance: "euclidean", miner: "random", steps: 4 },
          { outDir: out, progress: false, resume: true },
        ),
      (e: unknown) => {
        assert.ok(e instanceof NonFiniteError, String(e));
        assert.equal(e.step, 3);
        assert.match(e.message, /step 3/);
        assert.match(e.message, /square root at zero distance/);
        assert.match(e.message, /step-00000002/);
        return true;
      },
    );
    // the last good checkpoint is intact and still the latest
    assert.deepEqual(await Deno.readFile(`${out}/checkpoints/step-00000002/weights.bin`), before);
    const latest = JSON.parse(await Deno.readTextFile(`${out}/checkpoints/latest.json`));
    assert.equal(latest.step, 2);
  });
  model.dispose();
  await Deno.remove(out, { recursive: true });
});

/** An in-memory loader of random batches (no decoding): for the leak check over many steps. */
function randomLoader(seed: number, n = 12): BatchLoader {
  let i = 0;
  return {
    next() {
      const images = tf.randomNormal([n, 32, 32, 3], 0, 1, "float32", seed + i++) as tf.Tensor4D;
      return Promise.resolve({ images, labels: Int32Array.from({ length: n }, (_, j) => j % 4) });
    },
    state: () => i,
    restore: (s: never) => void (i = s as number),
  };
}

Deno.test("trainEmbedding() keeps the tensor count flat over 100 steps of tiny", async () => {
  const model = createModel("tiny", { inputSize: 32, seed: 3 });
  await assertNoLeak(async () => {
    // warm-up step (optimiser slots are created once), then count over 100 more
    const warm = await trainEmbedding({ ...base, model, loader: randomLoader, steps: 1 }, {
      progress: false,
    });
    assert.equal(warm.step, 1);
  });
  const before = tf.memory().numTensors;
  const r = await trainEmbedding(
    { ...base, model, loader: randomLoader, steps: 100, forensicsEvery: 25, microBatch: 6 },
    { progress: false },
  );
  assert.equal(tf.memory().numTensors, before, "tensors grew over 100 training steps");
  assert.equal(r.history.length, 100);
  assert.equal(r.forensics.length, 5); // steps 1, 25, 50, 75, 100
  model.dispose();
});

Deno.test("trainEmbedding() with micro-batches ends where the whole-batch gradient step ends", async () => {
  await assertNoLeak(async () => {
    const cfg = {
      ...base,
      loader: (s: number) => randomLoader(s),
      steps: 2,
      optimizer: "sgd" as const,
      lr: 0.5,
      miner: "all" as const,
    };
    const whole = await trainEmbedding({
      ...cfg,
      model: createModel("tiny", { inputSize: 32, seed: 8 }),
    }, { progress: false });
    const micro = await trainEmbedding(
      {
        ...cfg,
        model: createModel("tiny", { inputSize: 32, seed: 8 }),
        microBatch: 5,
        embedChunk: 4,
      },
      { progress: false },
    );
    const a = await weightsOf(whole.model), b = await weightsOf(micro.model);
    let maxDiff = 0, moved = 0;
    a.forEach((w, i) => w.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[i][j])))));
    assert.ok(maxDiff < 1e-4, `micro-batch weights differ by ${maxDiff}`);
    assert.ok(Math.abs(whole.history[1].loss - micro.history[1].loss) < 1e-4);
    for (const h of whole.history) moved += h.gradNorm;
    assert.ok(moved > 0);
    whole.model.dispose();
    micro.model.dispose();
  });
});

Deno.test("trainEmbedding() in 'triplet-model' mode trains the three-input model on random triplets and lowers its loss", async () => {
  const data = await tinySynth();
  await assertNoLeak(async () => {
    const r = await trainEmbedding(
      {
        ...base,
        data,
        mode: "triplet-model",
        trunk: { tripletsPerStep: 16 },
        steps: 12,
        optimizer: "adam",
        lr: 0.003,
      },
      { progress: false },
    );
    assert.equal(r.history.length, 12);
    assert.ok(r.history.every((h) => h.triplets === 16 && Number.isFinite(h.loss)));
    const first = r.history.slice(0, 3).reduce((s, h) => s + h.loss, 0);
    const last = r.history.slice(-3).reduce((s, h) => s + h.loss, 0);
    assert.ok(last < first, `loss did not fall: ${first / 3} → ${last / 3}`);
    r.model.dispose();
  });
});

Deno.test("trainEmbedding() stops at an aborted signal with a resumable checkpoint, and runs callbacks every N steps", async () => {
  const out = await Deno.makeTempDir();
  const model = createModel("tiny", { inputSize: 32, seed: 2 });
  await assertNoLeak(async () => {
    const ctl = new AbortController();
    const seen: number[] = [];
    const r = await trainEmbedding({ ...base, model, loader: randomLoader, steps: 50 }, {
      outDir: out,
      progress: false,
      signal: ctl.signal,
      callbacks: [{
        name: "probe",
        every: 2,
        onStep: (ctx) => {
          seen.push(ctx.step);
          if (ctx.step === 4) ctl.abort();
          return { twice: ctx.step * 2 };
        },
      }],
    });
    assert.equal(r.stopped, "aborted");
    assert.equal(r.step, 4);
    assert.deepEqual(seen, [2, 4]);
    assert.deepEqual(r.callbackResults.map((c) => c.values.twice), [4, 8]);
    assert.equal(JSON.parse(await Deno.readTextFile(`${out}/checkpoints/latest.json`)).step, 4);
    const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    assert.equal(summary.stopped, "aborted");
  });
  model.dispose();
  await Deno.remove(out, { recursive: true });
});
