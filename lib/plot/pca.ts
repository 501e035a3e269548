/**
 * Principal component projection in plain TypeScript (power iteration with deflation), for
 * scatter plots of embeddings. Deterministic: the start vectors are fixed, not random.
 * @module
 */

/** Result of {@link pca}. */
export interface PcaResult {
  /** [N][k] projected coordinates. */
  points: number[][];
  /** The k principal directions, [k][D]. */
  components: number[][];
  /** Variance along each component. */
  variances: number[];
}

/**
 * Projects rows of `rows` ([N][D]) onto their first `k` principal components.
 *
 * @example
 * ```ts
 * import { pca } from "./pca.ts";
 * const { points, variances } = pca([[0, 0], [1, 1], [2, 2]], { k: 1 });
 * console.assert(points.length === 3 && Math.abs(variances[0] - 4 / 3) < 1e-6);
 * ```
 */
export function pca(
  rows: ArrayLike<number>[],
  options: { k?: number; iterations?: number } = {},
): PcaResult {
  const n = rows.length;
  if (n === 0) throw new Error("pca: 'rows' is empty");
  const d = rows[0].length;
  const k = Math.min(options.k ?? 2, d);
  const iterations = options.iterations ?? 200;
  const mean = new Float64Array(d);
  for (const r of rows) {
    if (r.length !== d) throw new Error(`pca: every row must have ${d} values, got ${r.length}`);
    for (let j = 0; j < d; j++) mean[j] += r[j] / n;
  }
  const x = rows.map((r) => Float64Array.from({ length: d }, (_, j) => r[j] - mean[j]));
  // Covariance [D][D].
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  for (const r of x) {
    for (let a = 0; a < d; a++) {
      const ra = r[a];
      if (ra === 0) continue;
      const row = cov[a];
      for (let b = 0; b < d; b++) row[b] += (ra * r[b]) / n;
    }
  }
  const components: number[][] = [];
  const variances: number[] = [];
  for (let c = 0; c < k; c++) {
    let v: Float64Array = Float64Array.from(
      { length: d },
      (_, j) => 1 / Math.sqrt(d) + (j === c ? 1 : 0),
    );
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += cov[a][b] * v[b];
        w[a] = s;
      }
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      for (let a = 0; a < d; a++) w[a] /= norm;
      lambda = norm;
      v = w;
    }
    components.push(Array.from(v));
    variances.push(lambda);
    // Deflate.
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a][b] -= lambda * v[a] * v[b];
  }
  const points = x.map((r) =>
    components.map((comp) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += r[j] * comp[j];
      return s;
    })
  );
  return { points, components, variances };
}
