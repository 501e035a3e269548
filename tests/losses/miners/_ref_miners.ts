/** Naive reference miners on a float64 distance matrix (plain loops). @module */
import type { DistanceName } from "../../../lib/losses/mod.ts";
import { refDistance } from "../_reference.ts";

export type Triple = [number, number, number];

export function refMatrix(name: DistanceName, rows: number[][]): number[][] {
  return rows.map((a) => rows.map((b) => refDistance(name, a, b)));
}

export function refSemihard(
  d: number[][],
  labels: number[],
  margin: number,
  fallback: "hardest" | "easiest" | "skip",
): Triple[] {
  const out: Triple[] = [];
  for (let a = 0; a < labels.length; a++) {
    for (let p = 0; p < labels.length; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      const negs = labels.map((_, n) => n).filter((n) => labels[n] !== labels[a]);
      const band = negs.filter((n) => d[a][n] > d[a][p] && d[a][n] < d[a][p] + margin);
      const byD = (xs: number[]) => xs.slice().sort((u, v) => d[a][u] - d[a][v] || u - v);
      if (band.length > 0) out.push([a, p, byD(band)[0]]);
      else if (fallback === "hardest" && negs.length) out.push([a, p, byD(negs)[0]]);
      else if (fallback === "easiest" && negs.length) {
        const sorted = negs.slice().sort((u, v) => d[a][v] - d[a][u] || u - v);
        out.push([a, p, sorted[0]]);
      }
    }
  }
  return out;
}

export function refSemihardAll(d: number[][], labels: number[], margin: number): Triple[] {
  const out: Triple[] = [];
  for (let a = 0; a < labels.length; a++) {
    for (let p = 0; p < labels.length; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      for (let n = 0; n < labels.length; n++) {
        if (labels[n] !== labels[a] && d[a][n] > d[a][p] && d[a][n] < d[a][p] + margin) {
          out.push([a, p, n]);
        }
      }
    }
  }
  return out;
}

export function refHardest(d: number[][], labels: number[]): Triple[] {
  const out: Triple[] = [];
  for (let a = 0; a < labels.length; a++) {
    let p = -1, n = -1;
    for (let k = 0; k < labels.length; k++) {
      if (k === a) continue;
      if (labels[k] === labels[a]) {
        if (p < 0 || d[a][k] > d[a][p]) p = k;
      } else if (n < 0 || d[a][k] < d[a][n]) n = k;
    }
    if (p >= 0 && n >= 0) out.push([a, p, n]);
  }
  return out;
}

export function refBatchAll(d: number[][], labels: number[], margin: number): Triple[] {
  const out: Triple[] = [];
  for (let a = 0; a < labels.length; a++) {
    for (let p = 0; p < labels.length; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      for (let n = 0; n < labels.length; n++) {
        if (labels[n] !== labels[a] && d[a][p] - d[a][n] + margin > 0) out.push([a, p, n]);
      }
    }
  }
  return out;
}

export function triples(
  t: { anchors: Int32Array; positives: Int32Array; negatives: Int32Array },
): Triple[] {
  return Array.from(t.anchors, (a, i) => [a, t.positives[i], t.negatives[i]] as Triple);
}
