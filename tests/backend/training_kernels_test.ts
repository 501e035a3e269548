import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { relativeError } from "../_helpers/compare.ts";
import {
  registerTrainingKernels,
  trainingKernelNames,
  unregisterTrainingKernels,
} from "../../lib/backend/mod.ts";
import { createSmallConvNet } from "../../lib/backend/_small_conv_net.ts";
import { conv2dBackpropFilterByConv } from "../../lib/backend/_conv_backprop_filter.ts";
import { createRng } from "../../lib/random/mod.ts";

// Every test runs its candidate on wasm with the toolkit's kernels and its reference on the cpu
// backend with tfjs's own (stock) kernels, then leaves wasm active.
await useTestBackend();
await import("@tensorflow/tfjs-backend-wasm");
registerTrainingKernels("wasm");

const TOLERANCE = 1e-4;

/** Runs `f` on `backend` (toolkit kernels or stock) and returns the values of what it returns. */
async function valuesOn(
  backend: "wasm" | "cpu",
  kernels: "toolkit" | "stock",
  f: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  const had = trainingKernelNames(backend).length > 0;
  if (kernels === "stock" && had) unregisterTrainingKernels(backend);
  if (kernels === "toolkit" && !had) registerTrainingKernels(backend);
  try {
    await tf.setBackend(backend);
    const out = tf.tidy(f); // intermediates of f are disposed, its outputs kept
    const list = Array.isArray(out) ? out : [out];
    const values = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(list);
    return values;
  } finally {
    if (kernels === "stock" && had) registerTrainingKernels(backend);
    if (kernels === "toolkit" && !had) unregisterTrainingKernels(backend);
    await tf.setBackend("wasm");
  }
}

/** Asserts the candidate backend's values equal the stock cpu reference within TOLERANCE. */
async function assertMatchesCpu(
  what: string,
  f: () => tf.Tensor | tf.Tensor[],
  candidate: "wasm" | "cpu" = "wasm",
): Promise<void> {
  const ref = await valuesOn("cpu", "stock", f);
  const got = await valuesOn(candidate, "toolkit", f);
  ref.forEach((r, i) => {
    const e = relativeError(got[i], r);
    assert.ok(e <= TOLERANCE, `${what} [output ${i}]: relative error ${e.toExponential(2)}`);
  });
}

/** Random conv problems covering 1/3/5/7 filters, stride 1 and 2, same and valid padding. */
function convCases(seed: number) {
  const rng = createRng(seed);
  const cases = [];
  for (const k of [1, 3, 5, 7]) {
    for (const stride of [1, 2] as const) {
      for (const pad of ["same", "valid"] as const) {
        const h = k + rng.int(7);
        cases.push({
          k,
          stride,
          pad,
          x: [1 + rng.int(3), h, h + rng.int(4), 1 + rng.int(5)] as [
            number,
            number,
            number,
            number,
          ],
          co: 1 + rng.int(6),
          multiplier: 1 + rng.int(2),
          seed: rng.int(1e6),
        });
      }
    }
  }
  return cases;
}

function label(c: ReturnType<typeof convCases>[number]): string {
  return `${c.k}×${c.k} stride ${c.stride} ${c.pad} x[${c.x}]`;
}

Deno.test("registerTrainingKernels() is idempotent and names what it registered", () => {
  const first = registerTrainingKernels("wasm");
  const again = registerTrainingKernels("wasm");
  assert.deepEqual(again, first);
  for (
    const k of [
      "Conv2DBackpropInput",
      "Conv2DBackpropFilter",
      "DepthwiseConv2dNativeBackpropInput",
      "DepthwiseConv2dNativeBackpropFilter",
      "UnsortedSegmentSum",
      "MaxPoolGrad",
      "AvgPoolGrad",
      "BatchMatMul",
      "_FusedMatMul",
      "Einsum",
    ]
  ) {
    assert.ok(first.includes(k), `${k} not registered on wasm`);
    assert.ok(tf.getKernel(k, "wasm"), `${k} has no wasm kernel`);
  }
  assert.throws(
    () => registerTrainingKernels("webgl" as "wasm"),
    /unknown backend 'webgl'/,
  );
});

Deno.test("Conv2DBackpropInput on wasm equals the cpu reference on random shapes", async () => {
  await assertNoLeak(async () => {
    for (const c of convCases(11)) {
      const x = tf.randomNormal(c.x, 0, 1, "float32", c.seed) as tf.Tensor4D;
      const w = tf.randomNormal(
        [c.k, c.k, c.x[3], c.co],
        0,
        1,
        "float32",
        c.seed + 1,
      ) as tf.Tensor4D;
      const yShape = tf.tidy(() => tf.conv2d(x, w, c.stride, c.pad).shape);
      const dy = tf.randomNormal(yShape, 0, 1, "float32", c.seed + 2) as tf.Tensor4D;
      await assertMatchesCpu(
        `Conv2DBackpropInput ${label(c)}`,
        () => tf.conv2dTranspose(dy, w, c.x, c.stride, c.pad),
      );
      tf.dispose([x, w, dy]);
    }
  });
});

Deno.test("Conv2DBackpropFilter on wasm and on cpu equals cpu's own kernel on random shapes", async () => {
  await assertNoLeak(async () => {
    for (const c of convCases(12)) {
      const x = tf.randomNormal(c.x, 0, 1, "float32", c.seed) as tf.Tensor4D;
      const w = tf.randomNormal(
        [c.k, c.k, c.x[3], c.co],
        0,
        1,
        "float32",
        c.seed + 1,
      ) as tf.Tensor4D;
      const yShape = tf.tidy(() => tf.conv2d(x, w, c.stride, c.pad).shape);
      const dy = tf.randomNormal(yShape, 0, 1, "float32", c.seed + 2) as tf.Tensor4D;
      const f = () =>
        tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
          strides: c.stride,
          pad: c.pad,
          dataFormat: "NHWC",
          filterShape: w.shape,
        }) as tf.Tensor;
      await assertMatchesCpu(`Conv2DBackpropFilter (wasm) ${label(c)}`, f, "wasm");
      await assertMatchesCpu(`Conv2DBackpropFilter (cpu) ${label(c)}`, f, "cpu");
      tf.dispose([x, w, dy]);
    }
  });
});

Deno.test("the filter gradient chunked over the batch equals cpu's own kernel", async () => {
  await assertNoLeak(async () => {
    for (const c of convCases(13).filter((_, i) => i % 3 === 0)) {
      const xShape: [number, number, number, number] = [5, c.x[1], c.x[2], c.x[3]];
      const x = tf.randomNormal(xShape, 0, 1, "float32", c.seed) as tf.Tensor4D;
      const filterShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.co];
      const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, c.stride, 1, c.pad);
      const dyShape: [number, number, number, number] = [5, info.outHeight, info.outWidth, c.co];
      const dy = tf.randomNormal(dyShape, 0, 1, "float32", c.seed + 2) as tf.Tensor4D;
      const g = {
        strides: [info.strideHeight, info.strideWidth] as [number, number],
        padTop: info.padInfo.top,
        padLeft: info.padInfo.left,
        filterHeight: c.k,
        filterWidth: c.k,
      };
      const [ref] = await valuesOn(
        "cpu",
        "stock",
        () =>
          tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
            strides: c.stride,
            pad: c.pad,
            dataFormat: "NHWC",
            filterShape,
          }) as tf.Tensor,
      );
      // Chunks of 2, 2 and 1 images.
      const perImage = info.outHeight * info.outWidth * c.co;
      const [got] = await valuesOn(
        "wasm",
        "toolkit",
        () => conv2dBackpropFilterByConv(x, dy, g, { maxChunkElements: 2 * perImage + 1 }),
      );
      const e = relativeError(got, ref);
      assert.ok(e <= TOLERANCE, `chunked filter gradient ${label(c)}: relative error ${e}`);
      tf.dispose([x, dy]);
    }
  });
});

Deno.test("depthwise conv gradients on wasm equal the cpu reference on random shapes", async () => {
  await assertNoLeak(async () => {
    for (const c of convCases(13)) {
      const x = tf.randomNormal(c.x, 0, 1, "float32", c.seed) as tf.Tensor4D;
      const w = tf.randomNormal(
        [c.k, c.k, c.x[3], c.multiplier],
        0,
        1,
        "float32",
        c.seed + 1,
      ) as tf.Tensor4D;
      const yShape = tf.tidy(() => tf.depthwiseConv2d(x, w, c.stride, c.pad).shape);
      const dy = tf.randomNormal(yShape, 0, 1, "float32", c.seed + 2) as tf.Tensor4D;
      const attrs = { strides: c.stride, dilations: 1, pad: c.pad };
      await assertMatchesCpu(
        `DepthwiseConv2dNativeBackpropInput ${label(c)} ×${c.multiplier}`,
        () =>
          tf.engine().runKernel("DepthwiseConv2dNativeBackpropInput", { dy, filter: w }, {
            ...attrs,
            inputShape: c.x,
          }) as tf.Tensor,
      );
      await assertMatchesCpu(
        `DepthwiseConv2dNativeBackpropFilter ${label(c)} ×${c.multiplier}`,
        () =>
          tf.engine().runKernel("DepthwiseConv2dNativeBackpropFilter", { x, dy }, {
            ...attrs,
            filterShape: w.shape,
          }) as tf.Tensor,
      );
      tf.dispose([x, w, dy]);
    }
  });
});

Deno.test("attributes the fast kernels do not cover (NCHW, dilations) fall back and match cpu", async () => {
  await assertNoLeak(async () => {
    const x = tf.randomNormal([2, 6, 5, 3], 0, 1, "float32", 1);
    const dy = tf.randomNormal([2, 6, 5, 4], 0, 1, "float32", 2);
    const dyDepth = tf.randomNormal([2, 6, 5, 3], 0, 1, "float32", 3);
    const w = tf.randomNormal([3, 3, 3, 4], 0, 1, "float32", 4);
    const nchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]);
    const base = { strides: 1, pad: "same" };
    await assertMatchesCpu(
      "Conv2DBackpropInput NCHW (wasm's own kernel)",
      () =>
        tf.engine().runKernel("Conv2DBackpropInput", { dy: nchw(dy), filter: w }, {
          ...base,
          dataFormat: "NCHW",
          inputShape: [2, 3, 6, 5],
        }) as tf.Tensor,
    );
    await assertMatchesCpu(
      "Conv2DBackpropFilter NCHW (cpu fallback)",
      () =>
        tf.engine().runKernel("Conv2DBackpropFilter", { x: nchw(x), dy: nchw(dy) }, {
          ...base,
          dataFormat: "NCHW",
          filterShape: [3, 3, 3, 4],
        }) as tf.Tensor,
    );
    await assertMatchesCpu(
      "DepthwiseConv2dNativeBackpropFilter dilation 2 (cpu fallback)",
      () =>
        tf.engine().runKernel("DepthwiseConv2dNativeBackpropFilter", { x, dy: dyDepth }, {
          ...base,
          dilations: 2,
          filterShape: [3, 3, 3, 1],
        }) as tf.Tensor,
    );
    tf.dispose([x, dy, dyDepth, w]);
  });
});

Deno.test("MaxPoolGrad and AvgPoolGrad on wasm equal the cpu reference, ties included", async () => {
  await assertNoLeak(async () => {
    const rng = createRng(15);
    for (const filterSize of [2, 3]) {
      for (const stride of [1, 2]) {
        for (const pad of ["same", "valid"] as const) {
          const h = 3 + rng.int(6);
          const shape: [number, number, number, number] = [
            1 + rng.int(3),
            h,
            h + rng.int(3),
            1 + rng.int(5),
          ];
          // relu makes ties (zeros): the gradient must go to the same (first) maximum as on cpu
          const seed = rng.int(1e6);
          const x = tf.tidy(() =>
            tf.relu(tf.randomNormal(shape, 0, 1, "float32", seed))
          ) as tf.Tensor4D;
          const what = `${filterSize}×${filterSize} stride ${stride} ${pad} x[${shape}]`;
          const pooled = tf.tidy(() => tf.maxPool(x, filterSize, stride, pad));
          const dy = tf.randomNormal(pooled.shape, 0, 1, "float32", rng.int(1e6));
          await assertMatchesCpu(
            `MaxPoolGrad ${what}`,
            () =>
              tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, filterSize, stride, pad))(
                x,
                dy,
              ),
          );
          await assertMatchesCpu(
            `AvgPoolGrad ${what}`,
            () =>
              tf.grad((v: tf.Tensor) => tf.avgPool(v as tf.Tensor4D, filterSize, stride, pad))(
                x,
                dy,
              ),
          );
          tf.dispose([x, pooled, dy]);
        }
      }
    }
  });
});

Deno.test("UnsortedSegmentSum on wasm equals the cpu reference, dropping out-of-range ids", async () => {
  await assertNoLeak(async () => {
    const rng = createRng(14);
    for (const [rows, inner, segments] of [[7, 3, 4], [20, 1, 9], [33, 8, 5]]) {
      const x = tf.randomNormal([rows, inner], 0, 1, "float32", rows);
      const ids = tf.tensor1d(
        Array.from({ length: rows }, () => rng.int(segments + 2) - 1), // includes -1 and n
        "int32",
      );
      await assertMatchesCpu(
        `UnsortedSegmentSum rows ${rows} segments ${segments}`,
        () => tf.unsortedSegmentSum(x, ids, segments),
      );
      tf.dispose([x, ids]);
    }
    const xi = tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], "int32");
    const seg = tf.tensor1d([1, 1, 0], "int32");
    const got = tf.unsortedSegmentSum(xi, seg, 2);
    assert.equal(got.dtype, "int32");
    assert.deepEqual(await got.array(), [[5, 6], [4, 6]]);
    tf.dispose([xi, seg, got]);
  });
});

Deno.test("the gradient of tf.gather works on wasm and equals the cpu reference", async () => {
  await assertNoLeak(async () => {
    const table = tf.randomNormal([12, 5], 0, 1, "float32", 3);
    const idx = tf.tensor1d([3, 0, 3, 11, 7, 3], "int32");
    await assertMatchesCpu(
      "gather gradient",
      () => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, idx))))(table),
    );
    tf.dispose([table, idx]);
  });
});

Deno.test("BatchMatMul and _FusedMatMul on wasm equal the cpu reference for all four transpose combos", async () => {
  await assertNoLeak(async () => {
    const rng = createRng(21);
    for (let trial = 0; trial < 3; trial++) {
      const [m, k, n] = [1 + rng.int(40), 1 + rng.int(70), 1 + rng.int(50)];
      const batch = trial === 0 ? [] : [1 + rng.int(3)];
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const a = tf.randomNormal(
            [...batch, ...(transposeA ? [k, m] : [m, k])],
            0,
            1,
            "float32",
            trial,
          );
          const b = tf.randomNormal(
            [...batch, ...(transposeB ? [n, k] : [k, n])],
            0,
            1,
            "float32",
            trial + 7,
          );
          const bias = tf.randomNormal([n], 0, 1, "float32", trial + 9);
          const what = `matMul ${a.shape}·${b.shape} tA=${transposeA} tB=${transposeB}`;
          await assertMatchesCpu(what, () => tf.matMul(a, b, transposeA, transposeB));
          await assertMatchesCpu(
            `fused ${what}`,
            () => tf.fused.matMul({ a, b, transposeA, transposeB, bias, activation: "relu" }),
          );
          tf.dispose([a, b, bias]);
        }
      }
    }
    // The gradient of a Dense-like product uses the flags; it must match too.
    const x = tf.randomNormal([9, 13], 0, 1, "float32", 4);
    const w = tf.randomNormal([13, 6], 0, 1, "float32", 5);
    await assertMatchesCpu(
      "matMul gradients",
      () => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q))))([x, w]),
    );
    tf.dispose([x, w]);
  });
});

Deno.test("kernels wasm lacks run on the cpu fallback (tf.einsum on wasm)", async () => {
  await assertNoLeak(async () => {
    const a = tf.randomNormal([4, 6], 0, 1, "float32", 1);
    const b = tf.randomNormal([6, 3], 0, 1, "float32", 2);
    await assertMatchesCpu("einsum ij,jk->ik", () => tf.einsum("ij,jk->ik", a, b));
    assert.equal(tf.getBackend(), "wasm");
    const viaFallback = tf.einsum("ij,jk->ik", a, b);
    const viaMatMul = tf.matMul(a, b);
    assert.ok(relativeError(await viaFallback.data(), await viaMatMul.data()) <= TOLERANCE);
    tf.dispose([a, b, viaFallback, viaMatMul]);
  });
});

Deno.test("unregisterTrainingKernels() restores wasm's own Conv2DBackpropInput", async () => {
  await assertNoLeak(async () => {
    const dy = tf.randomNormal([1, 4, 4, 2], 0, 1, "float32", 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 2], 0, 1, "float32", 2) as tf.Tensor4D;
    const ours = await valuesOn(
      "wasm",
      "toolkit",
      () => tf.conv2dTranspose(dy, w, [1, 8, 8, 3], 2, "same"),
    );
    const theirs = await valuesOn(
      "wasm",
      "stock",
      () => tf.conv2dTranspose(dy, w, [1, 8, 8, 3], 2, "same"),
    );
    assert.ok(relativeError(ours[0], theirs[0]) <= TOLERANCE);
    assert.ok(trainingKernelNames("wasm").includes("Conv2DBackpropInput"), "wasm kernels restored");
    tf.dispose([dy, w]);
  });
});

Deno.test("a small conv net's training step on wasm gives the cpu backend's gradients", async () => {
  await assertNoLeak(async () => {
    const net = createSmallConvNet({ inputSize: 16, width: 8, seed: 7 });
    const x = tf.randomNormal([4, 16, 16, 3], 0, 1, "float32", 8) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 3, 3, 9], "int32");
    const step = () => {
      const { value, grads } = tf.variableGrads(() => net.loss(x, labels));
      return [value, ...net.variables.map((v) => grads[v.name])];
    };
    const ref = await valuesOn("cpu", "stock", step);
    const got = await valuesOn("wasm", "toolkit", step);
    assert.equal(got.length, net.variables.length + 1);
    got.forEach((g, i) => {
      const what = i === 0
        ? "loss"
        : `gradient of ${net.variables[i - 1].name} [${net.variables[i - 1].shape}]`;
      assert.ok(g.some((v) => v !== 0), `${what} is all zeros`);
      const e = relativeError(g, ref[i]);
      assert.ok(e <= TOLERANCE, `${what}: relative error ${e.toExponential(2)}`);
    });
    net.dispose();
    tf.dispose([x, labels]);
  });
});

Deno.test("a 1×1 filter's gradient on wasm (one matmul, transposing the narrower operand) equals cpu's, fewer or more output channels", async () => {
  await assertNoLeak(async () => {
    for (const [ci, co] of [[12, 5], [5, 12], [7, 7]]) {
      await assertMatchesCpu(`1×1 ci ${ci} co ${co}`, () => {
        const x = tf.randomNormal([3, 6, 5, ci], 0, 1, "float32", ci) as tf.Tensor4D;
        const dy = tf.randomNormal([3, 6, 5, co], 0, 1, "float32", co) as tf.Tensor4D;
        return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
          strides: [1, 1],
          pad: "same",
          dataFormat: "NHWC",
          dimRoundingMode: undefined,
          filterShape: [1, 1, ci, co],
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
      });
    }
  });
});
