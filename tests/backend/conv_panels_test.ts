import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { relativeError } from "../_helpers/compare.ts";
import { panelModuleBytes } from "../../lib/backend/_wasm_gemm_module.ts";
import { panelsOf } from "../../lib/backend/_filter_grad_panels.ts";
import { type ConvJob, convPositions } from "../../lib/backend/_conv2d_positions.ts";
import { type PadGeometry, padImages } from "../../lib/backend/_pad_ranges.ts";
import { convPanelsCover } from "../../lib/backend/_conv2d_panels.ts";
import { registerTrainingKernels, unregisterTrainingKernels } from "../../lib/backend/mod.ts";
import { createRng } from "../../lib/random/mod.ts";

await useTestBackend();
const onWasm = tf.getBackend() === "wasm";

/** A random padded input, filter, bias and position list laid out in `heap` from address 0. */
function randomConv(
  heap: Float32Array,
  seed: number,
  fixed: { kh?: number; kw?: number; c?: number } = {},
) {
  const rng = createRng(seed);
  const kh = fixed.kh ?? 1 + rng.int(5);
  const kw = fixed.kw ?? 1 + rng.int(5);
  const [sh, sw] = [1 + rng.int(2), 1 + rng.int(2)];
  const [n, oh, ow] = [1 + rng.int(3), 1 + rng.int(5), 1 + rng.int(6)];
  const c = fixed.c ?? 1 + rng.int(9);
  const k = 4 * (1 + rng.int(5));
  const hp = kh + (oh - 1) * sh;
  const wp = kw + (ow - 1) * sw;
  const sizes = { x: n * hp * wp * c, w: kh * kw * c * k, bias: k, out: n * oh * ow * k };
  const x = 0;
  const w = x + 4 * sizes.x;
  const bias = w + 4 * sizes.w;
  const out = bias + 4 * sizes.bias;
  const ind = out + 4 * sizes.out;
  for (let i = 0; i < sizes.x + sizes.w + sizes.bias; i++) heap[i] = rng.normal();
  const list = new Int32Array(heap.buffer, ind, n * oh * ow);
  let p = 0;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) list[p++] = x + ((b * hp + sh * r) * wp + sw * q) * c * 4;
    }
  }
  const job: ConvJob = {
    ind,
    w,
    bias,
    out,
    positions: n * oh * ow,
    kh,
    run: kw * c,
    rowBytes: wp * c * 4,
    k,
    relu: rng.int(2),
  };
  const reference = () => {
    const y = new Float64Array(sizes.out);
    for (let b = 0, o = 0; b < n; b++) {
      for (let r = 0; r < oh; r++) {
        for (let q = 0; q < ow; q++) {
          for (let kk = 0; kk < k; kk++, o++) {
            let s = heap[bias / 4 + kk];
            for (let i = 0; i < kh; i++) {
              for (let j = 0; j < kw; j++) {
                for (let cc = 0; cc < c; cc++) {
                  const xi = ((b * hp + sh * r + i) * wp + sw * q + j) * c + cc;
                  s += heap[x / 4 + xi] * heap[w / 4 + ((i * kw + j) * c + cc) * k + kk];
                }
              }
            }
            y[o] = job.relu ? Math.max(0, s) : s;
          }
        }
      }
    }
    return y;
  };
  return { job, output: () => heap.subarray(out / 4, out / 4 + sizes.out), reference };
}

function standalone() {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const instance = new WebAssembly.Instance(
    new WebAssembly.Module(panelModuleBytes(false)),
    { env: { memory } },
  );
  return { convs: panelsOf(instance, "conv_"), heap: new Float32Array(memory.buffer) };
}

Deno.test("conv panels equal the definition on random geometries (taps, strides, 4- and 8-wide columns, ReLU)", () => {
  const { convs, heap } = standalone();
  for (let seed = 1; seed <= 40; seed++) {
    const { job, output, reference } = randomConv(heap, seed);
    convPositions(convs, job, 0, job.positions);
    const e = relativeError(output(), reference());
    assert.ok(
      e <= 1e-5,
      `seed ${seed} ${JSON.stringify(job)}: relative error ${e.toExponential(2)}`,
    );
  }
});

Deno.test("filters with more than 768 rows run in passes of whole tap rows (ReLU with the last) and equal the definition", () => {
  const { convs, heap } = standalone();
  const shapes = [{ kh: 3, kw: 3, c: 100 }, { kh: 7, kw: 7, c: 20 }, { kh: 5, kw: 1, c: 200 }];
  for (const [i, fixed] of shapes.entries()) {
    for (const seed of [100 + i, 200 + i]) {
      const { job, output, reference } = randomConv(heap, seed, fixed);
      assert.ok(job.kh * job.run > 768, JSON.stringify(fixed));
      convPositions(convs, job, 0, job.positions);
      const e = relativeError(output(), reference());
      assert.ok(e <= 1e-5, `${JSON.stringify(fixed)} relu ${job.relu}: relative error ${e}`);
    }
  }
});

Deno.test("any split of the output positions gives bit-identical values", () => {
  const { convs, heap } = standalone();
  for (let seed = 60; seed < 72; seed++) {
    const { job, output } = randomConv(heap, seed);
    convPositions(convs, job, 0, job.positions);
    const whole = output().slice();
    output().fill(NaN);
    const cut = Math.min(job.positions, 4 * (1 + (seed % 3)));
    convPositions(convs, job, 0, cut);
    if (cut < job.positions) convPositions(convs, job, cut, job.positions);
    assert.deepEqual(output(), whole, `seed ${seed}`);
  }
});

Deno.test("padImages() pads and crops image by image like the definition", () => {
  const rng = createRng(3);
  for (let trial = 0; trial < 30; trial++) {
    const p: PadGeometry = {
      n: 1 + rng.int(3),
      h: 1 + rng.int(5),
      w: 1 + rng.int(5),
      c: 1 + rng.int(3),
      hp: 1 + rng.int(8),
      wp: 1 + rng.int(8),
      top: rng.int(3),
      left: rng.int(3),
    };
    const src = Float32Array.from({ length: p.n * p.h * p.w * p.c }, () => rng.normal());
    const dst = new Float32Array(p.n * p.hp * p.wp * p.c).fill(NaN);
    padImages(src, dst, p, 0, 1);
    padImages(src, dst, p, 1, p.n);
    for (let b = 0, o = 0; b < p.n; b++) {
      for (let y = 0; y < p.hp; y++) {
        for (let x = 0; x < p.wp; x++) {
          for (let c = 0; c < p.c; c++, o++) {
            const [sy, sx] = [y - p.top, x - p.left];
            const want = sy >= 0 && sy < p.h && sx >= 0 && sx < p.w
              ? src[((b * p.h + sy) * p.w + sx) * p.c + c]
              : 0;
            assert.equal(dst[o], want, `trial ${trial} ${JSON.stringify(p)} at ${[b, y, x, c]}`);
          }
        }
      }
    }
  }
});

/** Values of `f` on the cpu backend with its stock kernels. */
async function onCpu(f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend("cpu");
  unregisterTrainingKernels("cpu");
  try {
    const t = f();
    const v = await t.data() as Float32Array;
    t.dispose();
    return v;
  } finally {
    registerTrainingKernels("cpu");
    await tf.setBackend("wasm");
  }
}

/** The kernels `f` runs, in order, nested ones included. */
async function kernelsOf(f: () => tf.Tensor): Promise<string[]> {
  const profile = await tf.profile(f);
  tf.dispose(profile.result as tf.Tensor);
  return profile.kernelNames.filter((n) => !n.endsWith("__op")); // op scopes are not kernels
}

Deno.test({
  name:
    "Conv2D and FusedConv2D on wasm run the panels as one kernel each and equal the cpu backend's",
  ignore: !onWasm,
  async fn() {
    const rng = createRng(11);
    await assertNoLeak(async () => {
      for (const k of [1, 3, 5, 7]) {
        for (const stride of [1, 2] as const) {
          for (const pad of ["same", "valid", "explicit"] as const) {
            const h = k + 1 + rng.int(6);
            const xs: [number, number, number, number] = [
              1 + rng.int(4),
              h,
              h + rng.int(3),
              1 + rng.int(9),
            ];
            const co = 4 * (1 + rng.int(6));
            const seed = rng.int(1e6);
            const padding: "same" | "valid" | [[0, 0], [number, number], [number, number], [0, 0]] =
              pad === "explicit" ? [[0, 0], [1, 0], [0, 2], [0, 0]] : pad;
            const activation = rng.int(2) ? "relu" : "linear";
            const withBias = rng.int(2) === 1;
            const make = () => {
              const x = tf.randomNormal(xs, 0, 1, "float32", seed) as tf.Tensor4D;
              const w = tf.randomNormal(
                [k, k, xs[3], co],
                0,
                1,
                "float32",
                seed + 1,
              ) as tf.Tensor4D;
              const b = withBias ? tf.randomNormal([co], 0, 1, "float32", seed + 2) : undefined;
              return { x, w, b };
            };
            const plain = () =>
              tf.tidy(() => {
                const { x, w } = make();
                return tf.conv2d(x, w, stride, padding);
              });
            const fused = () =>
              tf.tidy(() => {
                const { x, w, b } = make();
                return tf.fused.conv2d({
                  x,
                  filter: w,
                  strides: stride,
                  pad: padding,
                  bias: b,
                  activation,
                });
              });
            const what =
              `${k}×${k} s${stride} ${pad} x[${xs}] co ${co} ${activation} bias ${withBias}`;
            const { x, w, b } = make();
            assert.ok(convPanelsCover(tf.backend(), x, w, { strides: stride, pad: padding }), what);
            tf.dispose([x, w, ...(b ? [b] : [])]);
            for (const [name, f] of [["Conv2D", plain], ["FusedConv2D", fused]] as const) {
              const ref = await onCpu(f);
              const out = f();
              const got = await out.data() as Float32Array;
              out.dispose();
              const e = relativeError(got, ref);
              assert.ok(e <= 1e-4, `${name} ${what}: relative error ${e.toExponential(2)}`);
            }
          }
        }
      }
    });
    // One kernel, nothing nested (no tfjs pad or reshape inside).
    const x = tf.randomNormal([2, 9, 9, 5]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 5, 8]) as tf.Tensor4D;
    const b = tf.randomNormal([8]) as tf.Tensor1D;
    const ran = await kernelsOf(() =>
      tf.fused.conv2d({ x, filter: w, strides: 1, pad: "same", bias: b, activation: "relu" })
    );
    assert.deepEqual(ran, ["FusedConv2D"]);
    tf.dispose([x, w, b]);
  },
});

Deno.test({
  name:
    "convolutions the panels do not cover (prelu, channels not a multiple of 4, dilation) fall back and match cpu",
  ignore: !onWasm,
  async fn() {
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, "float32", 1) as tf.Tensor4D;
    const w6 = tf.randomNormal([3, 3, 3, 6], 0, 1, "float32", 2) as tf.Tensor4D;
    const w8 = tf.randomNormal([3, 3, 3, 8], 0, 1, "float32", 3) as tf.Tensor4D;
    const alpha = tf.fill([8], 0.1) as tf.Tensor1D;
    assert.ok(!convPanelsCover(tf.backend(), x, w6, { strides: 1, pad: "same" }));
    assert.ok(!convPanelsCover(tf.backend(), x, w8, { strides: 1, pad: "same", dilations: 2 }));
    const cases: [string, () => tf.Tensor][] = [
      ["6 channels", () => tf.conv2d(x, w6, 1, "same")],
      ["dilation 2", () => tf.conv2d(x, w8, 1, "same", "NHWC", 2)],
      ["prelu", () =>
        tf.fused.conv2d({
          x,
          filter: w8,
          strides: 1,
          pad: "same",
          activation: "prelu",
          preluActivationWeights: alpha,
        })],
    ];
    for (const [what, f] of cases) {
      const xs = await x.data();
      const ref = await onCpu(() => {
        const xc = tf.tensor4d(xs as Float32Array, x.shape);
        const r = tf.tidy(() => {
          // Re-create the inputs on cpu from the same seeds.
          const w6c = tf.randomNormal([3, 3, 3, 6], 0, 1, "float32", 2) as tf.Tensor4D;
          const w8c = tf.randomNormal([3, 3, 3, 8], 0, 1, "float32", 3) as tf.Tensor4D;
          const a = tf.fill([8], 0.1) as tf.Tensor1D;
          if (what === "6 channels") return tf.conv2d(xc, w6c, 1, "same");
          if (what === "dilation 2") return tf.conv2d(xc, w8c, 1, "same", "NHWC", 2);
          return tf.fused.conv2d({
            x: xc,
            filter: w8c,
            strides: 1,
            pad: "same",
            activation: "prelu",
            preluActivationWeights: a,
          });
        });
        xc.dispose();
        return r;
      });
      const out = f();
      const e = relativeError(await out.data() as Float32Array, ref);
      out.dispose();
      assert.ok(e <= 1e-4, `${what}: relative error ${e.toExponential(2)}`);
    }
    tf.dispose([x, w6, w8, alpha]);
  },
});

Deno.test({
  name: "the conv panels leave no tensor and no wasm bytes behind over repeated calls",
  ignore: !onWasm,
  fn() {
    const x = tf.randomNormal([3, 10, 10, 6]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 6, 12]) as tf.Tensor4D;
    const b = tf.randomNormal([12]) as tf.Tensor1D;
    const before = tf.memory();
    for (let i = 0; i < 20; i++) {
      tf.dispose([
        tf.conv2d(x, w, 2, "same"),
        tf.fused.conv2d({ x, filter: w, strides: 1, pad: "valid", bias: b, activation: "relu" }),
      ]);
    }
    const after = tf.memory();
    assert.equal(after.numTensors, before.numTensors);
    assert.equal(after.numBytes, before.numBytes);
    tf.dispose([x, w, b]);
  },
});
