/**
 * Multi-threaded XNNPACK for the tfjs wasm backend under Deno.
 *
 * tfjs-backend-wasm 4.22 ships a threaded SIMD build but never loads it under Node-compatible
 * runtimes (its `WASM_HAS_MULTITHREAD_SUPPORT` flag is false when `IS_NODE`), and forcing the flag
 * fails in Deno: the pthread workers are started from Blob URLs, which `node:worker_threads`
 * rejects, and the worker script assigns globals (`location`, `onmessage`) that Deno's worker scope
 * defines as accessors. This module loads that same build its own way:
 *
 * - the pthread worker script (shipped inside the package as a string) is written once to a
 *   content-addressed `.cjs` file in the temp folder, with three small textual patches (globals set
 *   with `defineProperty`, messages routed through `parentPort` only), and so is the main script,
 *   patched to preload only the workers the pool uses; each patch must match exactly once, so a
 *   different tfjs version fails loudly instead of misbehaving;
 * - the Emscripten factory is given real file paths for the worker, the main script and the
 *   `.wasm` binary;
 * - `emscripten_num_logical_cores` is answered with twice the requested thread count, because the
 *   C side caps the XNNPACK pool at half the logical cores (it assumes hyper-threading);
 * - the package's own `BackendWasm` class wraps the module, registered as "wasm", so every stock
 *   kernel and every kernel the toolkit registers for "wasm" runs on it unchanged.
 *
 * Results are the same as the single-threaded build's: XNNPACK splits work by output tiles, so each
 * output is summed in the same order whatever the thread count.
 * @module
 */
import { fnv1aHex } from "../fs/fnv1a.ts";
import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";

/** The wasm backend's package version this loader was written and tested against. */
export const WASM_PACKAGE_VERSION = "4.22.0";

/**
 * Emscripten's pthread pool size in this build (we start threads − 1 of them). A thread beyond the
 * pool would be started later with the global Worker, which is the web one again by then: so this
 * is also the most threads we start.
 */
export const MAX_WASM_THREADS = 8;

/** The threaded backend, once started: its module promise and the thread count it runs. */
let started: Promise<number> | undefined;
/** The thread count of the started threaded build (1 until it has started). */
let startedThreads = 1;

/** Options of {@link enableWasmThreads}. */
export interface WasmThreadsOptions {
  /** Folder for the generated worker script. Default: the system temp folder. */
  cacheDir?: string;
  /** The threaded `.wasm` to load instead of the package's (a custom build of the same version). */
  wasmBinary?: Uint8Array<ArrayBuffer>;
}

/**
 * Threads the wasm backend uses when none are asked for: `WASM_THREADS` from the environment, else
 * the machine's logical cores (at most 8, the build's preloaded pool).
 *
 * @example
 * ```ts
 * import { defaultWasmThreads } from "./wasm_threads.ts";
 * console.log(defaultWasmThreads()); // 2 on a 2-core machine
 * ```
 */
export function defaultWasmThreads(): number {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get("WASM_THREADS");
  } catch {
    fromEnv = undefined; // no env permission: use the core count
  }
  if (fromEnv != null && fromEnv !== "") {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
      throw new Error(
        `WASM_THREADS must be an integer from 1 to ${MAX_WASM_THREADS}, got '${fromEnv}'`,
      );
    }
    return n;
  }
  const cores = typeof navigator !== "undefined" ? navigator.hardwareConcurrency ?? 1 : 1;
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores));
}

/** Applies one textual patch that must match exactly once. */
function patchOnce(source: string, from: string, to: string): string {
  const count = source.split(from).length - 1;
  if (count !== 1) {
    throw new Error(
      `wasm threads: the pthread worker of tfjs-backend-wasm does not look like ` +
        `${WASM_PACKAGE_VERSION}'s ('${from}' found ${count} times, expected once)`,
    );
  }
  return source.replace(from, to);
}

/** The package's worker script, patched to run under Deno's `node:worker_threads`. */
export function patchedWorkerSource(original: string): string {
  // The package stores the script in a template literal: its "\n" escapes came out as newlines.
  let src = original.replace(/\n/g, "\\n");
  // Deno's worker scope defines `location`, `self`, `postMessage` as accessors: define, don't assign.
  src = patchOnce(src, "Object.assign(global,{", "__facenetSetGlobals(global,{");
  // Route messages through parentPort only (setting self.onmessage would deliver them twice).
  src = patchOnce(
    src,
    "data=>onmessage({data:data})",
    "data=>self.__facenetOnMessage({data:data})",
  );
  src = patchOnce(src, "self.onmessage=e=>{", "self.__facenetOnMessage=e=>{");
  const setGlobals = "function __facenetSetGlobals(t,s){for(const k of Object.keys(s)){" +
    "try{Object.defineProperty(t,k,{value:s[k],writable:true,configurable:true})}" +
    "catch(_){try{t[k]=s[k]}catch(_2){}}}}";
  return setGlobals + src;
}

/** Writes `text` to `dir/name` unless an identical file is there (atomic rename; safe in parallel). */
function writeOnce(dir: string, name: string, text: string): string {
  const path = `${dir.replace(/\/$/, "")}/${name}`;
  try {
    if (Deno.readTextFileSync(path) === text) return path;
  } catch {
    // absent or unreadable: write it
  }
  Deno.mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${Deno.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  Deno.writeTextFileSync(tmp, text);
  Deno.renameSync(tmp, path);
  return path;
}

function tempDir(): string {
  try {
    return Deno.env.get("TMPDIR") || "/tmp";
  } catch {
    return "/tmp";
  }
}

// deno-lint-ignore no-explicit-any
type EmscriptenModule = any;

async function loadThreadedModule(
  threads: number,
  cacheDir: string,
  wasmBinary: Uint8Array<ArrayBuffer> | undefined,
): Promise<EmscriptenModule> {
  const require = createRequire(import.meta.url);
  const base = "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd";
  const wasmPath = require.resolve(`${base}.wasm`);
  const mainScript = require.resolve(`${base}.js`);
  const dir = `${cacheDir}/facenet-ts`;
  // The main thread's copy of the script starts only the workers XNNPACK's pool uses (threads − 1;
  // at least one, or Emscripten would wait for workers forever) instead of the build's 8: each is
  // a V8 isolate, ~15 MB and ~40 ms to start. The workers load the package's script unchanged.
  const main = patchOnce(
    Deno.readTextFileSync(mainScript),
    `var pthreadPoolSize=${MAX_WASM_THREADS};`,
    `var pthreadPoolSize=${Math.max(1, threads - 1)};`,
  );
  const mainPath = writeOnce(
    dir,
    `tfjs-wasm-${WASM_PACKAGE_VERSION}-threaded-main-${fnv1aHex(main)}.cjs`,
    main,
  );
  const factory = require(mainPath) as (config: object) => Promise<EmscriptenModule>;
  const { wasmWorkerContents } = require(`${base}.worker.js`) as { wasmWorkerContents: string };
  const worker = patchedWorkerSource(wasmWorkerContents);
  const workerPath = writeOnce(
    dir,
    `tfjs-wasm-${WASM_PACKAGE_VERSION}-pthread-worker-${fnv1aHex(worker)}.cjs`,
    worker,
  );
  const binary = wasmBinary ?? Deno.readFileSync(wasmPath);
  let abortReason: unknown;
  // In Node mode Emscripten replaces the global Worker with node:worker_threads' Worker and
  // creates its whole pthread pool during this synchronous call; put the web Worker back at once,
  // or every later `new Worker(url, { type: "module" })` in the process (e.g. the image loader's
  // decoders) would get the Node class and hang.
  const webWorker = Object.getOwnPropertyDescriptor(globalThis, "Worker");
  // Emscripten waits for `receive`; a failed compile must end that wait with the error.
  let compileFailed!: (e: unknown) => void;
  const failure = new Promise<never>((_, reject) => (compileFailed = reject));
  let pending: Promise<EmscriptenModule>;
  // Emscripten uses this object as its Module: after a failure, its PThread still holds workers.
  const config: EmscriptenModule = {};
  try {
    pending = factory(Object.assign(config, {
      locateFile: (path: string, prefix: string) =>
        path.endsWith(".worker.js")
          ? workerPath
          : path.endsWith(".wasm")
          ? wasmPath
          : prefix + path,
      mainScriptUrlOrBlob: mainScript,
      onAbort: (reason: unknown) => {
        abortReason = reason;
      },
      instantiateWasm: (
        info: WebAssembly.Imports & { env: Record<string, WebAssembly.ImportValue> },
        receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
      ) => {
        // The C side sizes its pool as min(requested, logical cores / 2).
        info.env.emscripten_num_logical_cores = () => 2 * threads;
        WebAssembly.compile(binary)
          .then(async (m) => receive(await WebAssembly.instantiate(m, info), m))
          .catch((e) => compileFailed(new Error(`wasm threads: cannot instantiate: ${e}`)));
        return {};
      },
    }));
  } finally {
    if (webWorker) Object.defineProperty(globalThis, "Worker", webWorker);
  }
  let module: EmscriptenModule;
  try {
    module = await Promise.race([pending, failure]);
    if (abortReason != null) {
      throw new Error(`wasm threads: module aborted: ${String(abortReason)}`);
    }
  } catch (e) {
    // Workers that never loaded stay referenced and would keep the process alive.
    const pool = config.PThread ?? {};
    for (const w of [...(pool.unusedWorkers ?? []), ...(pool.runningWorkers ?? [])]) {
      w.terminate?.();
    }
    throw e;
  }
  module.tfjs = {
    init: module.cwrap("init", null, []),
    initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: module.cwrap("get_threads_count", "number", []),
    registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: module.cwrap("dispose_data", null, ["number"]),
    dispose: module.cwrap("dispose", null, []),
  };
  return module;
}

/**
 * Makes the "wasm" backend run XNNPACK on `threads` threads (Deno, Node-compatible runtimes).
 * Call before the wasm backend is first used; later calls return the thread count already set.
 * Throws, leaving the stock single-threaded backend registered, when the runtime lacks shared
 * memory or the package is not the version this loader knows.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { enableWasmThreads } from "./wasm_threads.ts";
 * const threads = await enableWasmThreads(2);
 * await tf.setBackend("wasm");
 * console.log(`wasm on ${threads} threads`);
 * ```
 */
export function enableWasmThreads(
  threads: number,
  options: WasmThreadsOptions = {},
): Promise<number> {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    return Promise.reject(
      new Error(`wasm threads: expected an integer from 1 to ${MAX_WASM_THREADS}, got ${threads}`),
    );
  }
  started ??= (async () => {
    if (typeof SharedArrayBuffer === "undefined") {
      throw new Error("wasm threads: this runtime has no SharedArrayBuffer");
    }
    const engine = tf.engine() as unknown as { registry: Record<string, unknown> };
    if (engine.registry["wasm"] != null) {
      throw new Error("wasm threads: the single-threaded wasm backend was already started");
    }
    const pkg = await import("@tensorflow/tfjs-backend-wasm");
    if (pkg.version_wasm !== WASM_PACKAGE_VERSION) {
      throw new Error(
        `wasm threads: tfjs-backend-wasm ${pkg.version_wasm} is not ${WASM_PACKAGE_VERSION}`,
      );
    }
    const module = await loadThreadedModule(
      threads,
      options.cacheDir ?? tempDir(),
      options.wasmBinary,
    );
    pkg.setThreadsCount(threads);
    startedThreads = threads;
    const BackendWasm = pkg.BackendWasm as unknown as new (m: EmscriptenModule) => tf.KernelBackend;
    tf.removeBackend("wasm");
    tf.registerBackend("wasm", () => {
      const backend = new BackendWasm(module); // starts XNNPACK's pool: threads − 1 pthreads
      // Emscripten refs a worker while its pthread runs; the pool's threads run for good, so they
      // would keep the process alive after its work is done. They hold no pending work: unref.
      for (const w of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) {
        w.unref?.();
      }
      return backend;
    }, 2);
    return threads;
  })();
  const attempt = started;
  // A failed start may be retried (e.g. after fixing permissions).
  attempt.catch(() => {
    if (started === attempt) started = undefined;
  });
  return attempt;
}

/** Modules whose `_malloc` already checks for exhaustion. */
const guarded = new WeakSet<object>();

/**
 * Makes the wasm module's `_malloc` throw a clear error on the main thread when the heap (4 GiB at
 * most) is exhausted. tfjs does not check its result: a failed allocation returns address 0, and the
 * kernel writing there fails with "memory access out of bounds" (single-threaded) or, on a pthread,
 * kills that worker while the main thread waits for it forever. Idempotent.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import "@tensorflow/tfjs-backend-wasm";
 * import { guardWasmMalloc } from "./wasm_threads.ts";
 * await tf.setBackend("wasm");
 * guardWasmMalloc((tf.backend() as unknown as { wasm: object }).wasm);
 * ```
 */
export function guardWasmMalloc(module: EmscriptenModule): void {
  if (guarded.has(module)) return;
  const raw: (n: number) => number = module.asm?.malloc ?? module._malloc;
  if (typeof raw !== "function") throw new Error("guardWasmMalloc: the module has no malloc");
  module._malloc = (bytes: number): number => {
    const at = raw(bytes);
    if (at === 0 && bytes > 0) {
      const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;
      throw new Error(
        `wasm heap exhausted: cannot allocate ${gib(bytes)} more (heap ${
          gib(module.HEAPU8.length)
        } of at most 4 GiB); use a smaller batch, micro-batches, or smaller images`,
      );
    }
    return at;
  };
  guarded.add(module);
}

/**
 * Threads the threaded wasm build was started with, known without waiting (1 when it has not been
 * started: the stock single-threaded build, or no wasm at all).
 *
 * @example
 * ```ts
 * import { startedWasmThreads } from "./wasm_threads.ts";
 * console.log(startedWasmThreads()); // 1 before enableWasmThreads
 * ```
 */
export function startedWasmThreads(): number {
  return startedThreads;
}

/** Threads the wasm backend actually runs (1 for the stock build); throws before it has started. */
export async function wasmThreadsInUse(): Promise<number> {
  const pkg = await import("@tensorflow/tfjs-backend-wasm");
  return pkg.getThreadsCount();
}
