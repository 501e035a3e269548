/**
 * The one-line API's backend rule: on first use, `initBackend("auto")` (tfjs-node-gpu, tfjs-node,
 * wasm, cpu: the first that starts), unless the caller already chose one.
 *
 * @example
 * ```ts
 * import { ensureBackend } from "./ensure_backend.ts";
 * const name = await ensureBackend();
 * console.assert(typeof name === "string" && name.length > 0);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/mod.ts";

let starting: Promise<string> | undefined;

/**
 * Makes sure a tfjs backend is active and returns its name: the one already set (by
 * `initBackend` or `tf.setBackend`), else the one `initBackend("auto")` picks (once per process).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { ensureBackend } from "./ensure_backend.ts";
 * console.assert((await ensureBackend()) === tf.getBackend());
 * ```
 */
export async function ensureBackend(): Promise<string> {
  const engine = tf.engine();
  if (engine.backendName != null) {
    await tf.ready();
    return tf.getBackend();
  }
  starting ??= initBackend("auto").then((choice) => choice.name).finally(() => {
    starting = undefined;
  });
  return await starting;
}
