/**
 * Training and evaluation loaders. Batches are decoded ahead of the consumer in a Deno Worker
 * (batch_decoder.ts: sharp on its own JS thread, so even a long synchronous training step on the
 * main thread does not stall decoding): a bounded queue of `prefetch` batches is kept in flight, so
 * the training step finds its next batch ready. Memory is bounded by `prefetch` batches of float32
 * pixels (prefetched batches are plain typed arrays; a tensor is made only when the consumer takes
 * the batch). The consumer disposes `images`. Call `close()` when done with a loader that has no
 * `batches` limit (leaving a `for await` loop does it); an idle decode worker also stops by itself
 * after 3 s, so a forgotten loader cannot keep the process alive.
 *
 * Determinism: the PK loader's batch b (its items and every augmentation draw) is a pure function of
 * (dataset, seed, b) — see pk_sampler.ts — so `state()` is just the next batch number, and
 * `restore(state)` resumes exactly.
 *
 * @example
 * ```ts
 * import { createPkLoader } from "./loader.ts";
 * import { generateSynth } from "../synth/synth.ts";
 * const dir = await Deno.makeTempDir();
 * const { dataset } = await generateSynth(dir, { identities: 4, perIdentity: 3, size: 32 });
 * const loader = createPkLoader(dataset, { p: 2, k: 2, size: 32, seed: 1, batches: 2 });
 * for await (const { images, labels } of loader) {
 *   console.assert(images.shape[0] === 4 && labels.length === 4);
 *   images.dispose();
 * }
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng, mixSeed } from "../../random/mod.ts";
import { type Dataset, itemPath } from "../dataset/dataset.ts";
import { type AugmentOptions, resolveAugment, sampleAugment } from "../decode/augment.ts";
import { createBatchDecoder } from "./batch_decoder.ts";
import { createPkSampler, type PkSampler } from "./pk_sampler.ts";

/** A batch handed to the consumer, who disposes `images`. */
export interface LoaderBatch {
  /** [N, size, size, 3] float32, standardised. */
  images: tf.Tensor4D;
  /** Dataset labels (PK loader) or -1 (ordered loader over plain paths). */
  labels: Int32Array;
  /** Item paths relative to the dataset root (PK loader) or as given (ordered loader). */
  paths: string[];
  /** Batch number. */
  index: number;
}

/** Timing of a loader, to show whether the consumer ever waited. */
export interface LoaderStats {
  batches: number;
  images: number;
  /** Total ms the consumer spent waiting inside `next()` for a batch not yet decoded. */
  waitMs: number;
  /** Batches that were not ready when asked for (the consumer waited > 1 ms). */
  waits: number;
  /** Wall ms spent decoding batches (overlapping). */
  decodeMs: number;
  /** Batches decoding or decoded ahead of the consumer now (≤ prefetch). */
  ahead: number;
}

/** Saved position of a {@link PkLoader}. */
export interface PkLoaderState {
  kind: "pk";
  version: 1;
  seed: number;
  nextBatch: number;
}

/** Options of {@link createPkLoader}. */
export interface PkLoaderOptions {
  /** Identities per batch. Default 8. */
  p?: number;
  /** Images per identity. Default 4. */
  k?: number;
  /** Image size. Default 96. */
  size?: number;
  /** Seed of sampling and augmentation. Default 0. */
  seed?: number;
  /** Augmentation: true (defaults of decode/augment.ts), false, or options. Default true. */
  augment?: boolean | AugmentOptions;
  /** Batches decoded ahead of the consumer. Default 3. */
  prefetch?: number;
  /** Images decoded at once (sharp calls in flight). Default 4. */
  concurrency?: number;
  /** Stop after this many batches in total (counting from batch 0). Default unlimited. */
  batches?: number;
  /** Identities with fewer images are skipped. Default 2. */
  minImages?: number;
  /**
   * Where decoding runs: "worker" (a Deno Worker: a long synchronous training step cannot stall it)
   * or "inline" (this thread). Default "worker".
   */
  decoder?: "worker" | "inline";
}

/** A PK batch stream with exact resume. */
export interface PkLoader extends AsyncIterable<LoaderBatch> {
  readonly sampler: PkSampler;
  /** The next batch, or undefined after `batches` batches or `close()`. */
  next(): Promise<LoaderBatch | undefined>;
  /** Position to save with a checkpoint. */
  state(): PkLoaderState;
  /** Continue from a saved position (the seed must match); drops prefetched batches. */
  restore(state: PkLoaderState): void;
  stats(): LoaderStats;
  /** Stops prefetching and waits for in-flight decoding to settle. Iterating with `for await` and leaving the loop calls it. */
  close(): Promise<void>;
}

interface RawBatch {
  data: Float32Array;
  labels: Int32Array;
  paths: string[];
  index: number;
}

function positiveInt(what: string, name: string, v: number, min = 1) {
  if (!Number.isInteger(v) || v < min) {
    throw new Error(`${what}: '${name}' must be an integer ≥ ${min}, got ${v}`);
  }
}

/** The engine both loaders share: numbered batches produced ahead, handed out in order. */
function createPrefetcher(
  produce: (index: number) => Promise<RawBatch>,
  options: { prefetch: number; limit: number },
  release: () => Promise<void>,
) {
  const inflight = new Map<number, Promise<RawBatch>>();
  const settling = new Set<Promise<unknown>>();
  const settled = new WeakSet<Promise<RawBatch>>();
  let nextBatch = 0, closed = false;
  const stats: LoaderStats = { batches: 0, images: 0, waitMs: 0, waits: 0, decodeMs: 0, ahead: 0 };
  const start = (b: number) => {
    const t0 = performance.now();
    const pr = produce(b).finally(() => (stats.decodeMs += performance.now() - t0));
    const quiet = pr.then(() => settled.add(pr), () => settled.add(pr));
    settling.add(quiet);
    quiet.then(() => settling.delete(quiet));
    inflight.set(b, pr);
  };
  const fill = () => {
    for (let b = nextBatch; b < Math.min(nextBatch + options.prefetch, options.limit); b++) {
      if (!inflight.has(b)) start(b);
    }
  };
  return {
    stats: () => ({ ...stats, ahead: inflight.size }),
    get position() {
      return nextBatch;
    },
    seek(b: number) {
      inflight.clear();
      nextBatch = b;
    },
    async next(): Promise<RawBatch | undefined> {
      if (closed || nextBatch >= options.limit) return undefined;
      fill();
      const b = nextBatch;
      const pr = inflight.get(b)!;
      const t0 = performance.now();
      const raw = settled.has(pr) ? await pr : await pr.then((r) => {
        const ms = performance.now() - t0;
        // a batch whose message was merely queued behind a busy thread is not a wait
        if (ms > 1) (stats.waits++, (stats.waitMs += ms));
        return r;
      });
      inflight.delete(b);
      settled.delete(pr);
      nextBatch = b + 1;
      fill();
      if (nextBatch >= options.limit) await release(); // nothing left to decode
      stats.batches++;
      stats.images += raw.labels.length;
      return raw;
    },
    async close() {
      closed = true;
      inflight.clear();
      await Promise.all([...settling]);
      await release();
    },
  };
}

function toBatch(raw: RawBatch, size: number): LoaderBatch {
  return {
    images: tf.tensor4d(raw.data, [raw.labels.length, size, size, 3], "float32"),
    labels: raw.labels,
    paths: raw.paths,
    index: raw.index,
  };
}

function iterate(
  next: () => Promise<LoaderBatch | undefined>,
  close: () => Promise<void>,
): AsyncIterator<LoaderBatch> {
  return {
    async next() {
      const b = await next();
      return b ? { value: b, done: false } : { value: undefined, done: true };
    },
    async return() {
      await close();
      return { value: undefined, done: true };
    },
  };
}

/**
 * Creates a PK loader over `dataset` (see the module doc and pk_sampler.ts).
 *
 * @example
 * ```ts
 * import { createPkLoader } from "./loader.ts";
 * import { generateSynth } from "../synth/synth.ts";
 * const dir = await Deno.makeTempDir();
 * const ds = (await generateSynth(dir, { identities: 8, perIdentity: 4, size: 32 })).dataset;
 * const loader = createPkLoader(ds, { p: 8, k: 4, size: 32, seed: 0 });
 * const batch = await loader.next();
 * batch?.images.dispose();
 * const saved = loader.state(); // store with the checkpoint; later: loader.restore(saved)
 * await loader.close();
 * console.assert(saved.nextBatch === 1);
 * ```
 */
export function createPkLoader(dataset: Dataset, options: PkLoaderOptions = {}): PkLoader {
  const what = "createPkLoader";
  const size = options.size ?? 96, seed = options.seed ?? 0;
  const prefetch = options.prefetch ?? 3, concurrency = options.concurrency ?? 4;
  const limit = options.batches ?? Infinity;
  positiveInt(what, "size", size, 8);
  positiveInt(what, "prefetch", prefetch);
  positiveInt(what, "concurrency", concurrency);
  if (limit !== Infinity) positiveInt(what, "batches", limit, 0);
  const aug = resolveAugment(options.augment ?? true);
  const sampler = createPkSampler(dataset, {
    p: options.p,
    k: options.k,
    seed,
    minImages: options.minImages,
  });
  const decoder = createBatchDecoder({ kind: options.decoder ?? "worker" });
  const produce = async (index: number): Promise<RawBatch> => {
    const { items, labels } = sampler.batch(index);
    const augments = items.map((_, i) =>
      aug ? sampleAugment(createRng(mixSeed(seed, 2, index, i)), aug) : undefined
    );
    const paths = items.map((it) => itemPath(dataset, it.path));
    const data = await decoder.decode({ paths, augments, size, concurrency });
    return { data, labels, paths: items.map((it) => it.path), index };
  };
  const pf = createPrefetcher(produce, { prefetch, limit }, () => decoder.close());
  const next = async () => {
    const raw = await pf.next();
    return raw && toBatch(raw, size);
  };
  return {
    sampler,
    next,
    state: () => ({ kind: "pk", version: 1, seed, nextBatch: pf.position }),
    restore(state: PkLoaderState) {
      if (
        state?.kind !== "pk" || state.version !== 1 || !Number.isInteger(state.nextBatch) ||
        state.nextBatch < 0
      ) {
        throw new Error(`PkLoader.restore: not a PK loader state: ${JSON.stringify(state)}`);
      }
      if (state.seed !== seed) {
        throw new Error(
          `PkLoader.restore: state has seed ${state.seed}, this loader has seed ${seed}`,
        );
      }
      pf.seek(state.nextBatch);
    },
    stats: pf.stats,
    close: () => pf.close(),
    [Symbol.asyncIterator]: () => iterate(next, () => pf.close()),
  };
}

/** Options of {@link createOrderedLoader}. */
export interface OrderedLoaderOptions {
  /** Image size. Default 96. */
  size?: number;
  /** Images per batch (the last batch may be smaller). Default 32. */
  batchSize?: number;
  /** Folder relative paths are joined to. Default "" (paths used as given). */
  root?: string;
  /** Batches decoded ahead. Default 2. */
  prefetch?: number;
  /** Images decoded at once. Default 4. */
  concurrency?: number;
  /** Labels to hand out with the images (same length as paths). Default -1 each. */
  labels?: ArrayLike<number>;
  /** Where decoding runs, as in {@link PkLoaderOptions}. Default "worker". */
  decoder?: "worker" | "inline";
}

/** An in-order, unaugmented batch stream over a list of images (evaluation). */
export interface OrderedLoader extends AsyncIterable<LoaderBatch> {
  /** Number of batches. */
  readonly length: number;
  next(): Promise<LoaderBatch | undefined>;
  stats(): LoaderStats;
  close(): Promise<void>;
}

/**
 * Creates an ordered loader: every path once, in order, batch by batch, no augmentation.
 *
 * @example
 * ```ts
 * import { createOrderedLoader } from "./loader.ts";
 * const loader = createOrderedLoader([], { size: 96, batchSize: 16 });
 * console.assert(loader.length === 0 && (await loader.next()) === undefined);
 * ```
 */
export function createOrderedLoader(
  paths: readonly string[],
  options: OrderedLoaderOptions = {},
): OrderedLoader {
  const what = "createOrderedLoader";
  const size = options.size ?? 96, batchSize = options.batchSize ?? 32;
  const prefetch = options.prefetch ?? 2, concurrency = options.concurrency ?? 4;
  positiveInt(what, "size", size, 8);
  positiveInt(what, "batchSize", batchSize);
  positiveInt(what, "prefetch", prefetch);
  positiveInt(what, "concurrency", concurrency);
  if (options.labels && options.labels.length !== paths.length) {
    throw new Error(`${what}: ${options.labels.length} labels for ${paths.length} paths`);
  }
  const root = options.root ?? "";
  const length = Math.ceil(paths.length / batchSize);
  const decoder = createBatchDecoder({ kind: options.decoder ?? "worker" });
  const produce = async (index: number): Promise<RawBatch> => {
    const part = paths.slice(index * batchSize, (index + 1) * batchSize);
    const data = await decoder.decode({
      paths: part.map((p) => itemPath({ root }, p)),
      augments: part.map(() => undefined),
      size,
      concurrency,
    });
    const labels = Int32Array.from(
      part,
      (_, i) => options.labels ? options.labels[index * batchSize + i] : -1,
    );
    return { data, labels, paths: part, index };
  };
  const pf = createPrefetcher(produce, { prefetch, limit: length }, () => decoder.close());
  const next = async () => {
    const raw = await pf.next();
    return raw && toBatch(raw, size);
  };
  return {
    length,
    next,
    stats: pf.stats,
    close: () => pf.close(),
    [Symbol.asyncIterator]: () => iterate(next, () => pf.close()),
  };
}
