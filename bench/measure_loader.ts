/**
 * Loader throughput, for the data benchmark: how many images a second the PK loader hands out when
 * the consumer takes batches as fast as it can (each batch's tensor is made and disposed).
 *
 * @example
 * ```ts
 * import { measureLoader } from "./measure_loader.ts";
 * import { generateSynth } from "../lib/data/mod.ts";
 * const dir = await Deno.makeTempDir();
 * const { dataset } = await generateSynth(dir, { identities: 4, perIdentity: 4, size: 32 });
 * const m = await measureLoader(dataset, { size: 32, batches: 3, p: 2, k: 2 });
 * console.assert(m.images === 12 && m.imagesPerSecond > 0);
 * ```
 * @module
 */
import { type AugmentOptions, createPkLoader, type Dataset } from "../lib/data/mod.ts";

/** Options of {@link measureLoader}. */
export interface MeasureLoaderOptions {
  /** Image size. Default 96. */
  size?: number;
  /** Batches timed (after one warm-up batch). Default 20. */
  batches?: number;
  /** Default 8. */
  p?: number;
  /** Default 4. */
  k?: number;
  /** Default true. */
  augment?: boolean | AugmentOptions;
  /** Default 3. */
  prefetch?: number;
  /** Default 4. */
  concurrency?: number;
  /** Default 0. */
  seed?: number;
}

/** Throughput of a PK loader. */
export interface LoaderThroughput {
  size: number;
  /** Images timed (warm-up excluded). */
  images: number;
  seconds: number;
  imagesPerSecond: number;
  batchSize: number;
}

/**
 * Times `batches` PK batches after one warm-up batch.
 *
 * @example
 * ```ts
 * import { generateSynth } from "../lib/data/mod.ts";
 * import { measureLoader } from "./measure_loader.ts";
 * const dir = await Deno.makeTempDir();
 * const ds = (await generateSynth(dir, { identities: 8, perIdentity: 4, size: 32 })).dataset;
 * console.log((await measureLoader(ds, { size: 32, batches: 3 })).imagesPerSecond);
 * ```
 */
export async function measureLoader(
  dataset: Dataset,
  options: MeasureLoaderOptions = {},
): Promise<LoaderThroughput> {
  const size = options.size ?? 96, batches = options.batches ?? 20;
  const loader = createPkLoader(dataset, {
    size,
    p: options.p,
    k: options.k,
    augment: options.augment,
    prefetch: options.prefetch,
    concurrency: options.concurrency,
    seed: options.seed,
    batches: batches + 1,
  });
  try {
    (await loader.next())?.images.dispose();
    const t0 = performance.now();
    let images = 0;
    for (let b = 0; b < batches; b++) {
      const batch = await loader.next();
      if (!batch) break;
      images += batch.labels.length;
      batch.images.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      size,
      images,
      seconds,
      imagesPerSecond: images / seconds,
      batchSize: loader.sampler.p * loader.sampler.k,
    };
  } finally {
    await loader.close();
  }
}
