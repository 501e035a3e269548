/**
 * One call from an embedder and a pairs list to the LFW-protocol numbers: embeds each distinct
 * image once, measures each pair's distance, and runs {@link verifyPairs}.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { evaluatePairs } from "./evaluate_pairs.ts";
 * const rows: Record<string, number[]> = { a: [0], b: [0.1], c: [5], d: [5.2], e: [9] };
 * const lookup = { name: "lookup", inputSize: 8, embed: (x: tf.Tensor4D) => tf.zeros([x.shape[0], 1]) as tf.Tensor2D,
 *   embedFile: (p: string) => Promise.resolve(Float32Array.from(rows[p])) };
 * const pairs = [
 *   { a: "a", b: "b", same: true }, { a: "c", b: "d", same: true },
 *   { a: "a", b: "c", same: false }, { a: "b", b: "e", same: false },
 * ];
 * const r = await evaluatePairs(lookup, pairs, { folds: 2 });
 * console.assert(r.verification.accuracy === 1 && r.paths.length === 5);
 * ```
 * @module
 */
import type { Progress } from "../cli/mod.ts";
import type { Embedder } from "./embedder.ts";
import { embedPaths } from "./embed_paths.ts";
import type { RetrievalDistance } from "./identification.ts";
import { pairDistances } from "./pair_distances.ts";
import { verifyPairs, type VerifyPairsOptions, type VerifyPairsResult } from "./verify_pairs.ts";

/** A pair of image paths (as lib/data's `readPairs` returns them). */
export interface EvalPair {
  a: string;
  b: string;
  same: boolean;
  /** Fold defined by the pairs file, if any. */
  fold?: number;
}

/** Options of {@link evaluatePairs}. */
export interface EvaluatePairsOptions extends VerifyPairsOptions {
  /** Folder the pair paths are relative to. Default "" (used as given). */
  root?: string;
  /** Images per batch. Default 32. */
  batchSize?: number;
  /** Ticked once per distinct image embedded. */
  progress?: Progress;
  /** Checked between batches. */
  signal?: AbortSignal;
  /** Decoded images kept between calls (see {@link embedPaths}). */
  imageCache?: Map<string, Float32Array>;
  /** Pair distance. Default "euclidean". */
  distance?: RetrievalDistance;
  /**
   * Use the folds the pairs file defines when every pair has `fold` (LFW View 2 `pairs.txt`, or a
   * pairs.csv `fold` column): `folds` then defaults to their count, and a different `folds` is an
   * error. Default true; false draws folds by `split` as for a file without folds.
   */
  fileFolds?: boolean;
}

/** Result of {@link evaluatePairs}. */
export interface PairEvaluation {
  /** The verification numbers. */
  verification: VerifyPairsResult;
  /** Distance of each pair, in the order given. */
  distances: Float64Array;
  /** The distinct image paths, in the order embedded. */
  paths: string[];
  /** Embedding of each of `paths`. */
  embeddings: Float32Array[];
  /** Which folds were used: "file" (the pairs file's) or the split. */
  folds: "file" | "stratified" | "contiguous";
}

/**
 * Embeds the images of `pairs` (each distinct path once) and evaluates verification on them.
 *
 * @param embedder the embedder
 * @param pairs the pairs (paths relative to `root`)
 * @param options root, batchSize, progress, signal, imageCache, distance ("euclidean"), fileFolds (true),
 *   and {@link verifyPairs}'s folds, far, seed, split
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { evaluatePairs } from "./evaluate_pairs.ts";
 * const e = { name: "zero", inputSize: 8, embed: (x: tf.Tensor4D) => tf.zeros([x.shape[0], 2]) as tf.Tensor2D };
 * const r = await evaluatePairs(e, [], { folds: 2 }).catch((err) => err);
 * console.assert(r instanceof Error);
 * ```
 */
export async function evaluatePairs(
  embedder: Embedder,
  pairs: readonly EvalPair[],
  options: EvaluatePairsOptions = {},
): Promise<PairEvaluation> {
  const index = new Map<string, number>();
  for (const p of pairs) {
    for (const path of [p.a, p.b]) if (!index.has(path)) index.set(path, index.size);
  }
  const paths = [...index.keys()];
  if (pairs.length === 0) throw new Error("evaluatePairs: no pairs");
  const fileFoldCount = pairs.every((p) => p.fold !== undefined)
    ? new Set(pairs.map((p) => p.fold)).size
    : 0;
  const useFile = (options.fileFolds ?? true) && !options.foldOf && fileFoldCount > 0;
  const folds = options.folds ?? (useFile ? fileFoldCount : 10);
  if (useFile && folds !== fileFoldCount) {
    throw new Error(
      `evaluatePairs: the pairs define ${fileFoldCount} folds but 'folds' is ${folds}; ` +
        `leave 'folds' unset to use the file's folds, or set 'fileFolds: false' to draw ${folds}`,
    );
  }
  const embeddings = await embedPaths(embedder, paths, {
    root: options.root,
    batchSize: options.batchSize,
    progress: options.progress,
    signal: options.signal,
    imageCache: options.imageCache,
  });
  const distances = pairDistances(
    pairs.map((p) => embeddings[index.get(p.a)!]),
    pairs.map((p) => embeddings[index.get(p.b)!]),
    { distance: options.distance },
  );
  for (let i = 0; i < distances.length; i++) {
    if (!Number.isFinite(distances[i])) {
      throw new Error(
        `evaluatePairs: ${embedder.name} gave a non-finite distance (${
          distances[i]
        }) for pair ${i} ` +
          `('${pairs[i].a}', '${pairs[i].b}'): its embeddings contain NaN or Infinity`,
      );
    }
  }
  const verification = verifyPairs(distances, pairs.map((p) => p.same), {
    ...options,
    folds,
    foldOf: options.foldOf ?? (useFile ? pairs.map((p) => p.fold!) : undefined),
  });
  return {
    verification,
    distances,
    paths,
    embeddings,
    folds: options.foldOf || useFile ? "file" : options.split ?? "stratified",
  };
}
