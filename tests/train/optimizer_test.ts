import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { createOptimizer, type OptimizerName } from "../../lib/train/optimizer.ts";

await useTestBackend();

/** Naive reference of one parameter's trajectory under constant gradient sequence. */
function reference(name: OptimizerName, w0: number, grads: number[], lr: number): number {
  let w = w0, a = 0.1, m = 0, v = 0, u = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    if (name === "adagrad") {
      a += g * g;
      w -= (lr * g) / Math.sqrt(a + 1e-7);
    } else if (name === "adam") {
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      w -= (lr * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
    } else if (name === "momentum") {
      u = 0.9 * u + g;
      w -= lr * u;
    } else w -= lr * g;
  });
  return w;
}

for (const name of ["adagrad", "adam", "sgd", "momentum"] as const) {
  Deno.test(`createOptimizer("${name}") follows the textbook update rule`, async () => {
    await assertNoLeak(async () => {
      const w = tf.tidy(() => tf.variable(tf.tensor1d([1, -2]), true, `w_${name}`));
      const opt = createOptimizer(name);
      const gs = [[0.5, -1], [0.25, 2], [-0.75, 0.1]];
      for (const g of gs) {
        const gt = tf.tensor1d(g);
        opt.apply([w], { [w.name]: gt }, 0.05);
        gt.dispose();
      }
      const got = await w.data();
      assert.ok(Math.abs(got[0] - reference(name, 1, gs.map((g) => g[0]), 0.05)) < 1e-5);
      assert.ok(Math.abs(got[1] - reference(name, -2, gs.map((g) => g[1]), 0.05)) < 1e-5);
      assert.equal(opt.iterations, 3);
      opt.dispose();
      w.dispose();
    });
  });
}

Deno.test("optimizer state saved and restored continues exactly like the original", async () => {
  await assertNoLeak(async () => {
    const w1 = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3]), true, "ws1"));
    const w2 = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3]), true, "ws2"));
    const a = createOptimizer("adam"), b = createOptimizer("adam");
    const g = tf.tensor1d([0.3, -0.2, 0.1]);
    a.apply([w1], { ws1: g }, 0.1);
    b.apply([w2], { ws2: g }, 0.1);
    const st = await a.getState();
    const c = createOptimizer("adam");
    c.setState({ ...st, slots: st.slots.map((s) => ({ ...s, variable: "ws2" })) });
    a.apply([w1], { ws1: g }, 0.1);
    c.apply([w2], { ws2: g }, 0.1);
    assert.deepEqual(Array.from(await w1.data()), Array.from(await w2.data()));
    assert.throws(() => createOptimizer("sgd").setState(st), /state is for 'adam'/);
    tf.dispose([g, w1, w2]);
    [a, b, c].forEach((o) => o.dispose());
  });
});

Deno.test("createOptimizer() rejects an unknown name, naming it", () => {
  assert.throws(() => createOptimizer("rmsprop" as OptimizerName), /unknown optimizer 'rmsprop'/);
});
