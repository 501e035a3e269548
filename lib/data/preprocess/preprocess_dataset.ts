/**
 * Preprocessing a face set at VGGFace2 scale: detect, align, crop, resize every photo under `inDir`
 * into a mirror tree of JPEGs under `outDir`, with a JSONL manifest of everything that happened.
 *
 * - Workers: a pool of Deno Workers (default: one per core), each loading face-api once.
 * - Resume: the manifest gets one line per finished image; a rerun skips every path already in it
 *   (errors included), so a killed or Ctrl-C'd run continues where it stopped.
 * - Atomic: crops are written under `outDir/.preprocess-tmp/<run>/` and renamed into place.
 * - Shards: `shard: {k, n}` keeps the paths whose FNV-1a hash modulo n is k−1; shard runs write
 *   `manifest.shard-k-of-n.jsonl` and `mergeManifests([outDir])` joins them.
 * - Abort: when `signal` aborts, no new image is started; images in flight finish and are recorded.
 *
 * @example
 * ```ts
 * import { preprocessDataset } from "./preprocess_dataset.ts";
 * const r = await preprocessDataset("data/lfw", "data/lfw-224", { size: 224, workers: 2 });
 * console.log(r.ok, r.noFace, r.errors, r.imagesPerSecond.toFixed(1));
 * ```
 * @module
 */
import type { Progress } from "../../cli/mod.ts";
import type { BackendPreference } from "../../backend/mod.ts";
import { appendManifest, type ManifestEntry } from "./manifest.ts";
import { preprocessImage, type PreprocessImageOptions } from "./preprocess_image.ts";
import { type PreprocessJob, scanImages } from "./scan_images.ts";
import { parseShard, type Shard, shardOf } from "./shard.ts";

/** Options of {@link preprocessDataset}. */
export interface PreprocessOptions extends PreprocessImageOptions {
  /**
   * Worker count: default `navigator.hardwareConcurrency`; 0 runs in this thread on the tfjs
   * backend the caller already chose.
   */
  workers?: number;
  /** tfjs backend each worker initialises. Default "wasm". */
  backend?: BackendPreference;
  /** Process only this shard ({k, n} or "k/n", 1 ≤ k ≤ n). Default: everything. */
  shard?: Shard | string;
  /** Manifest file. Default `outDir/manifest.jsonl`, or `outDir/manifest.shard-k-of-n.jsonl`. */
  manifest?: string;
  /**
   * Process only these images (paths relative to the input folder, as in the manifest), e.g. a
   * subset of a large photo folder without linking or copying it. A path that is not an image of
   * the folder is an error naming it, raised before any work. Default: every image.
   */
  paths?: readonly string[];
  /** Process at most this many (not yet finished) images, then stop as if aborted. Default all. */
  limit?: number;
  /** Stops the run cleanly; a rerun resumes. */
  signal?: AbortSignal;
  /** A progress display, or a factory given (total, already done). */
  progress?: Progress | ((total: number, done: number) => Progress);
  /** Called once per worker when it is ready, with its backend summary line. */
  onWorkerReady?: (summary: string) => void;
}

/** What {@link preprocessDataset} did. */
export interface PreprocessResult {
  /** Images in this shard. */
  total: number;
  /** Already in the manifest when the run started (skipped). */
  resumed: number;
  /** Processed by this run. */
  processed: number;
  ok: number;
  noFace: number;
  errors: number;
  /** True when stopped by the signal or the limit before the shard was finished. */
  aborted: boolean;
  seconds: number;
  /** processed / seconds (worker start-up included). */
  imagesPerSecond: number;
  manifest: string;
}

/**
 * Preprocesses every image under `inDir` into `outDir` (see the module doc for the guarantees).
 *
 * @example
 * ```ts
 * import { preprocessDataset } from "./preprocess_dataset.ts";
 * const inDir = await Deno.makeTempDir(), outDir = await Deno.makeTempDir();
 * const ac = new AbortController(); // e.g. aborted on SIGINT: a rerun resumes
 * const r = await preprocessDataset(inDir, outDir, { shard: "1/4", signal: ac.signal });
 * console.assert(r.total === 0 && !r.aborted); // an empty folder: nothing to do
 * ```
 */
export async function preprocessDataset(
  inDir: string,
  outDir: string,
  options: PreprocessOptions = {},
): Promise<PreprocessResult> {
  const start = performance.now();
  const shard = typeof options.shard === "string" ? parseShard(options.shard) : options.shard;
  if (shard) parseShard(`${shard.k}/${shard.n}`);
  const workers = options.workers ?? navigator.hardwareConcurrency ?? 1;
  if (!Number.isInteger(workers) || workers < 0) {
    throw new RangeError(`preprocessDataset: 'workers' must be an integer ≥ 0, got ${workers}`);
  }
  const size = options.size ?? 224;
  if (!Number.isInteger(size) || size < 8) {
    throw new RangeError(`preprocessDataset: 'size' must be an integer ≥ 8, got ${size}`);
  }
  const tag = shard ? `shard-${shard.k}-of-${shard.n}` : "all";
  await Deno.mkdir(outDir, { recursive: true });
  const inRoot = await Deno.realPath(inDir).catch((e) => {
    throw new Error(
      `preprocessDataset: cannot read input folder '${inDir}': ${(e as Error).message}`,
    );
  });
  const outRoot = await Deno.realPath(outDir);
  const manifestFile = options.manifest ??
    `${outRoot}/${shard ? `manifest.${tag}` : "manifest"}.jsonl`;
  const tmpDir = `${outRoot}/.preprocess-tmp/${tag}`;
  // Half-written crops of a killed run of this shard: never renamed into place, safe to delete.
  await Deno.remove(tmpDir, { recursive: true }).catch(() => {});

  const scanned = await scanImages(inRoot, { exclude: [outRoot] });
  let all = scanned;
  if (options.paths) {
    const wanted = new Set(options.paths);
    all = scanned.filter((j) => wanted.has(j.path));
    if (all.length !== wanted.size) {
      const found = new Set(all.map((j) => j.path));
      const missing = [...wanted].filter((p) => !found.has(p));
      throw new Error(
        `preprocessDataset: ${missing.length} of the requested paths are not images of ${inRoot}: ${
          missing.slice(0, 5).map((p) => `'${p}'`).join(", ")
        }${missing.length > 5 ? ", …" : ""}`,
      );
    }
  }
  const mine = shard ? all.filter((j) => shardOf(j.path, shard.n) === shard.k) : all;
  const writer = await appendManifest(manifestFile);
  const done = writer.finished;
  const todoAll = mine.filter((j) => !done.has(j.path));
  const todo = options.limit !== undefined ? todoAll.slice(0, options.limit) : todoAll;
  const resumed = mine.length - todoAll.length;
  const progress = typeof options.progress === "function"
    ? options.progress(mine.length, resumed)
    : options.progress;

  const counts = { ok: 0, noFace: 0, errors: 0 };
  const record = (entry: ManifestEntry) => {
    writer.append(entry);
    if (entry.status === "ok") counts.ok++;
    else if (entry.status === "no-face") counts.noFace++;
    else counts.errors++;
    if (entry.status === "error") progress?.fail(1);
    progress?.tick(1, { ok: counts.ok, "no-face": counts.noFace });
  };
  const where = { inRoot, outRoot, tmpDir };
  const imageOptions: PreprocessImageOptions = {
    size,
    margin: options.margin,
    detector: options.detector,
    minConfidence: options.minConfidence,
    onNoFace: options.onNoFace,
    quality: options.quality,
    maxPixels: options.maxPixels,
    minSide: options.minSide,
  };
  let processed = 0;
  try {
    if (workers === 0 || todo.length === 0) {
      for (const job of todo) {
        if (options.signal?.aborted) break;
        record(await preprocessImage(job, where, imageOptions));
        processed++;
      }
    } else {
      processed = await runPool(todo, Math.min(workers, todo.length), {
        where,
        imageOptions,
        backend: options.backend ?? "wasm",
        signal: options.signal,
        record,
        onWorkerReady: options.onWorkerReady,
      });
    }
  } finally {
    writer.close();
    progress?.done();
    await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
    await Deno.remove(`${outRoot}/.preprocess-tmp`).catch(() => {}); // only if empty
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    total: mine.length,
    resumed,
    processed,
    ...counts,
    aborted: resumed + processed < mine.length,
    seconds,
    imagesPerSecond: seconds > 0 ? processed / seconds : 0,
    manifest: manifestFile,
  };
}

interface PoolContext {
  where: { inRoot: string; outRoot: string; tmpDir: string };
  imageOptions: PreprocessImageOptions;
  backend: BackendPreference;
  signal?: AbortSignal;
  record: (e: ManifestEntry) => void;
  onWorkerReady?: (summary: string) => void;
}

/** Two images in flight per worker: sharp's decode/encode (thread pool) overlaps tfjs compute. */
const IN_FLIGHT_PER_WORKER = 2;

async function runPool(jobs: PreprocessJob[], count: number, ctx: PoolContext): Promise<number> {
  const url = new URL("./worker.ts", import.meta.url).href;
  const pool: Worker[] = [];
  let next = 0, processed = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let inFlight = 0, finished = false;
      const finish = (err?: Error) => {
        if (finished) return;
        finished = true;
        if (err) reject(err);
        else resolve();
      };
      const busy: number[] = [];
      const feed = (i: number) => {
        while (!ctx.signal?.aborted && next < jobs.length && busy[i] < IN_FLIGHT_PER_WORKER) {
          const id = next++;
          busy[i]++;
          inFlight++;
          pool[i].postMessage({ type: "job", id, job: jobs[id] });
        }
        if (inFlight === 0 && (ctx.signal?.aborted || next >= jobs.length)) finish();
      };
      const onAbort = () => {
        if (inFlight === 0) finish();
      };
      ctx.signal?.addEventListener("abort", onAbort, { once: true });
      for (let i = 0; i < count; i++) {
        const w = new Worker(url, { type: "module" });
        busy.push(0);
        pool.push(w);
        w.onmessage = (ev: MessageEvent) => {
          const msg = ev.data;
          if (msg.type === "ready") {
            ctx.onWorkerReady?.(msg.summary);
            feed(i);
          } else if (msg.type === "fatal") {
            finish(new Error(`preprocessDataset: worker ${i} failed to start: ${msg.error}`));
          } else if (msg.type === "done") {
            busy[i]--;
            inFlight--;
            processed++;
            try {
              ctx.record(msg.entry);
            } catch (e) {
              finish(e as Error);
              return;
            }
            feed(i);
          }
        };
        w.onerror = (ev: ErrorEvent) => {
          ev.preventDefault();
          finish(new Error(`preprocessDataset: worker ${i} crashed: ${ev.message}`));
        };
        w.postMessage({
          type: "init",
          backend: ctx.backend,
          // The workers already share the cores: each gets its share of wasm threads (≥ 1).
          wasmThreads: Math.max(1, Math.floor((navigator.hardwareConcurrency ?? 1) / count)),
          where: ctx.where,
          options: ctx.imageOptions,
        });
      }
      if (ctx.signal?.aborted) finish();
    });
  } finally {
    for (const w of pool) w.terminate();
  }
  return processed;
}
