/**
 * `deno task bench data [--backend wasm] [--lfw DIR] [--images N] [--seconds S] [--quick]`
 *
 * In one run, the throughput of every stage that feeds training:
 * - synthetic images/s (generateSynth) at 96 and 224;
 * - preprocessing images/s (decode, tiny detector + 68 landmarks, align, crop, JPEG write) on the
 *   real LFW dev photos (150×150 JPEGs) with 1 and 2 workers, wall time including worker start-up
 *   and, separately, after the first worker is ready (goal: ≥ 30 images/s with 2 workers on 2 cores);
 * - PK loader images/s at 96 and 224 (decode + augment + standardise, batch 16 = 4 × 4), beside
 *   the NN2 training step's consumption at batch 16 (forward in training mode, a loss, gradients of
 *   every weight, SGD update): loader/training ≥ 1 means the model never waits for data.
 * Prints a table and then the same figures as JSON.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import process from "node:process";
import { parseArgs } from "@std/cli";
import { type BackendPreference, initBackend } from "../lib/backend/mod.ts";
import { generateSynth, preprocessDataset, scanDataset } from "../lib/data/mod.ts";
import { measureLoader } from "./measure_loader.ts";
import { createModel, disposeModel } from "../lib/model/mod.ts";

/** CPU seconds (user + system, all threads: workers included) this process has used so far. */
function cpuSeconds(): number {
  const u = process.cpuUsage(); // getrusage(RUSAGE_SELF): every thread of the process
  return (u.user + u.system) / 1e6;
}

function loadAverage(): string {
  try {
    return Deno.loadavg().map((v) => v.toFixed(2)).join(" ");
  } catch {
    return "unknown";
  }
}

interface Row {
  stage: string;
  size: number;
  workers?: number;
  batch?: number;
  images: number;
  seconds: number;
  imagesPerSecond: number;
  /** CPU seconds per image (all threads), where /proc is readable. */
  cpuPerImage?: number;
  note?: string;
}

const fmt = (
  v: number | undefined,
  d = 1,
) => (v === undefined || !Number.isFinite(v) ? "" : v.toFixed(d));

function table(rows: Row[]): string {
  const head = [
    "stage",
    "size",
    "workers",
    "batch",
    "images",
    "seconds",
    "img/s",
    "CPU ms/img",
    "note",
  ];
  const body = rows.map((r) => [
    r.stage,
    String(r.size),
    r.workers === undefined ? "" : String(r.workers),
    r.batch === undefined ? "" : String(r.batch),
    String(r.images),
    fmt(r.seconds, 2),
    fmt(r.imagesPerSecond),
    fmt(r.cpuPerImage === undefined ? undefined : r.cpuPerImage * 1000, 0),
    r.note ?? "",
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) =>
    c.map((s, i) => (i === 0 || i === 8 ? s.padEnd(w[i]) : s.padStart(w[i]))).join("  ");
  return [line(head), w.map((n) => "-".repeat(n)).join("  "), ...body.map(line)].join("\n");
}

async function trainStep(size: number, batch: number, minSeconds: number): Promise<Row> {
  const model = createModel("nn2", { inputSize: size, seed: 1 });
  const x = tf.randomUniform([batch, size, size, 3], -1, 1, "float32", 2);
  const opt = tf.train.sgd(1e-3);
  const step = async () => {
    const loss = opt.minimize(
      () => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
      true,
    )!;
    await loss.data();
    loss.dispose();
  };
  try {
    await step(); // warm-up
    let steps = 0, seconds = 0;
    const t0 = performance.now();
    do {
      await step();
      steps++;
      seconds = (performance.now() - t0) / 1000;
    } while (seconds < minSeconds);
    return {
      stage: "nn2 training step",
      size,
      batch,
      images: steps * batch,
      seconds,
      imagesPerSecond: (steps * batch) / seconds,
      note: `${steps} step(s) after 1 warm-up`,
    };
  } finally {
    x.dispose();
    opt.dispose();
    disposeModel(model);
  }
}

/** Runs the benchmark; `args` are the flags after `deno task bench data`. */
export default async function benchData(args: string[]): Promise<void> {
  const flags = parseArgs(args, {
    string: ["backend", "lfw", "images", "seconds"],
    boolean: ["quick"],
    default: {
      backend: "wasm",
      lfw: new URL("../../shared/faces/dev/lfw", import.meta.url).pathname,
      seconds: "3",
    },
  });
  const quick = Boolean(flags.quick);
  const choice = await initBackend(flags.backend as BackendPreference);
  console.log(choice.summary);
  const load = loadAverage();
  console.log(
    `load average at start: ${load} (other work on this machine slows every wall-clock figure)`,
  );
  console.log(`cores: ${navigator.hardwareConcurrency}`);
  const minSeconds = Number(flags.seconds);
  const tmp = await Deno.makeTempDir({ prefix: "bench-data-" });
  const rows: Row[] = [];
  const show = (r: Row) => {
    rows.push(r);
    console.error(
      `  ${r.stage} @${r.size}${r.workers ? ` ×${r.workers}` : ""}: ${
        fmt(r.imagesPerSecond)
      } img/s`,
    );
  };
  try {
    // 1. Synthetic identities.
    const synth: Record<number, Awaited<ReturnType<typeof generateSynth>>> = {};
    for (const [size, ids, per] of [[96, quick ? 20 : 50, 8], [224, quick ? 8 : 16, 8]] as const) {
      const c0 = cpuSeconds();
      const r = await generateSynth(`${tmp}/synth${size}`, {
        identities: ids,
        perIdentity: per,
        size,
        seed: 1,
        pairs: 0,
      });
      synth[size] = r;
      show({
        stage: "synthetic generator",
        size,
        images: r.written,
        seconds: r.seconds,
        imagesPerSecond: r.imagesPerSecond,
        cpuPerImage: (cpuSeconds() - c0) / r.written,
      });
    }

    // 2. Preprocessing the LFW dev photos with 1 and 2 workers.
    let lfwOk = false;
    try {
      lfwOk = (await Deno.stat(flags.lfw as string)).isDirectory;
    } catch { /* absent */ }
    if (lfwOk) {
      const n = Number(flags.images ?? (quick ? 120 : 400));
      for (const workers of [1, 2]) {
        let firstReady = 0;
        const t0 = performance.now(), c0 = cpuSeconds();
        const r = await preprocessDataset(flags.lfw as string, `${tmp}/lfw${workers}`, {
          workers,
          size: 224,
          limit: n,
          backend: flags.backend as BackendPreference,
          onWorkerReady: () => {
            firstReady ||= (performance.now() - t0) / 1000;
          },
        });
        const cpu = (cpuSeconds() - c0) / r.processed;
        show({
          stage: "preprocess LFW (tiny)",
          cpuPerImage: cpu,
          size: 224,
          workers,
          images: r.processed,
          seconds: r.seconds,
          imagesPerSecond: r.imagesPerSecond,
          note: `incl. ${firstReady.toFixed(1)} s start-up; ${
            fmt(r.processed / (r.seconds - firstReady))
          } img/s after; ${
            fmt(navigator.hardwareConcurrency / cpu)
          } img/s if it had all ${navigator.hardwareConcurrency} cores; ok ${r.ok}, no-face ${r.noFace}, errors ${r.errors}`,
        });
      }
    } else {
      console.log(`preprocess: skipped, no LFW photos at '${flags.lfw}' (--lfw DIR)`);
    }

    // 3. Loader beside the NN2 training step, batch 16 (P 4 × K 4).
    for (const size of [96, 224]) {
      const ds = await scanDataset(`${tmp}/synth${size}`);
      const m = await measureLoader(ds, { size, p: 4, k: 4, batches: quick ? 6 : 15, seed: 1 });
      show({
        stage: "PK loader (augment)",
        size,
        batch: m.batchSize,
        images: m.images,
        seconds: m.seconds,
        imagesPerSecond: m.imagesPerSecond,
      });
      const t = await trainStep(size, 16, quick ? Math.min(minSeconds, 1) : minSeconds);
      show(t);
      const ratio = m.imagesPerSecond / t.imagesPerSecond;
      rows[rows.length - 1].note += `; loader/training = ${ratio.toFixed(1)}×`;
    }
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  console.log(table(rows));
  const goal = rows.find((r) => r.stage.startsWith("preprocess") && r.workers === 2);
  if (goal) {
    console.log(
      `preprocessing with 2 workers: ${fmt(goal.imagesPerSecond)} img/s (goal ≥ 30 on 2 cores: ${
        goal.imagesPerSecond >= 30 ? "met" : "not met"
      })`,
    );
  }
  const loadEnd = loadAverage();
  console.log(`load average at end: ${loadEnd}`);
  console.log(
    JSON.stringify(
      {
        backend: choice.name,
        cores: navigator.hardwareConcurrency,
        loadStart: load,
        loadEnd,
        rows,
      },
      null,
      2,
    ),
  );
}
