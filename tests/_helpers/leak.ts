/**
 * Test helpers: tensor-leak checks and the test backend.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { initBackend } from "../../lib/backend/mod.ts";

/** Runs `fn` and asserts that `tf.memory().numTensors` is the same before and after. */
export async function assertNoLeak<T>(fn: () => T | Promise<T>, what = "test"): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  assert.equal(after, before, `${what} leaked ${after - before} tensor(s)`);
  return result;
}

let ready: Promise<unknown> | undefined;
/** Selects the backend tests run on (wasm with the toolkit's training kernels; TEST_BACKEND overrides). */
export function useTestBackend(): Promise<unknown> {
  ready ??= initBackend((Deno.env.get("TEST_BACKEND") as "wasm" | "cpu" | undefined) ?? "wasm");
  return ready;
}

/** Folder of real development faces beside the checkout, or undefined (tests then skip). */
export function devFacesDir(): string | undefined {
  const dir = new URL("../../../shared/faces/dev/", import.meta.url).pathname;
  try {
    return Deno.statSync(dir).isDirectory ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** True when slow suites were asked for (SLOW=1). */
export const slowTests: boolean = Deno.env.get("SLOW") === "1";
