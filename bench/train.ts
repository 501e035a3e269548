/**
 * `deno task bench train [--sizes 96,224] [--mining 1800] [--p 45] [--micro 90,16] [--chunk 180,32]
 * [--native-micro 90,32] [--native-chunk 180,90] [--micro-batches 2,1] [--model nn2] [--width 1]
 * [--backend wasm,native] [--in-process] [--json]`: one
 * FaceNet-style round per input size — embed a 1,800-image mining batch (45 identities × 40)
 * without gradient in chunks, mine semi-hard triplets, then train on the mined triplets in
 * micro-batches with gradient accumulation — through `trainEmbedding`, and reports peak RSS and
 * images/s. `--micro`, `--chunk` and `--micro-batches` are per size (the last value repeats).
 *
 * Each size runs in its own child process (unless `--in-process`), so its peak RSS is its own: the
 * wasm heap only grows, and it is 32-bit (≤ 4 GB), which is why 224 needs micro-batches ≤ 16 images
 * and embedding chunks ≤ 32. The native backend (oneDNN, tensors in JS memory) has no such heap:
 * it trains 224 in micro-batches of 32 (`--native-micro`, `--native-chunk`). Every size runs on
 * each backend of `--backend` (a comma list; native is skipped, saying why, where libdnnl.so.2
 * cannot load), so the table compares the peak RSS of both paths. To keep the whole bench under ~8 minutes on 2 cores, each round trains
 * only the first `--micro-batches` micro-batches of the mined set (a full round trains them all);
 * the table gives the measured rates and the extrapolated time of a full round. Images are random
 * standardised tensors (no decoding: the loader is measured by `deno task bench data`). Peak RSS is
 * the process's high-water mark (getrusage ru_maxrss via FFI) where available, else the largest
 * `Deno.memoryUsage().rss` sampled. The load average before and after each round is printed, since
 * other jobs on the machine change the rates.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { parseArgs } from "@std/cli";
import { TASK_PERMISSIONS } from "../lib/cli/mod.ts";
import { type BackendPreference, dnnlUnavailableReason, initBackend } from "../lib/backend/mod.ts";
import type { ModelName } from "../lib/model/mod.ts";
import { type BatchLoader, trainEmbedding } from "../lib/train/mod.ts";

let sampledPeak = 0;

/**
 * The process's peak RSS in bytes: getrusage(2)'s ru_maxrss through FFI on Linux (Deno refuses to
 * read /proc/self/status without --allow-all), else the largest `Deno.memoryUsage().rss` sampled.
 */
function peakRss(): number {
  const now = Deno.memoryUsage().rss;
  sampledPeak = Math.max(sampledPeak, now);
  if (Deno.build.os === "linux") {
    try {
      const libc = Deno.dlopen("libc.so.6", {
        getrusage: { parameters: ["i32", "buffer"], result: "i32" },
      });
      try {
        // struct rusage: two struct timeval (16 bytes each), then long ru_maxrss (KiB on Linux)
        const buf = new BigInt64Array(18);
        if (libc.symbols.getrusage(0, buf) === 0) return Number(buf[4]) * 1024;
      } finally {
        libc.close();
      }
    } catch {
      // no libc.so.6 (musl, …): fall back to sampling
    }
  }
  return sampledPeak;
}

function loadAvg(): string {
  try {
    return Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  } catch {
    return "n/a";
  }
}

/** One batch of random standardised images, made in chunks (bounded transient JS memory). */
function randomLoader(n: number, p: number, size: number, seed: number): BatchLoader {
  let given = false;
  return {
    next() {
      if (given) return Promise.resolve(undefined);
      given = true;
      const chunk = 100;
      const parts: tf.Tensor[] = [];
      for (let i = 0; i < n; i += chunk) {
        parts.push(
          tf.randomUniform([Math.min(chunk, n - i), size, size, 3], -1, 1, "float32", seed + i),
        );
      }
      const images = tf.concat(parts, 0) as tf.Tensor4D;
      tf.dispose(parts);
      const k = Math.floor(n / p);
      const labels = Int32Array.from({ length: n }, (_, i) => Math.min(p - 1, Math.floor(i / k)));
      return Promise.resolve({ images, labels });
    },
  };
}

const list = (s: string) => s.split(",").map((x) => Number(x.trim()));
const at = (xs: number[], i: number) => xs[Math.min(i, xs.length - 1)];

type Row = Record<string, number | string>;

/** Runs one size in a child process (its own wasm heap and RSS); returns its row or a failure row. */
async function roundInChild(
  size: number,
  mb: number,
  ch: number,
  maxMicro: number,
  f: Record<string, unknown>,
): Promise<Row> {
  const rowFile = await Deno.makeTempFile({ prefix: "bench_train_row_", suffix: ".json" });
  try {
    const args = [
      "run",
      ...TASK_PERMISSIONS,
      decodeURIComponent(new URL(import.meta.url).pathname),
      "--in-process",
      "--sizes",
      String(size),
      "--micro",
      String(mb),
      "--chunk",
      String(ch),
      "--micro-batches",
      String(maxMicro),
      "--mining",
      String(f.mining),
      "--p",
      String(f.p),
      "--model",
      String(f.model),
      "--width",
      String(f.width),
      "--backend",
      String(f.backend),
      "--row-out",
      rowFile,
    ];
    const t0 = performance.now();
    const { code } = await new Deno.Command(Deno.execPath(), {
      args,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    const text = await Deno.readTextFile(rowFile);
    if (code === 0 && text.trim()) return JSON.parse(text) as Row;
    return {
      model: `${f.model}×${f.width}`,
      size,
      microBatch: mb,
      embedChunk: ch,
      failed: `child exited with code ${code} after ${
        ((performance.now() - t0) / 1000).toFixed(0)
      } s`,
    };
  } finally {
    await Deno.remove(rowFile).catch(() => {});
  }
}

/** Runs the benchmark (see the module doc). */
export default async function benchTrain(args: string[]): Promise<void> {
  const f = parseArgs(args, {
    string: [
      "sizes",
      "mining",
      "p",
      "micro",
      "chunk",
      "micro-batches",
      "native-micro",
      "native-chunk",
      "model",
      "width",
      "backend",
      "row-out",
    ],
    boolean: ["json", "in-process"],
    default: {
      sizes: "96,224",
      mining: "1800",
      p: "45",
      micro: "90,16",
      chunk: "180,32",
      "micro-batches": "2,1",
      "native-micro": "90,32",
      "native-chunk": "180,90",
      model: "nn2",
      width: "1",
      backend: "wasm,native",
    },
    unknown: (a: string) => {
      throw new Error(`bench train: unknown flag '${a}'`);
    },
  });
  const sizes = list(f.sizes as string),
    micro = list(f.micro as string),
    chunk = list(f.chunk as string),
    maxMicros = list(f["micro-batches"] as string);
  const n = Number(f.mining), p = Number(f.p);
  const model = f.model as ModelName, width = Number(f.width);
  const rows: Row[] = [];
  if (!f["in-process"]) {
    const t0 = performance.now();
    for (const backend of String(f.backend).split(",").map((b) => b.trim())) {
      const why = backend === "native" ? dnnlUnavailableReason() : undefined;
      if (why) {
        console.log(`native skipped: ${why}`);
        continue;
      }
      const native = backend === "native";
      const mbs = native ? list(f["native-micro"] as string) : micro;
      const chs = native ? list(f["native-chunk"] as string) : chunk;
      for (let i = 0; i < sizes.length; i++) {
        const before = loadAvg();
        const row = await roundInChild(sizes[i], at(mbs, i), at(chs, i), at(maxMicros, i), {
          ...f,
          backend,
        });
        row.backend ??= backend;
        row.loadBefore = before;
        row.loadAfter = loadAvg();
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
    report(rows, f.json as boolean, (performance.now() - t0) / 1000);
    return;
  }
  // In one process: the first backend of the list.
  const choice = await initBackend(String(f.backend).split(",")[0].trim() as BackendPreference);
  console.log(choice.summary);
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i];
    const mb = at(micro, i), ch = at(chunk, i), maxMicro = at(maxMicros, i);
    const t0 = performance.now();
    const r = await trainEmbedding(
      {
        loader: (seed) => randomLoader(n, p, size, seed),
        model,
        width,
        size,
        steps: 1,
        miner: "semihard",
        microBatch: mb,
        embedChunk: ch,
        maxMicroBatches: maxMicro,
        forensicsEvery: 0,
        seed: 1,
      },
      { progress: false },
    );
    const h = r.history[0];
    r.model.dispose();
    const wall = (performance.now() - t0) / 1000;
    // images pushed through forward+backward in the trained micro-batches (≤ mb each)
    const trainedImages = h.microBatches * mb;
    const embedRate = n / (h.mineMs / 1000);
    const trainRate = trainedImages / (h.gradMs / 1000);
    rows.push({
      model: `${model}×${width}`,
      size,
      mining: n,
      microBatch: mb,
      embedChunk: ch,
      triplets: h.triplets,
      trainedMicroBatches: h.microBatches,
      minedMicroBatches: h.microBatchesMined,
      embedImgPerSec: +embedRate.toFixed(2),
      trainImgPerSec: +trainRate.toFixed(2),
      embedSec: +(h.mineMs / 1000).toFixed(1),
      trainSec: +(h.gradMs / 1000).toFixed(1),
      backend: choice.name,
      fullRoundSecEst:
        +(h.mineMs / 1000 + (h.gradMs / 1000) * (h.microBatchesMined / h.microBatches))
          .toFixed(0),
      peakRssMiB: Math.round(peakRss() / 2 ** 20),
      rssNowMiB: Math.round(Deno.memoryUsage().rss / 2 ** 20),
      wallSec: +wall.toFixed(1),
    });
    if (f["row-out"]) {
      await Deno.writeTextFile(f["row-out"] as string, JSON.stringify(rows[rows.length - 1]));
    } else console.log(JSON.stringify(rows[rows.length - 1]));
  }
  if (!f["row-out"]) report(rows, f.json as boolean, undefined, true);
}

function report(rows: Row[], json: boolean, totalSec?: number, cumulative = false): void {
  if (json) {
    console.log(JSON.stringify({ rows, totalSec }, null, 2));
    return;
  }
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  console.log(`\n| ${cols.join(" | ")} |\n|${cols.map(() => "---").join("|")}|`);
  for (const r of rows) console.log(`| ${cols.map((c) => r[c] ?? "").join(" | ")} |`);
  console.log(
    `\nPeak RSS is the process high-water mark (getrusage ru_maxrss) of the round's ${
      cumulative
        ? "process, cumulative over the rounds run before it in the same process"
        : "own child process"
    }. Only trainedMicroBatches micro-batches were trained per round to keep the bench short; ` +
      `trainImgPerSec counts ≈ microBatch images per trained micro-batch (the last can hold fewer); ` +
      `fullRoundSecEst = embedSec + trainSec × minedMicroBatches / trainedMicroBatches, an ` +
      `extrapolation of a round that trains every mined micro-batch.` +
      (totalSec !== undefined ? ` Total ${totalSec.toFixed(0)} s.` : ""),
  );
}

if (import.meta.main) await benchTrain(Deno.args);
