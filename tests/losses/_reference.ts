/**
 * Naive plain-TypeScript references (float64 loops) and seeded batches for the loss-zoo tests.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../../lib/random/mod.ts";
import type { DistanceName } from "../../lib/losses/mod.ts";

/** A seeded batch: `n` rows of `dim` normal values (optionally L2-normalised), as nested arrays. */
export function randomBatch(n: number, dim: number, seed: number, normalise = false): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const row = Array.from({ length: dim }, () => rng.normal());
    if (!normalise) return row;
    const norm = Math.hypot(...row);
    return row.map((v) => v / norm);
  });
}

/** Rows rounded to float32 (what the tensor holds), so references see the same inputs. */
export function f32(rows: number[][]): number[][] {
  return rows.map((r) => r.map((v) => Math.fround(v)));
}

/** Labels 0,0,…,1,1,… with `k` rows per class. */
export function pkLabels(p: number, k: number): number[] {
  return Array.from({ length: p * k }, (_, i) => Math.floor(i / k));
}

/** Reference distance between two rows, in float64. */
export function refDistance(name: DistanceName, a: number[], b: number[], eps = 1e-7): number {
  let sq = 0, dot = 0, na = 0, nb = 0;
  for (let k = 0; k < a.length; k++) {
    sq += (a[k] - b[k]) ** 2;
    dot += a[k] * b[k];
    na += a[k] * a[k];
    nb += b[k] * b[k];
  }
  switch (name) {
    case "euclidean":
      return Math.sqrt(sq);
    case "euclideanEps":
      return Math.sqrt(Math.max(sq, eps));
    case "euclideanPlusEps":
      return Math.sqrt(sq + eps);
    case "squaredEuclidean":
      return sq;
    case "cosine":
      return 1 - dot / Math.sqrt(na * nb);
  }
}

/** Reference triplet form value. */
export function refTripletForm(form: string, dap: number, dan: number, margin: number): number {
  switch (form) {
    case "hinge":
      return Math.max(0, dap - dan + margin);
    case "nohinge":
      return dap - dan;
    case "squaredHinge":
      return Math.max(0, dap * dap - dan * dan + margin);
    case "softplus":
      return Math.log1p(Math.exp(dap - dan));
    default:
      throw new Error(`unknown form ${form}`);
  }
}

/** Every valid triplet, naive loop (same order as allTriplets). */
export function refAllTriplets(labels: number[]): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let a = 0; a < labels.length; a++) {
    for (let p = 0; p < labels.length; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      for (let n = 0; n < labels.length; n++) if (labels[n] !== labels[a]) out.push([a, p, n]);
    }
  }
  return out;
}

/** Central finite-difference gradient of a float64 function of the rows. */
export function finiteDifference(
  f: (rows: number[][]) => number,
  rows: number[][],
  h = 1e-6,
): number[][] {
  return rows.map((row, i) =>
    row.map((_, k) => {
      const plus = rows.map((r) => r.slice());
      const minus = rows.map((r) => r.slice());
      plus[i][k] += h;
      minus[i][k] -= h;
      return (f(plus) - f(minus)) / (2 * h);
    })
  );
}

/** Asserts |actual − expected| ≤ tol·max(1, |expected|) elementwise, with a helpful message. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length} ≠ expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol * Math.max(1, Math.abs(expected[i])))) {
      throw new Error(
        `${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`,
      );
    }
  }
}

/** A [N,D] tensor from rows. */
export function batchTensor(rows: number[][]): tf.Tensor2D {
  return tf.tensor2d(rows);
}
