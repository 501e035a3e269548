/**
 * The PK sampler: each batch holds P identities × K images (FaceNet used about 40 images per
 * identity; batch-hard/semi-hard mining needs K ≥ 2). Batch `b` is a pure function of
 * (dataset, seed, b), so a loader can decode batches in any order, in parallel, and resume exactly
 * from a batch number.
 *
 * Epochs over identities: epoch e shuffles the eligible identities with `mixSeed(seed, e)` and
 * batch b takes the next P of them, so every identity appears once per epoch (⌊n/P⌋ batches; the
 * remainder waits for the next epoch's shuffle). Within an identity, K distinct images are drawn
 * at random per batch; an identity with fewer than K images repeats images (each copy gets its own
 * augmentation in the loader).
 *
 * @example
 * ```ts
 * import { createPkSampler } from "./pk_sampler.ts";
 * const ds = {
 *   root: ".",
 *   identities: ["a", "b", "c"],
 *   items: ["a", "a", "b", "b", "c", "c"].map((id, i) => ({ path: `${id}/${i}.png`, identity: id, label: "abc".indexOf(id) })),
 * };
 * const s = createPkSampler(ds, { p: 2, k: 2, seed: 1 });
 * console.assert(s.batch(0).items.length === 4 && s.batchesPerEpoch === 1);
 * ```
 * @module
 */
import { createRng, mixSeed } from "../../random/mod.ts";
import { type Dataset, type DatasetItem, groupByLabel } from "../dataset/dataset.ts";

/** Options of {@link createPkSampler}. */
export interface PkSamplerOptions {
  /** Identities per batch. Default 8. */
  p?: number;
  /** Images per identity. Default 4. */
  k?: number;
  /** Seed. Default 0. */
  seed?: number;
  /** Identities with fewer images are never sampled. Default 2 (a positive needs two images). */
  minImages?: number;
}

/** One sampled batch: identity-major (the K images of the first identity, then the next …). */
export interface PkBatch {
  index: number;
  items: DatasetItem[];
  /** `items[i].label` as Int32Array. */
  labels: Int32Array;
}

/** A deterministic PK batch generator. */
export interface PkSampler {
  readonly p: number;
  readonly k: number;
  readonly seed: number;
  /** Number of identities eligible for sampling. */
  readonly identities: number;
  readonly batchesPerEpoch: number;
  /** Batch number `index` (≥ 0). */
  batch(index: number): PkBatch;
}

/**
 * Creates a {@link PkSampler}; throws when fewer than P identities have `minImages` images.
 *
 * @example
 * ```ts
 * import { generateSynth } from "../synth/synth.ts";
 * import { createPkSampler } from "./pk_sampler.ts";
 * const dir = await Deno.makeTempDir();
 * const ds = (await generateSynth(dir, { identities: 8, perIdentity: 4, size: 32 })).dataset;
 * console.assert(createPkSampler(ds, { p: 8, k: 4, seed: 1 }).batch(0).labels.length === 32);
 * ```
 */
export function createPkSampler(dataset: Dataset, options: PkSamplerOptions = {}): PkSampler {
  const p = options.p ?? 8, k = options.k ?? 4, seed = options.seed ?? 0;
  const minImages = options.minImages ?? 2;
  for (const [name, v, min] of [["p", p, 1], ["k", k, 1], ["minImages", minImages, 1]] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new Error(`createPkSampler: '${name}' must be an integer ≥ ${min}, got ${v}`);
    }
  }
  const groups = groupByLabel(dataset).filter((g) => g.length >= minImages);
  if (groups.length < p) {
    throw new Error(
      `createPkSampler: '${dataset.root}' has ${groups.length} identities with ≥ ${minImages} images, need p = ${p}`,
    );
  }
  const perEpoch = Math.floor(groups.length / p);
  let cachedEpoch = -1;
  let order: number[] = [];
  return {
    p,
    k,
    seed,
    identities: groups.length,
    batchesPerEpoch: perEpoch,
    batch(index: number): PkBatch {
      if (!Number.isInteger(index) || index < 0) {
        throw new Error(`PkSampler.batch: index must be an integer ≥ 0, got ${index}`);
      }
      const epoch = Math.floor(index / perEpoch);
      if (epoch !== cachedEpoch) {
        order = createRng(mixSeed(seed, 0, epoch)).shuffle(groups.map((_, i) => i));
        cachedEpoch = epoch;
      }
      const rng = createRng(mixSeed(seed, 1, index));
      const pos = (index % perEpoch) * p;
      const items: DatasetItem[] = [];
      for (const gi of order.slice(pos, pos + p)) {
        const g = groups[gi];
        const idx = g.map((_, i) => i);
        // partial Fisher–Yates: the first min(K, n) are a uniform sample without replacement
        for (let i = 0; i < Math.min(k, idx.length - 1); i++) {
          const j = i + rng.int(idx.length - i);
          [idx[i], idx[j]] = [idx[j], idx[i]];
        }
        for (let i = 0; i < k; i++) {
          items.push(g[i < idx.length ? idx[i] : idx[rng.int(idx.length)]]);
        }
      }
      return { index, items, labels: Int32Array.from(items, (it) => it.label) };
    },
  };
}
