import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { relativeError } from "../_helpers/compare.ts";
import { panelModuleBytes, panelNames } from "../../lib/backend/_wasm_gemm_module.ts";
import {
  type FilterGradJob,
  filterGradTile,
  jobRows,
  panelsOf,
  tilesFor,
} from "../../lib/backend/_filter_grad_panels.ts";
import { panelPool } from "../../lib/backend/_panel_threads.ts";
import { panelsCover, pointwise } from "../../lib/backend/_conv_backprop_filter_panels.ts";
import { registerTrainingKernels, unregisterTrainingKernels } from "../../lib/backend/mod.ts";
import { startedWasmThreads } from "../../lib/backend/wasm_threads.ts";
import { createRng } from "../../lib/random/mod.ts";

await useTestBackend();
const onWasm = tf.getBackend() === "wasm";

/** A panel module on its own (unshared) memory, with a Float32Array over it. */
function standalone(pages = 64) {
  const memory = new WebAssembly.Memory({ initial: pages });
  const module = new WebAssembly.Module(panelModuleBytes(false));
  const panels = panelsOf(new WebAssembly.Instance(module, { env: { memory } }));
  return { memory, panels, heap: new Float32Array(memory.buffer) };
}

/** A random job laid out from address 0 (x, then dy, then out), its inputs filled. */
function randomJob(heap: Float32Array, seed: number): FilterGradJob {
  const rng = createRng(seed);
  const kh = 1 + rng.int(5);
  const kw = 1 + rng.int(5);
  const sh = 1 + rng.int(2);
  const sw = 1 + rng.int(2);
  const oh = 1 + rng.int(5);
  const ow = 1 + rng.int(6);
  const n = 1 + rng.int(3);
  const c = 1 + rng.int(9);
  const k = 4 * (1 + rng.int(5)); // 4..20: both the 8-wide and the 4-wide column panels
  const hp = kh + (oh - 1) * sh;
  const wp = kw + (ow - 1) * sw;
  const xs = n * hp * wp * c;
  const ds = n * oh * ow * k;
  for (let i = 0; i < xs + ds; i++) heap[i] = rng.normal();
  return {
    x: 0,
    dy: 4 * xs,
    out: 4 * (xs + ds),
    n,
    hp,
    wp,
    c,
    oh,
    ow,
    k,
    kh,
    kw,
    sh,
    sw,
    bandRows: 1 + rng.int(oh),
  };
}

/** The gradient of a job by the definition, in float64. */
function reference(heap: Float32Array, j: FilterGradJob): Float64Array {
  const out = new Float64Array(jobRows(j) * j.k);
  const x = j.x / 4;
  const dy = j.dy / 4;
  for (let i = 0; i < j.kh; i++) {
    for (let jj = 0; jj < j.kw; jj++) {
      for (let c = 0; c < j.c; c++) {
        for (let k = 0; k < j.k; k++) {
          let s = 0;
          for (let n = 0; n < j.n; n++) {
            for (let u = 0; u < j.oh; u++) {
              for (let v = 0; v < j.ow; v++) {
                const xi = x + ((n * j.hp + j.sh * u + i) * j.wp + j.sw * v + jj) * j.c + c;
                s += heap[xi] * heap[dy + ((n * j.oh + u) * j.ow + v) * j.k + k];
              }
            }
          }
          out[((i * j.kw + jj) * j.c + c) * j.k + k] = s;
        }
      }
    }
  }
  return out;
}

function outputOf(heap: Float32Array, j: FilterGradJob): Float32Array {
  return heap.subarray(j.out / 4, j.out / 4 + jobRows(j) * j.k);
}

Deno.test("the panel module validates for shared and unshared memory and exports every block size", () => {
  assert.ok(WebAssembly.validate(panelModuleBytes(false)));
  assert.ok(WebAssembly.validate(panelModuleBytes(true)));
  const { panels } = standalone(1);
  const names = panelNames();
  assert.deepEqual(
    Object.keys(panels).sort(),
    names.filter((n) => n.startsWith("panel_")).map((n) => n.slice(6)).sort(),
  );
  for (const n of ["panel_4x8", "panel_1x4", "conv_4x8", "conv_3x4_relu"]) {
    assert.ok(names.includes(n), n);
  }
});

Deno.test("panel filter gradients equal the definition on random geometries (strides, taps, bands, 4- and 8-wide columns)", () => {
  const { panels, heap } = standalone();
  for (let seed = 1; seed <= 40; seed++) {
    const job = randomJob(heap, seed);
    outputOf(heap, job).fill(0);
    filterGradTile(panels, job, 0, jobRows(job));
    const e = relativeError(outputOf(heap, job), reference(heap, job));
    assert.ok(
      e <= 1e-5,
      `seed ${seed} ${JSON.stringify(job)}: relative error ${e.toExponential(2)}`,
    );
  }
});

Deno.test("any split of a job into tiles gives bit-identical values (so the thread count changes nothing)", () => {
  const { panels, heap } = standalone();
  for (let seed = 50; seed < 62; seed++) {
    const job = randomJob(heap, seed);
    const out = outputOf(heap, job);
    out.fill(0);
    filterGradTile(panels, job, 0, jobRows(job));
    const whole = out.slice();
    out.fill(0);
    const rows = jobRows(job);
    const rowCut = Math.min(rows, 4 * (1 + (seed % 3)));
    const colCut = job.k > 8 ? 8 : job.k;
    for (const [r0, r1] of [[0, rowCut], [rowCut, rows]]) {
      for (const [c0, c1] of [[0, colCut], [colCut, job.k]]) {
        if (r1 > r0 && c1 > c0) filterGradTile(panels, job, r0, r1, c0, c1);
      }
    }
    assert.deepEqual(out, whole, `seed ${seed}: tiles differ from the whole job`);
  }
});

Deno.test("tilesFor() cuts along rows when there are at least as many as output channels, else along channels", () => {
  const base = { x: 0, dy: 0, out: 0, n: 1, hp: 1, wp: 1, oh: 1, ow: 1, sh: 1, sw: 1, bandRows: 1 };
  assert.deepEqual(tilesFor({ ...base, kh: 7, kw: 7, c: 3, k: 64 }, 2), [2, 1]); // 147 rows
  assert.deepEqual(tilesFor({ ...base, kh: 1, kw: 1, c: 64, k: 192 }, 2), [1, 2]);
  assert.deepEqual(tilesFor({ ...base, kh: 1, kw: 1, c: 64, k: 192 }, 2, 3), [1, 6]);
  assert.deepEqual(tilesFor({ ...base, kh: 1, kw: 1, c: 2, k: 4 }, 4), [1, 1]); // one tile at most
});

Deno.test("pointwise() recasts an unpadded 1×1 stride-1 job as one-row images of at most 256 positions", () => {
  const base = { x: 0, dy: 0, out: 0, c: 8, k: 8, kh: 1, kw: 1, sh: 1, sw: 1, bandRows: 1 };
  const job = { ...base, n: 32, hp: 3, wp: 3, oh: 3, ow: 3 };
  const p = pointwise(job)!;
  assert.equal(p.n * p.ow, 32 * 9);
  assert.ok(p.ow <= 256 && p.oh === 1 && p.hp === 1 && p.wp === p.ow);
  assert.equal(pointwise({ ...job, kh: 3, kw: 3 }), undefined);
  assert.equal(pointwise({ ...job, hp: 5, wp: 5 }), undefined); // padded
  assert.equal(pointwise({ ...job, sh: 2 }), undefined);
});

/** Conv2DBackpropFilter on the active backend and the kernels that ran. */
function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  k: number,
  stride: number,
  pad: "same" | "valid",
) {
  return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
    strides: [stride, stride],
    pad,
    dataFormat: "NHWC",
    dimRoundingMode: undefined,
    filterShape: [k, k, x.shape[3], dy.shape[3]],
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

Deno.test({
  name:
    "Conv2DBackpropFilter on wasm runs the panels as one kernel (no XNNPACK conv, matmul, transpose or pad) and equals the cpu backend's",
  ignore: !onWasm,
  async fn() {
    const rng = createRng(7);
    await assertNoLeak(async () => {
      for (const k of [1, 3, 5, 7]) {
        for (const stride of [1, 2]) {
          for (const pad of ["same", "valid"] as const) {
            const h = k + 2 + rng.int(6);
            const x = tf.randomNormal([
              1 + rng.int(4),
              h,
              h + rng.int(3),
              1 + rng.int(9),
            ]) as tf.Tensor4D;
            const co = 4 * (1 + rng.int(6));
            const yShape = tf.tidy(() =>
              tf.conv2d(x, tf.zeros([k, k, x.shape[3], co]) as tf.Tensor4D, stride, pad).shape
            );
            const dy = tf.randomNormal(yShape) as tf.Tensor4D;
            assert.ok(panelsCover(tf.backend(), x, dy));
            const profile = await tf.profile(() => filterGradient(x, dy, k, stride, pad));
            // One kernel: no XNNPACK convolution, matmul, transpose or tfjs pad inside.
            const ran = profile.kernelNames.filter((n) => !n.endsWith("__op"));
            assert.deepEqual(ran, ["Conv2DBackpropFilter"], `${k}×${k} s${stride} ${pad}`);
            tf.dispose(profile.result as tf.Tensor);
            const got = tf.tidy(() => filterGradient(x, dy, k, stride, pad));
            const gotValues = await got.data() as Float32Array;
            await tf.setBackend("cpu");
            unregisterTrainingKernels("cpu");
            const [xc, dyc] = [
              tf.tensor(await x.data(), x.shape),
              tf.tensor(await dy.data(), dy.shape),
            ];
            const ref = filterGradient(xc as tf.Tensor4D, dyc as tf.Tensor4D, k, stride, pad);
            const refValues = await ref.data() as Float32Array;
            tf.dispose([xc, dyc, ref]);
            registerTrainingKernels("cpu");
            await tf.setBackend("wasm");
            const e = relativeError(gotValues, refValues);
            assert.ok(e <= 1e-4, `${k}×${k} stride ${stride} ${pad} x[${x.shape}] co ${co}: ${e}`);
            tf.dispose([x, dy, got]);
          }
        }
      }
    });
  },
});

Deno.test({
  name:
    "the panels leave no tensor and no wasm bytes behind over repeated gradients, and skip channel counts that are not multiples of 4",
  ignore: !onWasm,
  fn() {
    const x = tf.randomNormal([2, 9, 9, 5]) as tf.Tensor4D;
    const dy = tf.randomNormal([2, 9, 9, 8]) as tf.Tensor4D;
    const odd = tf.randomNormal([2, 9, 9, 6]) as tf.Tensor4D;
    assert.ok(!panelsCover(tf.backend(), x, odd));
    const before = tf.memory();
    for (let i = 0; i < 20; i++) {
      tf.dispose([filterGradient(x, dy, 3, 1, "same"), filterGradient(x, odd, 3, 1, "same")]);
    }
    const after = tf.memory();
    assert.equal(after.numTensors, before.numTensors);
    assert.equal(after.numBytes, before.numBytes);
    tf.dispose([x, dy, odd]);
  },
});

Deno.test({
  name: "the panel pool runs on as many threads as the wasm backend",
  ignore: !onWasm,
  fn() {
    const wasm = (tf.backend() as unknown as { wasm: { wasmMemory?: WebAssembly.Memory } }).wasm;
    const threads = startedWasmThreads();
    if (threads > 1) {
      assert.ok(wasm.wasmMemory!.buffer instanceof SharedArrayBuffer);
      assert.equal(panelPool(wasm.wasmMemory!, threads).threads, threads);
    } else {
      assert.equal(threads, 1);
    }
  },
});
