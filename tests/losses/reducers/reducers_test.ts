import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../../_helpers/leak.ts";
import {
  createReducer,
  meanNonZeroReducer,
  meanReducer,
  REDUCER_NAMES,
  sumReducer,
} from "../../../lib/losses/mod.ts";
import { assertClose } from "../_reference.ts";

await useTestBackend();

const VALUES = [0, 0.5, 0, 2.25, 1, 0, 3];
const REF = {
  mean: VALUES.reduce((s, v) => s + v, 0) / VALUES.length,
  meanNonZero: VALUES.reduce((s, v) => s + v, 0) / VALUES.filter((v) => v !== 0).length,
  sum: VALUES.reduce((s, v) => s + v, 0),
};
const GRAD = {
  mean: VALUES.map(() => 1 / VALUES.length),
  meanNonZero: VALUES.map(() => 1 / 4),
  sum: VALUES.map(() => 1),
};

for (const name of REDUCER_NAMES) {
  Deno.test(`${name} reducer equals the reference and has the expected gradient`, async () => {
    await assertNoLeak(async () => {
      const v = tf.tensor1d(VALUES);
      const { value, grad } = tf.valueAndGrad((t: tf.Tensor) =>
        createReducer(name).reduce(t as tf.Tensor1D)
      )(v);
      assertClose(await value.data(), [REF[name]], 1e-7, name);
      assertClose(await grad.data(), GRAD[name], 1e-7, `${name} gradient`);
      tf.dispose([v, value, grad]);
    });
  });
}

Deno.test("reducers give 0 for no triplets and meanNonZero gives 0 when every loss is 0", async () => {
  await assertNoLeak(async () => {
    const empty = tf.tensor1d([]);
    const zeros = tf.zeros([5]) as tf.Tensor1D;
    for (const r of [meanReducer(), meanNonZeroReducer(), sumReducer()]) {
      const s = r.reduce(empty);
      assert.equal((await s.data())[0], 0, r.name);
      s.dispose();
    }
    const z = meanNonZeroReducer().reduce(zeros);
    assert.equal((await z.data())[0], 0);
    tf.dispose([empty, zeros, z]);
  });
});

Deno.test("reducers reject values that are not rank 1", async () => {
  await assertNoLeak(() => {
    const m = tf.zeros([2, 2]);
    assert.throws(
      () => meanReducer().reduce(m as tf.Tensor1D),
      /meanReducer: values must be a rank-1 tensor, got shape \[2,2\]/,
    );
    m.dispose();
  });
});

for (const name of REDUCER_NAMES) {
  Deno.test(`${name} reducer's divisor makes a sum over parts reduce as the whole does`, async () => {
    await assertNoLeak(async () => {
      const reducer = createReducer(name);
      const whole = tf.tidy(() => reducer.reduce(tf.tensor1d(VALUES)));
      const expected = (await whole.data())[0];
      whole.dispose();
      const c = reducer.divisor(VALUES);
      // three parts of the values, each summed and divided by the whole's divisor
      const parts = [VALUES.slice(0, 2), VALUES.slice(2, 5), VALUES.slice(5)];
      const total = parts.reduce((s, p) => s + p.reduce((a, b) => a + b, 0) / c, 0);
      assertClose([total], [expected], 1e-6, `${name}: Σ parts / divisor`);
      assert.equal(reducer.divisor([]), 1, `${name}: divisor of no values`);
    });
  });
}
