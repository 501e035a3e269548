/**
 * Helpers of the kernel tests that run a candidate on one backend and a reference on another.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { createRng } from "../../lib/random/mod.ts";

/** Seeded normal values `offset + scale · N(0, 1)`, the same on every backend. */
export function seeded(shape: number[], seed: number, offset = 0, scale = 1): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => offset + scale * rng.normal()), shape);
}

/** max |a − b| / max |b|: the error relative to the reference's scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, "length mismatch");
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

/**
 * Runs `f` on `backend` inside tidy, reads its output(s) and disposes them, then makes `restore`
 * (default "wasm") the active backend again.
 */
export async function outputsOn(
  backend: string,
  f: () => tf.Tensor | tf.Tensor[],
  restore = "wasm",
): Promise<{ values: (Float32Array | Int32Array)[]; shapes: number[][] }> {
  await tf.setBackend(backend);
  try {
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
    const shapes = list.map((t) => t.shape);
    tf.dispose(list);
    return { values, shapes };
  } finally {
    await tf.setBackend(restore);
  }
}

type RunKernel = (...args: unknown[]) => unknown;

/** Records the name of every kernel the engine runs until the returned function is called. */
function recordKernels(names: string[]): () => void {
  const engine = tf.engine() as unknown as { runKernel: RunKernel };
  const stock = engine.runKernel;
  engine.runKernel = (...args: unknown[]) => {
    names.push(String(args[0]));
    return stock.apply(engine, args);
  };
  return () => {
    engine.runKernel = stock;
  };
}

/** Names of the kernels run while `f` runs, in order (calls may nest). */
export function kernelNames(f: () => void): string[] {
  const names: string[] = [];
  const restore = recordKernels(names);
  try {
    f();
  } finally {
    restore();
  }
  return names;
}

/** {@link kernelNames} of an async `f`, with its result. */
export async function kernelNamesAsync<T>(
  f: () => Promise<T>,
): Promise<{ names: string[]; result: T }> {
  const names: string[] = [];
  const restore = recordKernels(names);
  try {
    return { names, result: await f() };
  } finally {
    restore();
  }
}
