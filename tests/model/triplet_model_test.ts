import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  createModel,
  createTripletModel,
  disposeModel,
  renderSummary,
  summarizeModel,
} from "../../lib/model/mod.ts";

await useTestBackend();

const batch = (seed: number) => tf.randomUniform([3, 32, 32, 3], -1, 1, "float32", seed);

Deno.test("the triplet model's summary lists the monograph's Keras layers", async () => {
  await assertNoLeak(() => {
    const triplet = createTripletModel(createModel("tiny"));
    const s = summarizeModel(triplet);
    assert.deepEqual(
      s.layers.map((
        l,
      ) => [l.name, l.className, JSON.stringify(l.outputShape), l.connectedTo.join(" ")]),
      [
        ["input_anchor", "InputLayer", "[null,32,32,3]", ""],
        ["input_pos", "InputLayer", "[null,32,32,3]", ""],
        ["input_neg", "InputLayer", "[null,32,32,3]", ""],
        ["facenet", "Model", "[null,128]", "input_anchor[0][0] input_pos[0][0] input_neg[0][0]"],
        ["pos_dist", "PairDistance", "[null,1]", "facenet[1][0] facenet[2][0]"],
        ["neg_dist", "PairDistance", "[null,1]", "facenet[1][0] facenet[3][0]"],
        ["stacked_dists", "StackDistances", "[null,2,1]", "pos_dist[0][0] neg_dist[0][0]"],
      ],
    );
    assert.equal(s.total.params, triplet.getLayer("facenet").countParams());
    assert.match(renderSummary(s), /facenet \(Model\)\s+\(None, 128\)/);
    disposeModel(triplet);
  });
});

Deno.test("pos_dist and neg_dist are the Euclidean distances of the shared embeddings", async () => {
  await assertNoLeak(async () => {
    const embedder = createModel("tiny", { seed: 5 });
    const triplet = createTripletModel(embedder);
    const [a, p, n] = [batch(1), batch(2), batch(3)];
    const [pos, neg, stacked] = triplet.predict([a, p, n]) as tf.Tensor[];
    assert.deepEqual([pos.shape, neg.shape, stacked.shape], [[3, 1], [3, 1], [3, 2, 1]]);
    const [ea, ep, en] = [a, p, n].map((x) => embedder.predict(x) as tf.Tensor);
    const ref = async (u: tf.Tensor, v: tf.Tensor) => {
      const [uu, vv] = [await u.array() as number[][], await v.array() as number[][]];
      return uu.map((row, i) => Math.sqrt(row.reduce((s, x, j) => s + (x - vv[i][j]) ** 2, 0)));
    };
    const close = (got: ArrayLike<number>, want: number[]) =>
      want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) < 1e-5, `${got[i]} vs ${w}`));
    close(await pos.data(), await ref(ea, ep));
    close(await neg.data(), await ref(ea, en));
    const st = await stacked.data();
    close([st[0], st[1]], [(await pos.data())[0], (await neg.data())[0]]);
    tf.dispose([a, p, n, pos, neg, stacked, ea, ep, en]);
    disposeModel(triplet);
  });
});

Deno.test("createTripletModel() takes any distance with pairwise(), e.g. squared Euclidean", async () => {
  await assertNoLeak(async () => {
    const squared = {
      name: "squaredEuclidean",
      smallerIsCloser: true,
      pairwise: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.sum(tf.squaredDifference(x, y), 1),
    };
    const embedder = createModel("tiny", { seed: 6 });
    const plain = createTripletModel(embedder);
    const sq = createTripletModel(embedder, { distance: squared });
    const xs = [batch(4), batch(5), batch(6)];
    const outs = plain.predict(xs) as tf.Tensor[];
    const outs2 = sq.predict(xs) as tf.Tensor[];
    const [d, d2] = [outs[0], outs2[0]];
    const [v, v2] = [await d.data(), await d2.data()];
    v.forEach((x, i) => assert.ok(Math.abs(x * x - v2[i]) < 1e-5));
    tf.dispose([...xs, ...outs, ...outs2]);
    disposeModel(plain);
  });
});

Deno.test("a triplet hinge loss on stacked_dists trains the shared embedder", async () => {
  await assertNoLeak(async () => {
    const triplet = createTripletModel(createModel("tiny", { seed: 7, norm: "batch" }));
    const xs = [batch(7), batch(8), batch(9)];
    const opt = tf.train.sgd(0.05);
    const loss = () =>
      tf.tidy(() => {
        const stacked = (triplet.apply(xs, { training: true }) as tf.Tensor[])[2];
        const [dp, dn] = tf.unstack(stacked, 1);
        return tf.mean(tf.relu(tf.add(tf.sub(dp, dn), 1))) as tf.Scalar;
      });
    const first = opt.minimize(loss, true)!;
    let last = first;
    for (let i = 0; i < 4; i++) {
      if (last !== first) last.dispose();
      last = opt.minimize(loss, true)!;
    }
    const [l0, l1] = [(await first.data())[0], (await last.data())[0]];
    assert.ok(l1 < l0, `loss ${l0} → ${l1}`);
    tf.dispose([...xs, first, last]);
    opt.dispose();
    disposeModel(triplet);
  });
});
