/**
 * Closed-set identification by leave-one-out retrieval: each embedding in turn is the query and
 * all the others are the gallery; rank-1 is the fraction of queries whose nearest neighbour has
 * the query's label, recall@k the fraction with at least one same-label item among the k nearest.
 *
 * Queries whose label occurs only once (no possible match) are not counted; `queries` says how
 * many were. Equal distances are ordered by gallery index, so results are deterministic.
 *
 * @example
 * ```ts
 * import { identify } from "./identification.ts";
 * const r = identify([[0, 0], [0, 0.1], [5, 5], [5, 5.1]], [0, 0, 1, 1], { ks: [1] });
 * console.assert(r.rank1 === 1 && r.queries === 4);
 * ```
 * @module
 */

/** Distance used for retrieval. */
export type RetrievalDistance = "euclidean" | "squaredEuclidean" | "cosine";

/** Options of {@link identify}. */
export interface IdentifyOptions {
  /** The k of recall@k. Default [1, 5, 10]. */
  ks?: number[];
  /** Default "euclidean" (ranks as "squaredEuclidean"). */
  distance?: RetrievalDistance;
}

/** Result of {@link identify}. */
export interface IdentifyResult {
  /** Fraction of counted queries whose nearest other embedding has the same label. */
  rank1: number;
  /** recall@k for each requested k (keys are the k). */
  recallAtK: Record<number, number>;
  /** Queries counted (those whose label has at least one other example). */
  queries: number;
  /** Number of embeddings (gallery size + 1 for each query). */
  gallery: number;
}

function rowDistance(a: ArrayLike<number>, b: ArrayLike<number>, kind: RetrievalDistance): number {
  if (kind === "cosine") {
    let dot = 0, na = 0, nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    const denom = Math.sqrt(na * nb);
    return denom > 0 ? 1 - dot / denom : 1;
  }
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s; // euclidean and squaredEuclidean rank identically
}

/**
 * Leave-one-out rank-1 and recall@k of embeddings with identity labels.
 *
 * @param embeddings one row per image (all the same length)
 * @param labels one label per row (numbers or strings)
 * @param options ks ([1, 5, 10]), distance ("euclidean")
 *
 * @example
 * ```ts
 * import { identify } from "./identification.ts";
 * const r = identify([[0], [1], [10], [11], [20]], ["a", "a", "b", "b", "c"]);
 * console.assert(r.queries === 4 && r.recallAtK[1] === 1);
 * ```
 */
export function identify(
  embeddings: ArrayLike<ArrayLike<number>>,
  labels: ArrayLike<number | string>,
  options: IdentifyOptions = {},
): IdentifyResult {
  const ks = options.ks ?? [1, 5, 10];
  const kind = options.distance ?? "euclidean";
  const n = embeddings.length;
  if (labels.length !== n) {
    throw new Error(`identify: embeddings and labels differ in length (${n} vs ${labels.length})`);
  }
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1) {
      throw new Error(`identify: each k must be an integer ≥ 1, got ${k}`);
    }
  }
  if (kind !== "euclidean" && kind !== "squaredEuclidean" && kind !== "cosine") {
    throw new Error(`identify: unknown distance '${kind}'`);
  }
  const dim = n > 0 ? embeddings[0].length : 0;
  for (let i = 0; i < n; i++) {
    if (embeddings[i].length !== dim) {
      throw new Error(
        `identify: embeddings[${i}] has length ${embeddings[i].length}, expected ${dim}`,
      );
    }
  }
  const counts = new Map<number | string, number>();
  for (let i = 0; i < n; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  const maxK = Math.max(1, ...ks);
  const hits = new Map<number, number>(ks.map((k) => [k, 0]));
  let rank1Hits = 0, queries = 0;
  const dist = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    if ((counts.get(labels[q]) ?? 0) < 2) continue;
    queries++;
    for (let j = 0; j < n; j++) {
      dist[j] = j === q ? Infinity : rowDistance(embeddings[q], embeddings[j], kind);
    }
    // First correct rank: count gallery items strictly closer (or equally close with a smaller
    // index) than the best same-label item.
    let bestSame = -1;
    for (let j = 0; j < n; j++) {
      if (j === q || labels[j] !== labels[q]) continue;
      if (bestSame < 0 || dist[j] < dist[bestSame]) bestSame = j;
    }
    let rank = 0; // number of gallery items ranked before bestSame
    for (let j = 0; j < n; j++) {
      if (j === q || j === bestSame) continue;
      if (dist[j] < dist[bestSame] || (dist[j] === dist[bestSame] && j < bestSame)) rank++;
      if (rank >= maxK) break;
    }
    if (rank === 0) rank1Hits++;
    for (const k of ks) if (rank < k) hits.set(k, hits.get(k)! + 1);
  }
  const recallAtK: Record<number, number> = {};
  for (const k of ks) recallAtK[k] = queries > 0 ? hits.get(k)! / queries : NaN;
  return { rank1: queries > 0 ? rank1Hits / queries : NaN, recallAtK, queries, gallery: n };
}
