/**
 * `deno task bench train [--sizes 224,96] [--mining 1800] [--p 45] [--micro 30,90] [--chunk 60,180]
 * [--micro-batches 2] [--model nn2] [--width 1] [--backend wasm] [--json]`: one FaceNet-style round
 * per input size — embed a 1,800-image mining batch (45 identities × 40) without gradient in chunks,
 * mine semi-hard triplets, then train on the mined triplets in micro-batches with gradient
 * accumulation — through `trainEmbedding`, and reports peak RSS and images/s.
 *
 * To keep the whole bench under ~8 minutes on 2 cores, each round trains only the first
 * `--micro-batches` micro-batches of the mined set (a full round trains them all); the table gives
 * the measured rates and the extrapolated time of a full round. Images are random standardised
 * tensors (no decoding: the loader is measured by `deno task bench data`). Peak RSS is the
 * process's high-water mark (/proc/self/status VmHWM) where readable, else the largest
 * `Deno.memoryUsage().rss` sampled.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { parseArgs } from "@std/cli";
import { type BackendPreference, initBackend } from "../lib/backend/mod.ts";
import { type ModelName } from "../lib/model/mod.ts";
import { type BatchLoader, trainEmbedding } from "../lib/train/mod.ts";

function peakRss(): number {
  try {
    const m = Deno.readTextFileSync("/proc/self/status").match(/VmHWM:\s+(\d+) kB/);
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return Deno.memoryUsage().rss;
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
      "model",
      "width",
      "backend",
    ],
    boolean: ["json"],
    default: {
      sizes: "224,96",
      mining: "1800",
      p: "45",
      micro: "30,90",
      chunk: "60,180",
      "micro-batches": "2",
      model: "nn2",
      width: "1",
      backend: "wasm",
    },
    unknown: (a: string) => {
      throw new Error(`bench train: unknown flag '${a}'`);
    },
  });
  const choice = await initBackend(f.backend as BackendPreference);
  console.log(choice.summary);
  const sizes = list(f.sizes as string),
    micro = list(f.micro as string),
    chunk = list(f.chunk as string);
  const n = Number(f.mining), p = Number(f.p), maxMicro = Number(f["micro-batches"]);
  const model = f.model as ModelName, width = Number(f.width);
  const rows: Record<string, number | string>[] = [];
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i];
    const mb = micro[Math.min(i, micro.length - 1)], ch = chunk[Math.min(i, chunk.length - 1)];
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
      fullRoundSecEst:
        +(h.mineMs / 1000 + (h.gradMs / 1000) * (h.microBatchesMined / h.microBatches))
          .toFixed(0),
      peakRssMiB: Math.round(peakRss() / 2 ** 20),
      rssNowMiB: Math.round(Deno.memoryUsage().rss / 2 ** 20),
      wallSec: +wall.toFixed(1),
    });
    console.log(JSON.stringify(rows[rows.length - 1]));
  }
  if (f.json) {
    console.log(JSON.stringify({ backend: choice.name, rows }, null, 2));
    return;
  }
  const cols = Object.keys(rows[0] ?? {});
  console.log(`\n| ${cols.join(" | ")} |\n|${cols.map(() => "---").join("|")}|`);
  for (const r of rows) console.log(`| ${cols.map((c) => r[c]).join(" | ")} |`);
  console.log(
    `\nPeak RSS is the process high-water mark after each round (cumulative: the 96 row includes the ` +
      `224 round when run after it). Only ${maxMicro} micro-batch(es) trained per round to keep the ` +
      `bench short; fullRoundSecEst extrapolates a round that trains every mined micro-batch.`,
  );
}

if (import.meta.main) await benchTrain(Deno.args);
