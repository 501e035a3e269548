import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import {
  kernelNames,
  kernelNamesAsync,
  outputsOn,
  relativeError,
  seeded,
} from "../_helpers/compare.ts";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { dnnlUnavailableReason, initBackend } from "../../lib/backend/mod.ts";
import {
  CONV2D_BACKPROP_FILTER_BIAS,
  fusedConv2dWithGrad,
  TrainConv2D,
} from "../../lib/model/train_conv2d.ts";

// The fused training convolution against the stock ops it replaces (conv2d, add, relu, whose
// gradients tfjs derives), on the cpu backend (the reference), wasm, and native where it loads.
await useTestBackend();
const nativeReason = dnnlUnavailableReason();
if (!nativeReason) {
  await initBackend("native");
  await initBackend("wasm");
}
const backends = ["cpu", "wasm", ...(nativeReason ? [] : ["native"])];

interface Case {
  size: number;
  channels: number;
  filters: number;
  kernel: number;
  stride: number;
  pad: "same" | "valid";
  bias: boolean;
  relu: boolean;
}

const CASES: Case[] = [
  { size: 9, channels: 3, filters: 5, kernel: 3, stride: 1, pad: "same", bias: true, relu: true },
  { size: 10, channels: 4, filters: 6, kernel: 7, stride: 2, pad: "same", bias: true, relu: true },
  {
    size: 8,
    channels: 5,
    filters: 3,
    kernel: 1,
    stride: 1,
    pad: "valid",
    bias: false,
    relu: false,
  },
  {
    size: 11,
    channels: 2,
    filters: 4,
    kernel: 5,
    stride: 2,
    pad: "valid",
    bias: true,
    relu: false,
  },
  { size: 7, channels: 3, filters: 4, kernel: 3, stride: 2, pad: "same", bias: false, relu: true },
];

/** Loss = Σ y·r (r fixed random), so every output element's gradient differs. */
function lossAndGrads(c: Case, fused: boolean): tf.Tensor[] {
  const x = seeded([2, c.size, c.size, c.channels], 1) as tf.Tensor4D;
  const w = seeded([c.kernel, c.kernel, c.channels, c.filters], 2) as tf.Tensor4D;
  const b = seeded([c.filters], 3) as tf.Tensor1D;
  const f = (xi: tf.Tensor, wi: tf.Tensor, bi?: tf.Tensor) => {
    let y: tf.Tensor;
    if (fused) {
      y = fusedConv2dWithGrad(
        xi as tf.Tensor4D,
        wi as tf.Tensor4D,
        bi ? bi as tf.Tensor1D : null,
        {
          strides: [c.stride, c.stride],
          pad: c.pad,
          relu: c.relu,
        },
      );
    } else {
      y = tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, c.stride, c.pad);
      if (bi) y = tf.add(y, bi);
      if (c.relu) y = tf.relu(y);
    }
    const r = seeded(y.shape, 4);
    return tf.sum(tf.mul(y, r)) as tf.Scalar;
  };
  const { value, grads } = c.bias
    ? tf.valueAndGrads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => f(xi, wi, bi))([x, w, b])
    : tf.valueAndGrads((xi: tf.Tensor, wi: tf.Tensor) => f(xi, wi))([x, w]);
  return [value, ...grads];
}

Deno.test("fusedConv2dWithGrad: value and gradients equal conv2d + add + relu's (cpu, wasm, native)", async () => {
  for (const c of CASES) {
    const what = JSON.stringify(c);
    await assertNoLeak(async () => {
      const ref = await outputsOn("cpu", () => lossAndGrads(c, false));
      for (const backend of backends) {
        const { names, result: got } = await kernelNamesAsync(() =>
          outputsOn(backend, () => lossAndGrads(c, true))
        );
        // native: a bias's gradient comes with the filter's from one oneDNN pass, no Σ dy
        const fusedBias = backend === "native" && c.bias;
        assert.equal(names.includes(CONV2D_BACKPROP_FILTER_BIAS), fusedBias, `${what} ${backend}`);
        assert.equal(names.includes("Conv2DBackpropFilter"), !fusedBias, `${what} ${backend}`);
        // one Sum for the loss, and one for the bias gradient unless it came from oneDNN
        const sums = names.filter((n) => n === "Sum").length;
        assert.equal(sums, c.bias && !fusedBias ? 2 : 1, `${what} ${backend}: Sum kernels`);
        assert.deepEqual(got.shapes, ref.shapes, `${what} on ${backend}: shapes`);
        got.values.forEach((v, i) => {
          const err = relativeError(v, ref.values[i]);
          assert.ok(err <= 1e-4, `${what} on ${backend}, output ${i}: relative error ${err}`);
        });
      }
    }, what);
  }
});

function tinyModel(): tf.LayersModel {
  const Conv = TrainConv2D();
  const input = tf.input({ shape: [8, 8, 3] });
  const c1 = new Conv({
    filters: 4,
    kernelSize: 3,
    padding: "same",
    useBias: false,
    activation: "linear",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
  }).apply(input) as tf.SymbolicTensor;
  const r = tf.layers.activation({ activation: "relu" }).apply(c1) as tf.SymbolicTensor;
  const c2 = new Conv({
    filters: 2,
    kernelSize: 3,
    strides: 2,
    padding: "same",
    activation: "relu",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
  }).apply(r) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: c2 });
}

Deno.test("TrainConv2D: one FusedConv2D per layer in training, no gradient of the image, stock kernels in inference, saved as Conv2D", async () => {
  await assertNoLeak(() => {
    const model = tinyModel();
    const x = seeded([2, 8, 8, 3], 5);
    let forward: string[] = [];
    const train = kernelNames(() => {
      const { value, grads } = tf.variableGrads(() => {
        let y: tf.Tensor | undefined;
        forward = kernelNames(() => y = model.apply(x, { training: true }) as tf.Tensor);
        return tf.sum(y!) as tf.Scalar;
      });
      tf.dispose([value, ...Object.values(grads)]);
    });
    const count = (list: string[], name: string) => list.filter((n) => n === name).length;
    // conv + bias + relu as one kernel; the stock layer runs Conv2D, Add and Relu here.
    const computing = forward.filter((n) => n !== "Identity");
    assert.deepEqual(computing, ["FusedConv2D", "Relu", "FusedConv2D"], forward.join(" "));
    assert.equal(count(train, "Conv2DBackpropFilter"), 2);
    // Only the second layer's input needs a gradient; the first one's is the image.
    assert.equal(count(train, "Conv2DBackpropInput"), 1);
    const infer = kernelNames(() => tf.dispose(model.predict(x) as tf.Tensor));
    assert.equal(count(infer, "FusedConv2D"), 2);
    assert.equal(count(infer, "Conv2DBackpropInput"), 0);
    const classes = (model.toJSON(undefined, false) as unknown as {
      config: { layers: { class_name: string }[] };
    }).config.layers.map((l) => l.class_name);
    assert.deepEqual(classes.filter((n) => n.startsWith("Conv")), ["Conv2D", "Conv2D"]);
    tf.dispose(x);
    model.dispose();
  });
});

Deno.test({
  name:
    "native: a filter differentiated without its bias leaves at most one bias gradient over, freed by the next",
  ignore: nativeReason !== undefined,
  fn: async () => {
    await tf.setBackend("native");
    try {
      const x = seeded([2, 6, 6, 3], 1) as tf.Tensor4D;
      const w = seeded([3, 3, 3, 4], 2) as tf.Tensor4D;
      const b = seeded([4], 3) as tf.Tensor1D;
      const conv = (wi: tf.Tensor, bi: tf.Tensor) =>
        tf.sum(fusedConv2dWithGrad(x, wi as tf.Tensor4D, bi as tf.Tensor1D, { relu: true }));
      const filterOnly = () => tf.grad((wi: tf.Tensor) => conv(wi, b))(w);
      const before = tf.memory().numTensors;
      const g1 = filterOnly();
      assert.equal(tf.memory().numTensors, before + 2, "the gradient and one bias gradient over");
      const g2 = filterOnly();
      assert.equal(tf.memory().numTensors, before + 3, "still one over: the first was freed");
      const both = tf.grads(conv)([w, b]); // the bias differentiated: nothing over
      assert.equal(tf.memory().numTensors, before + 4);
      const ref = await outputsOn("cpu", () => tf.grad((wi: tf.Tensor) => conv(wi, b))(w));
      assert.ok(relativeError(await g1.data() as Float32Array, ref.values[0]) <= 1e-4);
      tf.dispose([g1, g2, ...both, x, w, b]);
    } finally {
      await tf.setBackend("wasm");
    }
  },
});
