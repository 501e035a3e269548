import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { outputsOn } from "../_helpers/compare.ts";
import { registerTrainingKernels, trainingKernelNames } from "../../lib/backend/mod.ts";
import { reducePermutation } from "../../lib/backend/_transpose.ts";
import { createRng } from "../../lib/random/mod.ts";

// The toolkit's wasm Transpose (and the 1×1 filter gradient, whose product it transposes)
// against the cpu backend's own kernels.
await useTestBackend();
await import("@tensorflow/tfjs-backend-wasm");
registerTrainingKernels("wasm");

async function valuesOn(backend: "wasm" | "cpu", f: () => tf.Tensor): Promise<Float32Array> {
  return (await outputsOn(backend, f)).values[0] as Float32Array;
}

Deno.test("reducePermutation() merges adjacent axes and drops size-1 axes", () => {
  assert.deepEqual(reducePermutation([2, 3, 4, 5], [3, 1, 2, 0]), {
    shape: [2, 12, 5],
    perm: [2, 1, 0],
  });
  assert.deepEqual(reducePermutation([2, 3, 4, 5], [1, 2, 0, 3]), {
    shape: [2, 12, 5],
    perm: [1, 0, 2],
  });
  assert.deepEqual(reducePermutation([6, 1, 7], [2, 1, 0]), { shape: [6, 7], perm: [1, 0] });
  assert.deepEqual(reducePermutation([2, 3, 4], [0, 1, 2]), { shape: [24], perm: [0] });
  assert.deepEqual(reducePermutation([1, 1], [1, 0]), { shape: [], perm: [] });
});

Deno.test("Transpose on wasm equals the cpu backend's on random shapes and permutations", async () => {
  assert.ok(trainingKernelNames("wasm").includes("Transpose"), "Transpose not registered");
  await assertNoLeak(async () => {
    const rng = createRng(41);
    const fixed: [number[], number[]][] = [
      [[70, 45], [1, 0]], // 2-D, tiles with remainders
      [[3, 33, 40], [0, 2, 1]], // a batch of matrices
      [[2, 5, 6, 7], [3, 1, 2, 0]], // the filter gradient's (stock path)
      [[2, 5, 6, 7], [0, 3, 1, 2]], // a batch of matrices after merging
      [[1, 9, 1, 4], [3, 2, 1, 0]], // size-1 axes
      [[5], [0]],
    ];
    const random: [number[], number[]][] = Array.from({ length: 12 }, () => {
      const rank = 2 + rng.int(3);
      const shape = Array.from({ length: rank }, () => 1 + rng.int(9));
      const perm = shape.map((_, i) => i);
      for (let i = rank - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      return [shape, perm];
    });
    for (const [shape, perm] of [...fixed, ...random]) {
      const seed = rng.int(1e6);
      const f = () => tf.transpose(tf.randomNormal(shape, 0, 1, "float32", seed), perm);
      const ref = await valuesOn("cpu", f);
      const got = await valuesOn("wasm", f);
      assert.deepEqual(got, ref, `Transpose [${shape}] perm [${perm}]`);
    }
    // int32 goes to wasm's own kernel
    const ints = () => tf.transpose(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], "int32"));
    assert.deepEqual(Array.from(await valuesOn("wasm", ints)), [1, 4, 2, 5, 3, 6]);
  });
});

Deno.test("the 1×1 filter gradient equals cpu's own for more and for fewer outputs than inputs", async () => {
  await assertNoLeak(async () => {
    for (const [ci, co] of [[7, 3], [3, 7]]) {
      const x = tf.randomNormal([2, 5, 4, ci], 0, 1, "float32", ci) as tf.Tensor4D;
      const dy = tf.randomNormal([2, 5, 4, co], 0, 1, "float32", co) as tf.Tensor4D;
      const f = () =>
        tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
          strides: 1,
          pad: "same",
          dataFormat: "NHWC",
          filterShape: [1, 1, ci, co],
        }) as tf.Tensor;
      const ref = await valuesOn("cpu", f);
      const got = await valuesOn("wasm", f);
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < ref.length; i++) {
        diff = Math.max(diff, Math.abs(got[i] - ref[i]));
        scale = Math.max(scale, Math.abs(ref[i]));
      }
      assert.equal(got.length, ci * co);
      assert.ok(diff / scale <= 1e-4, `ci ${ci} co ${co}: relative error ${diff / scale}`);
      tf.dispose([x, dy]);
    }
  });
});
