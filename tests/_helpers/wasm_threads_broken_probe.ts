/**
 * Probe run in a subprocess by tests/backend/wasm_threads_test.ts: asks for wasm threads with a
 * broken binary, prints the error as JSON, then starts the stock wasm backend and computes once.
 * The process must exit by itself (no worker left running).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { enableWasmThreads } from "../../lib/backend/mod.ts";

let error = "";
try {
  await enableWasmThreads(2, { wasmBinary: new Uint8Array([0, 97, 115, 109]) });
} catch (e) {
  error = (e as Error).message;
}
await tf.setBackend("wasm");
const sum = (await tf.sum(tf.ones([3, 4])).data())[0];
console.log(JSON.stringify({ error, sum }));
