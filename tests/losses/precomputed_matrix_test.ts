import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  allTriplets,
  contrastiveLoss,
  createDistance,
  createMiner,
  DISTANCE_NAMES,
  MINER_NAMES,
  pairsFromTriplets,
  TRIPLET_FORMS,
  tripletDiagnostics,
  tripletLoss,
} from "../../lib/losses/mod.ts";
import { assertClose } from "./_reference.ts";

await useTestBackend();

const LABELS = [0, 0, 0, 1, 1, 2, 2, 2];
const embeddings = () => tf.randomNormal([LABELS.length, 5], 0, 1, "float32", 7) as tf.Tensor2D;

async function values(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

for (const name of DISTANCE_NAMES) {
  Deno.test(`tripletLoss and contrastiveLoss give the same values from a precomputed ${name} matrix as from embeddings`, async () => {
    const x = embeddings();
    const distance = createDistance(name);
    const t = allTriplets(LABELS);
    await assertNoLeak(async () => {
      const m = distance.matrix(x);
      for (const form of TRIPLET_FORMS) {
        const loss = tripletLoss({ distance, form, margin: 0.3 });
        assert.deepEqual(
          await values(loss.fromMatrix!(m, LABELS, t)),
          await values(loss.compute(x, LABELS, t)),
          `triplet ${form}`,
        );
      }
      const c = contrastiveLoss({ distance });
      assert.deepEqual(await values(c.fromMatrix!(m, LABELS)), await values(c.compute(x, LABELS)));
      m.dispose();
    });
    x.dispose();
  });
}

Deno.test("fromTripletDistances equals compute on the same triplets (triplet forms: [T] values, contrastive: [2T])", async () => {
  const x = embeddings();
  const distance = createDistance("euclideanEps");
  const t = allTriplets(LABELS);
  await assertNoLeak(async () => {
    const rows = (i: Int32Array) =>
      tf.tidy(() => tf.gather(x, tf.tensor1d(i, "int32")) as tf.Tensor2D);
    const [a, p, n] = [rows(t.anchors), rows(t.positives), rows(t.negatives)];
    const dap = distance.pairwise(a, p), dan = distance.pairwise(a, n);
    for (const form of TRIPLET_FORMS) {
      const loss = tripletLoss({ distance, form });
      const direct = await values(loss.fromTripletDistances!(dap, dan));
      const viaMatrix = await values(loss.compute(x, LABELS, t));
      assertClose(direct, viaMatrix, 1e-5, form);
    }
    const c = contrastiveLoss({ distance, margin: 1.5 });
    const direct = await values(c.fromTripletDistances!(dap, dan));
    const viaPairs = await values(c.compute(x, LABELS, pairsFromTriplets(t)));
    assert.equal(direct.length, 2 * t.anchors.length);
    assertClose(direct, viaPairs, 1e-5, "contrastive");
    tf.dispose([a, p, n, dap, dan]);
  });
  x.dispose();
});

for (const miner of MINER_NAMES) {
  Deno.test(`the ${miner} miner chooses the same triplets from the shared matrix as from embeddings`, async () => {
    const x = embeddings();
    const distance = createDistance("squaredEuclidean");
    await assertNoLeak(async () => {
      const m = distance.matrix(x);
      const d = (await m.data()) as Float32Array;
      m.dispose();
      // a seed function: each call gets a fresh generator from the same seed sequence
      const seeds = () => {
        let s = 5;
        return () => s++;
      };
      const a = createMiner(miner, { distance, margin: 0.5, seed: seeds(), select: "random" });
      const b = createMiner(miner, { distance, margin: 0.5, seed: seeds(), select: "random" });
      for (let call = 0; call < 2; call++) {
        const fromEmbeddings = await a.mine(x, LABELS);
        const fromMatrix = b.mineMatrix!(d, LABELS);
        assert.deepEqual(fromMatrix, fromEmbeddings, `call ${call}`);
      }
      assert.throws(() => b.mineMatrix!(d.subarray(1), LABELS), /distances, got 63/);
    });
    x.dispose();
  });
}

Deno.test("a miner given a seed function draws a fresh generator from it at every call", async () => {
  const x = embeddings();
  const drawn: number[] = [];
  const miner = createMiner("random", { seed: () => (drawn.push(drawn.length), 42) });
  const first = await miner.mine(x, LABELS);
  const second = await miner.mine(x, LABELS);
  assert.deepEqual(drawn, [0, 1]);
  assert.deepEqual(second, first); // the same seed each call: the same triplets
  const fixed = createMiner("random", { seed: 42 });
  const f1 = await fixed.mine(x, LABELS), f2 = await fixed.mine(x, LABELS);
  assert.deepEqual(f1, first);
  assert.notDeepEqual(f2, f1); // a number seed: one generator whose sequence continues
  x.dispose();
});

Deno.test("tripletDiagnostics given the matrix equals tripletDiagnostics computing it", async () => {
  const x = embeddings();
  const distance = createDistance("cosine");
  const t = allTriplets(LABELS);
  await assertNoLeak(async () => {
    const m = distance.matrix(x);
    const d = await m.data();
    m.dispose();
    assert.deepEqual(
      await tripletDiagnostics(x, LABELS, t, { distance, matrix: d }),
      await tripletDiagnostics(x, LABELS, t, { distance }),
    );
  });
  x.dispose();
});
