/**
 * `deno task bench model [--backends wasm,native] [--seconds S] [--repeats R] [--batches 16,32]
 *  [--quick] [--no-torch] [--torch-sizes 96,224] [--torch-timeout 120]`
 *
 * Every case runs on each backend of `--backends` (`--backend` names one), in the same process,
 * side by side with PyTorch: wasm (XNNPACK) and native (oneDNN through FFI; skipped, saying why,
 * where libdnnl.so.2 cannot load).
 *
 * Forward and training-step throughput (images/s) of nn2 at 96 and 224 and nn4-small2 at 96, at
 * batch 16 and 32, with the achieved GFLOP/s from the model's multiply-add count (2 FLOPs per
 * multiply-add; a training step counted as 3 forward passes). Where Python with torch is present
 * (Debian's python3-torch), the same run times the same NN2 steps in PyTorch on the CPU
 * (bench/nn2_torch.py, on as many threads as our backend: wasm's XNNPACK pool, `WASM_THREADS`) and
 * prints ours/PyTorch — by default at 96×96 only (the figure
 * users compare; `--torch-sizes 96,224` adds 224), each PyTorch run cut off after
 * `--torch-timeout` seconds.
 *
 * The training step is: forward in training mode, loss = mean(square(embedding)), gradients of
 * every weight, SGD update. Each measurement runs one warm-up step, then repeats the step until
 * `--seconds` have passed (at least one timed step). Besides wall-clock images/s, the table gives
 * images per CPU-second (process CPU time, all threads), which is less sensitive to other load on
 * the machine; the load average is printed at the start and the end.
 *
 * With `--repeats R` (default 3) every case is measured R times, PyTorch and our backends taking
 * turns within each repeat (PyTorch, wasm, native, PyTorch, wasm, native, …), so that a drift of
 * the machine's speed over minutes reaches both sides of a ratio alike. The table gives the median
 * images/s of each side, and ours/PyTorch as the median of the R paired ratios with their range
 * (min–max): one run's ratio of two separately noisy numbers is not a figure to claim.
 *
 * A case that fails (nn2 at 224, batch 32, training needs more than wasm's 4 GB heap) is reported
 * and the run goes on; such cases run last.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import process from "node:process";
import { parseArgs } from "@std/cli";
import { type BackendPreference, initBackend } from "../lib/backend/mod.ts";
import { createModel, disposeModel, type ModelName, summarizeModel } from "../lib/model/mod.ts";
import { UsageError } from "../lib/cli/mod.ts";

type Mode = "forward" | "train";

interface Case {
  model: ModelName;
  size: number;
  batch: number;
  /** Training only: the batch's gradient accumulated over this many equal micro-batches. */
  microBatches?: number;
}

interface Measured {
  steps: number;
  seconds: number;
  cpuSeconds: number;
  imagesPerSecond: number;
}

interface Row extends Case {
  mode: Mode;
  /** Our backend that ran it ("wasm", "native", …). */
  backend: string;
  /** Multiply-adds per image (forward). */
  macs: number;
  ours?: Measured;
  oursError?: string;
  gflops?: number;
  torch?: Measured;
  torchError?: string;
  /** Median of the paired per-repeat ratios ours/PyTorch. */
  ratio?: number;
  /** Every repeat's images/s (ours), PyTorch's, and their paired ratios, in repeat order. */
  oursRuns: number[];
  torchRuns: number[];
  ratios: number[];
}

/** The median of `v` (the mean of the middle two for an even count). */
export function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The measurement whose images/s is the median one (the lower middle for an even count). */
function medianRun(runs: Measured[]): Measured {
  const s = [...runs].sort((a, b) => a.imagesPerSecond - b.imagesPerSecond);
  return s[(s.length - 1) >> 1];
}

/** CPU seconds (user + system, all threads) of this process. */
function processCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

async function timeSteps(step: () => Promise<void>, minSeconds: number): Promise<Measured> {
  await step(); // warm-up: kernel set-up, weight allocation
  let steps = 0;
  const t0 = performance.now();
  const c0 = processCpuSeconds();
  let seconds = 0;
  do {
    await step();
    steps++;
    seconds = (performance.now() - t0) / 1000;
  } while (seconds < minSeconds);
  return { steps, seconds, cpuSeconds: processCpuSeconds() - c0, imagesPerSecond: 0 };
}

async function measureOurs(c: Case, mode: Mode, minSeconds: number): Promise<Measured> {
  const model = createModel(c.model, { inputSize: c.size, seed: 1 });
  const x = tf.randomUniform([c.batch, c.size, c.size, 3], -1, 1, "float32", 2);
  const opt = tf.train.sgd(1e-3);
  const step = mode === "forward"
    ? async () => {
      const y = model.predict(x) as tf.Tensor;
      await y.data();
      y.dispose();
    }
    : (c.microBatches ?? 1) === 1
    ? async () => {
      const loss = opt.minimize(
        () => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
        true,
      )!;
      await loss.data();
      loss.dispose();
    }
    : async () => {
      // Same update as the full batch (no batch norm in nn2): the mean of the micro-batch grads.
      const k = c.microBatches!;
      const part = c.batch / k;
      let sum: tf.NamedTensorMap = {};
      for (let i = 0; i < k; i++) {
        const xi = tf.slice(x, [i * part, 0, 0, 0], [part, -1, -1, -1]);
        const { value, grads } = tf.variableGrads(() =>
          tf.div(
            tf.mean(tf.square(model.apply(xi, { training: true }) as tf.Tensor)),
            k,
          ) as tf.Scalar
        );
        const next = Object.fromEntries(
          Object.entries(grads).map(([n, g]) => [n, sum[n] ? tf.add(sum[n], g) : g.clone()]),
        );
        tf.dispose([xi, value, ...Object.values(grads), ...Object.values(sum)]);
        sum = next;
      }
      opt.applyGradients(sum);
      await Object.values(sum)[0].data();
      tf.dispose(Object.values(sum));
    };
  try {
    const m = await timeSteps(step, minSeconds);
    m.imagesPerSecond = (m.steps * c.batch) / m.seconds;
    return m;
  } finally {
    x.dispose();
    opt.dispose();
    disposeModel(model);
  }
}

/** The first python3 that can import torch, or undefined. */
async function findTorchPython(): Promise<string | undefined> {
  for (const py of ["python3", "/usr/bin/python3"]) {
    try {
      const out = await new Deno.Command(py, {
        args: ["-c", "import torch"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (out.success) return py;
    } catch {
      // not installed
    }
  }
  return undefined;
}

async function measureTorch(
  python: string,
  c: Case,
  mode: Mode,
  minSeconds: number,
  timeoutSeconds: number,
  threads: number,
): Promise<Measured> {
  const script = new URL("./nn2_torch.py", import.meta.url).pathname;
  const args = [script, "--size", `${c.size}`, "--batch", `${c.batch}`, "--threads", `${threads}`];
  args.push("--seconds", `${minSeconds}`, "--mode", mode);
  const out = await new Deno.Command(python, {
    args,
    signal: AbortSignal.timeout(timeoutSeconds * 1000),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1) ?? "";
    throw new Error(out.signal ? `timed out after ${timeoutSeconds} s` : `failed: ${err}`);
  }
  const j = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  return {
    steps: j.steps,
    seconds: j.seconds,
    cpuSeconds: j.cpu_seconds,
    imagesPerSecond: j.images_per_s,
  };
}

const fmt = (v: number | undefined, digits = 2) =>
  v === undefined || !Number.isFinite(v) ? "" : v.toFixed(digits);

const perCpu = (m: Measured | undefined, batch: number) =>
  m ? (m.steps * batch) / m.cpuSeconds : undefined;

const gflopsOf = (imagesPerSecond: number, macs: number, mode: Mode) =>
  (imagesPerSecond * macs * 2 * (mode === "train" ? 3 : 1)) / 1e9;

function renderTable(rows: Row[]): string {
  const head = [
    "model",
    "size",
    "batch",
    "mode",
    "backend",
    "ours img/s",
    "ours GFLOP/s",
    "ours img/CPU-s",
    "PyTorch img/s",
    "PyTorch GFLOP/s",
    "PyTorch img/CPU-s",
    "ours/PyTorch",
    "ratio range",
  ];
  const body = rows.map((r) => [
    r.model,
    `${r.size}`,
    r.microBatches ? `${r.batch} (${r.microBatches}×${r.batch / r.microBatches})` : `${r.batch}`,
    r.mode,
    r.backend,
    r.ours ? fmt(r.ours.imagesPerSecond) : `failed: ${r.oursError}`,
    fmt(r.gflops, 1),
    fmt(perCpu(r.ours, r.batch)),
    r.torch ? fmt(r.torch.imagesPerSecond) : r.torchError ?? "",
    r.torch ? fmt(gflopsOf(r.torch.imagesPerSecond, r.macs, r.mode), 1) : "",
    fmt(perCpu(r.torch, r.batch)),
    fmt(r.ratio, 3),
    r.ratios.length > 1 ? `${fmt(Math.min(...r.ratios), 3)}–${fmt(Math.max(...r.ratios), 3)}` : "",
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(w[i])).join("  ");
  return [line(head), w.map((n) => "-".repeat(n)).join("  "), ...body.map(line)].join("\n");
}

const loadAverage = () => {
  try {
    return Deno.loadavg().map((v) => v.toFixed(2)).join(" ");
  } catch {
    return "unknown";
  }
};

/** Runs the benchmark; `args` are the flags after `deno task bench model`. */
export default async function benchModel(args: string[]): Promise<void> {
  const flags = parseArgs(args, {
    string: [
      "backend",
      "backends",
      "seconds",
      "repeats",
      "batches",
      "torch-sizes",
      "torch-timeout",
    ],
    boolean: ["torch", "quick"],
    negatable: ["torch"],
    default: {
      backends: "wasm,native",
      seconds: "2",
      repeats: "3",
      batches: "16,32",
      torch: true,
      "torch-sizes": "96",
      "torch-timeout": "120",
    },
  });
  const minSeconds = Number(flags.seconds);
  const repeats = Number(flags.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) {
    throw new UsageError(
      `bench model: --repeats must be a whole number ≥ 1, got '${flags.repeats}'`,
    );
  }
  if (!(minSeconds > 0)) {
    throw new UsageError(`bench model: --seconds must be a number > 0, got '${flags.seconds}'`);
  }
  const wanted = String(flags.backend ?? flags.backends).split(",").map((b) => b.trim());
  const backends: { name: string; threads: number }[] = [];
  for (const b of wanted) {
    try {
      const choice = await initBackend(b as BackendPreference);
      console.log(choice.summary);
      backends.push({
        name: choice.name,
        threads: choice.threads ?? navigator.hardwareConcurrency ?? 1,
      });
    } catch (e) {
      console.log(`${b}: skipped (${(e as Error).message.split("\n")[0]})`);
    }
  }
  if (backends.length === 0) throw new Error(`bench model: none of ${wanted.join(", ")} started`);
  // PyTorch gets as many threads as our backends compute on (wasm: its XNNPACK pool).
  const threads = Math.max(...backends.map((b) => b.threads));
  const batches = String(flags.batches).split(",").map(Number);
  const torchSizes = String(flags["torch-sizes"]).split(",").map(Number);
  const torchTimeout = Number(flags["torch-timeout"]);
  // nn2 at 224 last: its batch-32 training step may exhaust the wasm heap.
  const shapes: [ModelName, number][] = flags.quick
    ? [["nn2", 96], ["nn4-small2", 96]]
    : [["nn2", 96], ["nn4-small2", 96], ["nn2", 224]];
  const python = flags.torch ? await findTorchPython() : undefined;
  console.log(
    python
      ? `PyTorch: ${python} (bench/nn2_torch.py, ${threads} thread${threads === 1 ? "" : "s"})`
      : `PyTorch: ${flags.torch ? "no python3 with torch found" : "skipped (--no-torch)"}`,
  );
  // Native and PyTorch share one OpenMP wait policy: the user's, else OpenMP's default.
  console.log(`OMP_WAIT_POLICY: ${Deno.env.get("OMP_WAIT_POLICY") ?? "OpenMP default"} (both)`);
  const loadStart = loadAverage();
  const rows: Row[] = [];
  const t0 = performance.now();
  for (const [model, size] of shapes) {
    const probe = createModel(model, { inputSize: size });
    const macs = summarizeModel(probe).total.flops;
    disposeModel(probe);
    const cases: [Case, Mode][] = batches.flatMap((batch) =>
      (["forward", "train"] as const).map((mode) => [{ model, size, batch }, mode] as [Case, Mode])
    );
    if (model === "nn2" && size === 224 && batches.includes(32)) {
      // Batch 32 at 224 may not fit the wasm heap: time it as 2 × 16 accumulated first.
      cases.splice(cases.length - 1, 0, [{ model, size, batch: 32, microBatches: 2 }, "train"]);
    }
    for (const [c, mode] of cases) {
      const withTorch = python !== undefined && model === "nn2" && torchSizes.includes(size) &&
        !c.microBatches;
      // Micro-batches only where one pass does not fit (the wasm heap).
      const ours = backends.filter((b) => !c.microBatches || b.name === "wasm");
      const torchRuns: Measured[] = [];
      let torchError: string | undefined;
      /** Per backend: each repeat's measurement with the PyTorch run of the same repeat. */
      const runs = new Map(ours.map((b) => [b.name, [] as { m: Measured; torch?: Measured }[]]));
      const errors = new Map<string, string>();
      for (let r = 0; r < repeats; r++) {
        let torch: Measured | undefined;
        if (withTorch && torchError === undefined) {
          try {
            torch = await measureTorch(python!, c, mode, minSeconds, torchTimeout, threads);
            torchRuns.push(torch);
          } catch (e) {
            torchError = (e as Error).message.slice(0, 60);
          }
        }
        for (const b of ours) {
          if (errors.has(b.name)) continue;
          await tf.setBackend(b.name);
          let m: Measured | undefined;
          try {
            m = await measureOurs(c, mode, minSeconds);
          } catch (e) {
            // The reason only ("wasm heap exhausted: cannot allocate 0.03 GiB more"), not the advice.
            errors.set(b.name, (e as Error).message.split("\n")[0].split(/ \(|; /)[0].slice(0, 60));
          }
          if (m) runs.get(b.name)!.push({ m, torch });
          console.error(
            `  ${model}@${size} b${c.batch}${c.microBatches ? `/${c.microBatches}` : ""} ${mode} ` +
              `${b.name} [${r + 1}/${repeats}]: ` +
              (m ? `${fmt(m.imagesPerSecond)} img/s` : `failed (${errors.get(b.name)})`) +
              (torch ? `, PyTorch ${fmt(torch.imagesPerSecond)} img/s` : ""),
          );
        }
      }
      for (const b of ours) {
        const paired = runs.get(b.name)!, measured = paired.map((p) => p.m);
        const row: Row = {
          ...c,
          mode,
          macs,
          backend: b.name,
          torch: torchRuns.length ? medianRun(torchRuns) : undefined,
          torchError,
          oursRuns: measured.map((m) => m.imagesPerSecond),
          torchRuns: torchRuns.map((m) => m.imagesPerSecond),
          ratios: paired.flatMap((p) =>
            p.torch ? [p.m.imagesPerSecond / p.torch.imagesPerSecond] : []
          ),
        };
        if (measured.length) {
          row.ours = medianRun(measured);
          row.gflops = gflopsOf(row.ours.imagesPerSecond, macs, mode);
        } else row.oursError = errors.get(b.name);
        if (row.ratios.length) row.ratio = median(row.ratios);
        rows.push(row);
      }
    }
  }
  const loadEnd = loadAverage();
  console.log(
    `\nforward and training-step throughput on ` +
      backends.map((b) => `${b.name} (${b.threads} thread${b.threads === 1 ? "" : "s"})`)
        .join(", ") +
      `; PyTorch on ${threads} thread${threads === 1 ? "" : "s"}` +
      ` (GFLOP/s = 2 × multiply-adds × img/s; training = 3 forward passes)`,
  );
  console.log(renderTable(rows));
  console.log(`load average: ${loadStart} at start, ${loadEnd} at end`);
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  console.log(JSON.stringify({
    backends: backends.map((b) => b.name),
    threads,
    loadStart,
    loadEnd,
    repeats,
    rows: rows.map((r) => ({
      backend: r.backend,
      model: r.model,
      size: r.size,
      batch: r.batch,
      ...(r.microBatches ? { microBatches: r.microBatches } : {}),
      mode: r.mode,
      imagesPerSecond: r.ours ? +r.ours.imagesPerSecond.toFixed(3) : null,
      ...(r.oursError ? { error: r.oursError } : {}),
      gflops: r.gflops == null ? null : +r.gflops.toFixed(2),
      imagesPerCpuSecond: r.ours ? +perCpu(r.ours, r.batch)!.toFixed(3) : null,
      torchImagesPerSecond: r.torch ? +r.torch.imagesPerSecond.toFixed(3) : null,
      ratio: r.ratio == null ? null : +r.ratio.toFixed(4),
      ratioMin: r.ratios.length ? +Math.min(...r.ratios).toFixed(4) : null,
      ratioMax: r.ratios.length ? +Math.max(...r.ratios).toFixed(4) : null,
      imagesPerSecondRuns: r.oursRuns.map((v) => +v.toFixed(3)),
      torchImagesPerSecondRuns: r.torchRuns.map((v) => +v.toFixed(3)),
    })),
  }));
}
