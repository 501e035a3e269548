import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { RELU_GRAD_KERNEL } from "../../lib/backend/_relu_grad_kernel.ts";
import { createRng } from "../../lib/random/mod.ts";

await useTestBackend();
const onWasm = tf.getBackend() === "wasm";

/** Values of `f` on the cpu backend (stock kernels; inputs re-created there by `f`). */
async function onCpu(f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend("cpu");
  try {
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(list);
    return values;
  } finally {
    await tf.setBackend("wasm");
  }
}

Deno.test({
  name:
    "ReLU's gradient on wasm is one kernel and bit-identical to the stock formula (NaN where it gives NaN, ±0, ±∞, odd lengths)",
  ignore: !onWasm,
  async fn() {
    const special = [NaN, 0, -0, Infinity, -Infinity, 1e-30, -1e-30, 2.5, -2.5];
    await assertNoLeak(async () => {
      for (const n of [1, 3, 7, 64, 1001, 40_003]) {
        const rng = createRng(n);
        const xs = Float32Array.from(
          { length: n },
          (_, i) => i < special.length ? special[i] : rng.normal(),
        );
        const dys = Float32Array.from(
          { length: n },
          (_, i) => i < special.length ? special[special.length - 1 - i] : rng.normal(),
        );
        const x = tf.tensor1d(xs);
        const dy = tf.tensor1d(dys);
        const profile = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.relu(v))(x, dy));
        const ran = profile.kernelNames.filter((k) => !k.endsWith("__op"));
        assert.ok(ran.includes(RELU_GRAD_KERNEL), ran.join(" "));
        assert.ok(!ran.includes("Step") && !ran.includes("Multiply"), ran.join(" "));
        const got = await (profile.result as tf.Tensor).data() as Float32Array;
        tf.dispose(profile.result as tf.Tensor);
        const [want] = await onCpu(() =>
          tf.mul(tf.tensor1d(dys), tf.cast(tf.step(tf.tensor1d(xs)), "float32"))
        );
        // Bit for bit (so -0 stays -0), NaN's sign aside (not meaningful, and JS does not keep it).
        const bits = (v: Float32Array) =>
          Array.from(
            new Uint32Array(v.buffer, v.byteOffset, n),
            (u, i) => Number.isNaN(v[i]) ? -1 : u,
          );
        assert.deepEqual(bits(got), bits(want), `n ${n}: values differ`);
        tf.dispose([x, dy]);
      }
    });
  },
});

Deno.test({
  name: "SplitV and Concat on wasm equal the cpu backend's along every axis, empty parts included",
  ignore: !onWasm,
  async fn() {
    const rng = createRng(5);
    await assertNoLeak(async () => {
      for (let trial = 0; trial < 12; trial++) {
        const shape = [1 + rng.int(3), 1 + rng.int(4), 1 + rng.int(4), 2 + rng.int(20)];
        const axis = rng.int(4);
        const parts = 1 + rng.int(4);
        const sizes: number[] = [];
        let left = shape[axis];
        for (let j = 0; j < parts - 1; j++) {
          const s = rng.int(left + 1);
          sizes.push(s);
          left -= s;
        }
        sizes.push(left);
        const values = Float32Array.from(
          { length: shape.reduce((a, b) => a * b) },
          () => rng.normal(),
        );
        const f = () => {
          const x = tf.tensor(values, shape);
          const pieces = tf.split(x, sizes, axis);
          return [...pieces, tf.concat(pieces.slice().reverse(), axis)];
        };
        const want = await onCpu(f);
        const out = tf.tidy(f);
        const got = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
        tf.dispose(out);
        assert.equal(got.length, want.length);
        got.forEach((g, i) =>
          assert.deepEqual(
            g,
            want[i],
            `trial ${trial} [${shape}] axis ${axis} sizes ${sizes} output ${i}`,
          )
        );
      }
    });
  },
});
