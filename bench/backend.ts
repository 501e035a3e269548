/**
 * `deno task bench backend [--json] [--budget 1.5] [--only OP]`: conv forward, both conv
 * gradients, transposed matrix products (the gradients of tf.matMul and Dense layers), one
 * training step of a small conv net, and (wasm only) NN2's LRN, LRNGrad, pooling gradients and
 * transposes at 96 px, batch 32 (time only: no multiply-adds), on the cpu and wasm backends, each
 * with tfjs's own ("stock")
 * kernels and with the toolkit's training kernels. Prints GFLOP/s per cell and the wasm/cpu speed
 * ratio (both with the toolkit's kernels, as initBackend sets them up), as a table or as JSON.
 *
 * Each cell runs once to warm up (unless that already took longer than the budget), then repeats
 * until `--budget` seconds have passed and reports the median run. Cells that would take minutes
 * (cpu's own filter gradient on the large shapes) are measured on a smaller row instead and marked
 * "skip". `--only A,B` keeps the rows whose op contains A or B.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { parseArgs } from "@std/cli";
import {
  initBackend,
  registerTrainingKernels,
  trainingKernelNames,
  unregisterTrainingKernels,
} from "../lib/backend/mod.ts";
import { createSmallConvNet } from "../lib/backend/_small_conv_net.ts";

type Backend = "cpu" | "wasm";
type Kernels = "stock" | "toolkit";
type CellName = "cpuStock" | "cpuToolkit" | "wasmStock" | "wasmToolkit";

/** One timed cell. */
interface Cell {
  ms: number;
  gflops: number;
  reps: number;
}

/** One benchmark row: an operation on one shape. */
interface Row {
  op: string;
  shape: string;
  mflop: number;
  cells: Record<CellName, Cell | string>;
  /** cpu-toolkit time / wasm-toolkit time. */
  wasmOverCpu: number | null;
  /** wasm stock time / wasm toolkit time, where wasm has a stock kernel. */
  toolkitOverStockWasm: number | null;
}

/** Builds a fresh problem on the active backend and returns the function to time (and a disposer). */
type Setup = () => { run: () => tf.Tensor | tf.Tensor[]; dispose: () => void };

interface Spec {
  op: string;
  shape: string;
  flops: number;
  setup: Setup;
  /** Cells not measured, with the reason shown in the table. */
  skip?: Partial<Record<CellName, string>>;
}

const CELLS: [CellName, Backend, Kernels][] = [
  ["cpuStock", "cpu", "stock"],
  ["cpuToolkit", "cpu", "toolkit"],
  ["wasmStock", "wasm", "stock"],
  ["wasmToolkit", "wasm", "toolkit"],
];

function useKernels(backend: Backend, kernels: Kernels): void {
  const on = trainingKernelNames(backend).length > 0;
  if (kernels === "toolkit" && !on) registerTrainingKernels(backend);
  if (kernels === "stock" && on) unregisterTrainingKernels(backend);
}

async function time(setup: Setup, flops: number, budgetMs: number): Promise<Cell> {
  const { run, dispose } = setup();
  const once = async () => {
    const t0 = performance.now();
    const out = run();
    const list = Array.isArray(out) ? out : [out];
    for (const t of list) await t.data();
    tf.dispose(list);
    return performance.now() - t0;
  };
  try {
    const first = await once();
    // The first run warms up; if it alone used the budget, it is the measurement.
    const times: number[] = [];
    if (first >= budgetMs) times.push(first);
    else {
      const t0 = performance.now();
      do times.push(await once()); while (performance.now() - t0 < budgetMs);
    }
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)]; // median: robust to other load on the machine
    return { ms, gflops: flops / ms / 1e6, reps: times.length };
  } finally {
    dispose();
  }
}

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);

function convFlops(x: number[], k: number, co: number, stride: number): number {
  const [n, h, w, ci] = x;
  return 2 * n * Math.ceil(h / stride) * Math.ceil(w / stride) * k * k * ci * co;
}

function convSpec(
  op: "forward" | "input" | "filter",
  x: [number, number, number, number],
  k: number,
  co: number,
  stride: number,
  skip?: Spec["skip"],
): Spec {
  const names = {
    forward: "conv2d forward",
    input: "Conv2DBackpropInput",
    filter: "Conv2DBackpropFilter",
  };
  const filterShape: [number, number, number, number] = [k, k, x[3], co];
  const dyShape = [x[0], Math.ceil(x[1] / stride), Math.ceil(x[2] / stride), co];
  return {
    op: names[op],
    shape: `x[${x}] w[${filterShape}] s${stride}`,
    flops: convFlops(x, k, co, stride),
    skip,
    setup: () => {
      const xt = rand(x, 1) as tf.Tensor4D;
      const wt = rand(filterShape, 2) as tf.Tensor4D;
      const dy = rand(dyShape, 3) as tf.Tensor4D;
      const attrs = { strides: stride, pad: "same", dataFormat: "NHWC" };
      const run = {
        forward: () => tf.conv2d(xt, wt, stride, "same"),
        input: () => tf.conv2dTranspose(dy, wt, x, stride, "same"),
        filter: () =>
          tf.engine().runKernel("Conv2DBackpropFilter", { x: xt, dy }, {
            ...attrs,
            filterShape,
          }) as tf.Tensor,
      }[op];
      return { run, dispose: () => tf.dispose([xt, wt, dy]) };
    },
  };
}

function stepSpec(size: number, width: number, batch: number, skip?: Spec["skip"]): Spec {
  const probe = createSmallConvNet({ inputSize: size, width });
  const flops = probe.flopsPerStep(batch);
  probe.dispose();
  return {
    op: "training step",
    shape: `small conv net ${size}px w${width} batch ${batch}`,
    flops,
    skip: { wasmStock: "no kernel", ...skip },
    setup: () => {
      const net = createSmallConvNet({ inputSize: size, width, seed: 3 });
      const x = rand([batch, size, size, 3], 4) as tf.Tensor4D;
      const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), "int32");
      const run = () => {
        const { value, grads } = tf.variableGrads(() => net.loss(x, labels));
        return [value, ...Object.values(grads)];
      };
      return { run, dispose: () => (net.dispose(), tf.dispose([x, labels])) };
    },
  };
}

function matMulSpec(
  a: [number, number],
  b: [number, number],
  transposeA: boolean,
  transposeB: boolean,
): Spec {
  const [m, k] = transposeA ? [a[1], a[0]] : a;
  const n = transposeB ? b[0] : b[1];
  return {
    op: `matMul${transposeA ? " transposeA" : ""}${transposeB ? " transposeB" : ""}`,
    shape: `a[${a}] b[${b}]`,
    flops: 2 * m * k * n,
    skip: { cpuToolkit: "= stock" },
    setup: () => {
      const at = rand(a, 5);
      const bt = rand(b, 6);
      return {
        run: () => tf.matMul(at, bt, transposeA, transposeB),
        dispose: () => tf.dispose([at, bt]),
      };
    },
  };
}

/** A kernel without multiply-adds (pooling and LRN gradients, transposes), timed on wasm only. */
function kernelSpec(
  op: string,
  shape: string,
  make: () => { inputs: Record<string, tf.Tensor>; attrs: Record<string, unknown> },
): Spec {
  return {
    op,
    shape,
    flops: 0,
    skip: { cpuStock: "-", cpuToolkit: "-" },
    setup: () => {
      const { inputs, attrs } = make();
      return {
        run: () =>
          tf.engine().runKernel(
            op,
            inputs as unknown as tf.NamedTensorMap,
            attrs as tf.NamedAttrMap,
          ) as tf.Tensor,
        dispose: () => tf.dispose(Object.values(inputs)),
      };
    },
  };
}

/** NN2's LRN (after conv2's 3×3) and pools at 96 px, batch 32. */
function nn2KernelSpecs(): Spec[] {
  const lrnAttrs = { depthRadius: 2, bias: 1, alpha: 2e-5, beta: 0.75 };
  const lrnShape = [32, 24, 24, 192];
  const pool = (x: number[], k: number, s: number) => () => {
    const input = tf.relu(rand(x, 7)) as tf.Tensor4D;
    const output = tf.maxPool(input, k, s, "same");
    const dy = rand(output.shape, 8);
    return { inputs: { dy, input, output }, attrs: { filterSize: k, strides: s, pad: "same" } };
  };
  return [
    kernelSpec(
      "LRN",
      `x[${lrnShape}]`,
      () => ({ inputs: { x: rand(lrnShape, 7) }, attrs: lrnAttrs }),
    ),
    kernelSpec("LRNGrad", `x[${lrnShape}]`, () => {
      const x = rand(lrnShape, 7) as tf.Tensor4D;
      const y = tf.localResponseNormalization(x, 2, 1, 2e-5, 0.75);
      return { inputs: { x, y, dy: rand(lrnShape, 8) }, attrs: lrnAttrs };
    }),
    kernelSpec("MaxPoolGrad", "x[32,48,48,64] 3×3 s2", pool([32, 48, 48, 64], 3, 2)),
    kernelSpec("MaxPoolGrad", "x[32,12,12,256] 3×3 s1", pool([32, 12, 12, 256], 3, 1)),
    kernelSpec("AvgPoolGrad", "x[32,12,12,256] 3×3 s1", () => {
      const { inputs, attrs } = pool([32, 12, 12, 256], 3, 1)();
      tf.dispose(inputs.output);
      return { inputs: { dy: inputs.dy, input: inputs.input }, attrs };
    }),
    kernelSpec("Transpose", "x[4608,256] perm 1,0", () => ({
      inputs: { x: rand([4608, 256], 9) },
      attrs: { perm: [1, 0] },
    })),
    kernelSpec("Transpose", "x[18432,64] perm 1,0", () => ({
      inputs: { x: rand([18432, 64], 9) },
      attrs: { perm: [1, 0] },
    })),
  ];
}

function specs(): Spec[] {
  const slowFilter = { cpuStock: "skip (minutes; see small row)" };
  return [
    convSpec("forward", [8, 28, 28, 64], 3, 64, 1),
    convSpec("forward", [8, 56, 56, 3], 7, 64, 2),
    convSpec("input", [8, 28, 28, 64], 3, 64, 1),
    convSpec("input", [8, 28, 28, 64], 3, 128, 2),
    convSpec("filter", [8, 28, 28, 64], 3, 64, 1, { ...slowFilter, wasmStock: "no kernel" }),
    convSpec("filter", [8, 28, 28, 64], 3, 128, 2, { ...slowFilter, wasmStock: "no kernel" }),
    convSpec("filter", [2, 14, 14, 32], 3, 32, 1, { wasmStock: "no kernel" }),
    convSpec("filter", [16, 12, 12, 192], 1, 96, 1, { ...slowFilter, wasmStock: "no kernel" }),
    matMulSpec([1800, 128], [1800, 128], false, true),
    matMulSpec([1800, 128], [1800, 128], true, false),
    matMulSpec([32, 1024], [128, 1024], false, true),
    stepSpec(32, 16, 16),
    stepSpec(64, 32, 32, { cpuStock: "skip (minutes)" }),
    ...nn2KernelSpecs(),
  ];
}

function fmtCell(c: Cell | string): string {
  if (typeof c === "string") return c;
  const ms = `${c.ms.toFixed(c.ms < 10 ? 2 : 0)} ms`;
  return c.gflops > 0 ? `${c.gflops.toFixed(2)} (${ms})` : ms;
}

function table(rows: Row[]): string {
  const head = [
    "op",
    "shape",
    "MFLOP",
    "cpu stock",
    "cpu toolkit",
    "wasm stock",
    "wasm toolkit",
    "wasm/cpu",
    "wasm toolkit/stock",
  ];
  const body = rows.map((r) => [
    r.op,
    r.shape,
    r.mflop.toFixed(1),
    ...CELLS.map(([name]) => fmtCell(r.cells[name])),
    r.wasmOverCpu == null ? "-" : `${r.wasmOverCpu.toFixed(1)}×`,
    r.toolkitOverStockWasm == null ? "-" : `${r.toolkitOverStockWasm.toFixed(1)}×`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** Runs the benchmark; `args` are the command-line flags after `backend`. */
export default async function main(args: string[]): Promise<void> {
  const flags = parseArgs(args, { boolean: ["json", "help"], string: ["budget", "only"] });
  if (flags.help) {
    console.log(
      "usage: deno task bench backend [--json] [--budget <seconds per cell, default 1.5>] " +
        "[--only <op substrings, comma-separated, e.g. LRN,PoolGrad>]",
    );
    return;
  }
  const only = flags.only == null ? undefined : String(flags.only);
  const budgetMs = 1000 * Number(flags.budget ?? 1.5);
  if (!(budgetMs > 0)) {
    throw new Error(`bench backend: --budget must be > 0 seconds, got ${flags.budget}`);
  }
  const choice = await initBackend("wasm");
  const log = (s: string) => console.error(s);
  log(
    `${choice.summary}; comparing cpu and wasm, stock and toolkit kernels (${
      budgetMs / 1000
    } s/cell)`,
  );
  const started = performance.now();
  const rows: Row[] = [];
  const wanted = only?.split(",").map((o) => o.trim()).filter((o) => o !== "");
  const chosen = specs().filter((sp) => !wanted || wanted.some((o) => sp.op.includes(o)));
  if (chosen.length === 0) throw new Error(`bench backend: no row's op contains '${only}'`);
  for (const spec of chosen) {
    const cells = {} as Row["cells"];
    for (const [name, backend, kernels] of CELLS) {
      const skip = spec.skip?.[name];
      if (skip) {
        cells[name] = skip;
        continue;
      }
      useKernels(backend, kernels);
      await tf.setBackend(backend);
      cells[name] = await time(spec.setup, spec.flops, budgetMs);
      log(`  ${spec.op} ${spec.shape} ${name}: ${fmtCell(cells[name])}`);
    }
    const ms = (c: Cell | string) => (typeof c === "string" ? null : c.ms);
    const cpu = ms(cells.cpuToolkit) ?? ms(cells.cpuStock);
    const wasm = ms(cells.wasmToolkit);
    const stockWasm = ms(cells.wasmStock);
    rows.push({
      op: spec.op,
      shape: spec.shape,
      mflop: spec.flops / 1e6,
      cells,
      wasmOverCpu: cpu != null && wasm != null ? cpu / wasm : null,
      toolkitOverStockWasm: stockWasm != null && wasm != null ? stockWasm / wasm : null,
    });
  }
  useKernels("cpu", "toolkit");
  useKernels("wasm", "toolkit");
  await tf.setBackend("wasm");
  const wasmThreads = getThreadsCount();
  const result = {
    bench: "backend",
    unit: "GFLOP/s (median ms per run)",
    tfjs: tf.version.tfjs,
    deno: Deno.version.deno,
    wasm: {
      threads: wasmThreads,
      simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"),
    },
    seconds: (performance.now() - started) / 1000,
    rows,
  };
  if (flags.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(table(rows));
  console.log(
    `\nGFLOP/s (median ms per run). wasm/cpu: cpu time / wasm time, both with the toolkit's kernels ` +
      `(cpu's own where the toolkit keeps it). wasm: ${wasmThreads} thread(s) (WASM_THREADS), ` +
      `SIMD ${result.wasm.simd}. Total ${result.seconds.toFixed(0)} s.`,
  );
}
