/**
 * Principal component projection of embeddings (default 2-D, for scatter plots), in plain
 * TypeScript: the covariance matrix's leading eigenvectors by power iteration with deflation.
 *
 * Deterministic: the start vectors are fixed, and each component's sign is chosen so that its
 * largest-magnitude coordinate is positive.
 *
 * @example
 * ```ts
 * import { pcaProject } from "./pca.ts";
 * const p = pcaProject([[1, 0, 0], [-1, 0, 0], [0, 0.1, 0], [0, -0.1, 0]]);
 * console.assert(p.points.length === 4 && p.explained[0] > 0.9);
 * ```
 * @module
 */

/** Options of {@link pcaProject}. */
export interface PcaOptions {
  /** Number of components. Default 2. */
  dims?: number;
  /** Maximum power iterations per component. Default 500. */
  iterations?: number;
  /** Convergence tolerance on the eigenvector change. Default 1e-10. */
  tolerance?: number;
}

/** Result of {@link pcaProject}. */
export interface PcaResult {
  /** The projected rows, `dims` coordinates each. */
  points: number[][];
  /** Unit principal axes, one per component (length = embedding dimension). */
  components: number[][];
  /** Variance along each component. */
  variances: number[];
  /** Fraction of the total variance each component explains (NaN when the total is 0). */
  explained: number[];
  /** The mean row that was subtracted. */
  mean: number[];
}

/**
 * Projects rows onto their leading principal components.
 *
 * @param rows the embeddings, one row each (same length)
 * @param options dims (2), iterations (500), tolerance (1e-10)
 *
 * @example
 * ```ts
 * import { pcaProject } from "./pca.ts";
 * const { points } = pcaProject([[0, 0], [2, 2], [4, 4]], { dims: 1 });
 * console.assert(Math.abs(Math.abs(points[0][0]) - Math.sqrt(8)) < 1e-9);
 * ```
 */
export function pcaProject(
  rows: ArrayLike<ArrayLike<number>>,
  options: PcaOptions = {},
): PcaResult {
  const dims = options.dims ?? 2;
  const iterations = options.iterations ?? 500;
  const tolerance = options.tolerance ?? 1e-10;
  const n = rows.length;
  if (n === 0) throw new Error("pcaProject: no rows");
  const d = rows[0].length;
  if (!Number.isInteger(dims) || dims < 1 || dims > d) {
    throw new Error(`pcaProject: 'dims' must be an integer in [1, ${d}], got ${dims}`);
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r.length !== d) {
      throw new Error(`pcaProject: rows[${i}] has length ${r.length}, expected ${d}`);
    }
    for (let k = 0; k < d; k++) {
      if (!Number.isFinite(r[k])) throw new Error(`pcaProject: rows[${i}][${k}] is ${r[k]}`);
      mean[k] += r[k] / n;
    }
  }
  // Covariance (population).
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) centred[k] = rows[i][k] - mean[k];
    for (let a = 0; a < d; a++) {
      const ca = centred[a];
      if (ca === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b] += ca * centred[b];
    }
  }
  let total = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      cov[a * d + b] /= n;
      cov[b * d + a] = cov[a * d + b];
    }
    total += cov[a * d + a];
  }

  const components: number[][] = [];
  const variances: number[] = [];
  const v = new Float64Array(d), w = new Float64Array(d);
  for (let c = 0; c < dims; c++) {
    // Fixed, generic start vector, orthogonalised against the found components.
    for (let k = 0; k < d; k++) v[k] = 1 + ((k * 0.6180339887 + c * 0.31) % 1);
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      for (const u of components) {
        let p = 0;
        for (let k = 0; k < d; k++) p += v[k] * u[k];
        for (let k = 0; k < d; k++) v[k] -= p * u[k];
      }
      let norm = 0;
      for (let k = 0; k < d; k++) norm += v[k] * v[k];
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      for (let k = 0; k < d; k++) v[k] /= norm;
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += cov[a * d + b] * v[b];
        w[a] = s;
      }
      for (const u of components) {
        let p = 0;
        for (let k = 0; k < d; k++) p += w[k] * u[k];
        for (let k = 0; k < d; k++) w[k] -= p * u[k];
      }
      let wn = 0;
      for (let k = 0; k < d; k++) wn += w[k] * w[k];
      wn = Math.sqrt(wn);
      lambda = wn;
      if (wn === 0) break; // no variance left: keep the (orthogonal) start direction
      let change = 0;
      for (let k = 0; k < d; k++) {
        const nv = w[k] / wn;
        change += (nv - v[k]) ** 2;
        v[k] = nv;
      }
      if (change < tolerance) break;
    }
    // Re-orthonormalise (covers the zero-variance exit) and fix the sign.
    for (const u of components) {
      let p = 0;
      for (let k = 0; k < d; k++) p += v[k] * u[k];
      for (let k = 0; k < d; k++) v[k] -= p * u[k];
    }
    let norm = 0, big = 0;
    for (let k = 0; k < d; k++) {
      norm += v[k] * v[k];
      if (Math.abs(v[k]) > Math.abs(big)) big = v[k];
    }
    norm = Math.sqrt(norm) * (big < 0 ? -1 : 1);
    components.push(Array.from(v, (x) => (norm !== 0 ? x / norm : 0)));
    variances.push(lambda);
  }
  const points = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    const p = new Array<number>(dims);
    for (let c = 0; c < dims; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (rows[i][k] - mean[k]) * components[c][k];
      p[c] = s;
    }
    points[i] = p;
  }
  return {
    points,
    components,
    variances,
    explained: variances.map((x) => (total > 0 ? x / total : NaN)),
    mean: Array.from(mean),
  };
}
