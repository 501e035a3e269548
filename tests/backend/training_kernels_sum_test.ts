import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { outputsOn } from "../_helpers/compare.ts";
import { registerTrainingKernels, trainingKernelNames } from "../../lib/backend/mod.ts";
import { createRng } from "../../lib/random/mod.ts";

// The toolkit's wasm Sum (leading axes in one pass; the rest on wasm's own) against the cpu
// backend's own kernel.
await useTestBackend();
await import("@tensorflow/tfjs-backend-wasm");
registerTrainingKernels("wasm");

async function valuesOn(
  backend: "wasm" | "cpu",
  f: () => tf.Tensor,
): Promise<{ values: Float32Array | Int32Array; shape: number[] }> {
  const out = await outputsOn(backend, f);
  return { values: out.values[0], shape: out.shapes[0] };
}

Deno.test("Sum on wasm equals the cpu backend's over leading and other axes", async () => {
  assert.ok(trainingKernelNames("wasm").includes("Sum"), "Sum not registered on wasm");
  await assertNoLeak(async () => {
    const rng = createRng(61);
    const cases: [number[], number | number[] | null, boolean][] = [
      [[4, 3, 5, 7], [0, 1, 2], false], // a bias gradient
      [[4, 3, 5, 7], [0, 1, 2], true],
      [[8, 24, 24, 68], [0, 1, 2], false], // large enough that the wasm threads split the columns
      [[6, 9], 0, false],
      [[2, 3, 4], [1, 0], false], // unordered leading axes
      [[2, 3, 4], [-3, -2], true], // negative axes
      [[2, 3, 4], [0, 2], false], // not leading: wasm's own
      [[2, 3, 4], null, false], // all axes: wasm's own
      [[5, 4], 1, false], // innermost: wasm's own
    ];
    for (const [shape, axis, keepDims] of cases) {
      const seed = rng.int(1e6);
      const f = () =>
        tf.sum(tf.randomNormal(shape, 0, 1, "float32", seed), axis ?? undefined, keepDims);
      const ref = await valuesOn("cpu", f);
      const got = await valuesOn("wasm", f);
      const what = `sum [${shape}] axis ${JSON.stringify(axis)} keepDims ${keepDims}`;
      assert.deepEqual(got.shape, ref.shape, `${what}: shape`);
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < ref.values.length; i++) {
        diff = Math.max(diff, Math.abs(got.values[i] - ref.values[i]));
        scale = Math.max(scale, Math.abs(ref.values[i]));
      }
      assert.ok(diff <= 1e-4 * scale, `${what}: relative error ${diff / scale}`);
    }
    const ints = () => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], "int32"), 0);
    const got = await valuesOn("wasm", ints);
    assert.deepEqual(Array.from(got.values), [9, 12]);
  });
});
