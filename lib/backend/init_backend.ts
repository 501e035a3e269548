/**
 * Backend selection: the fastest TensorFlow.js backend this machine has.
 *
 * "auto" tries, in order: tfjs-node-gpu, tfjs-node (each used when the user has installed it in a
 * `node_modules/` beside the project or the working directory; never downloaded on the fly),
 * native (oneDNN through FFI, when the system's `libdnnl.so.2` loads: `apt install libdnnl2`; see
 * `./native/mod.ts`), wasm (XNNPACK, with the toolkit's training kernels registered), cpu (with the
 * fast filter gradient).
 * "webgpu" only on request. The result says which backend was chosen and why each better one was
 * not.
 *
 * Threads: tfjs-backend-wasm 4.22 never loads its multi-threaded build under Node-compatible
 * runtimes (Deno included); `./wasm_threads.ts` loads it anyway, so wasm runs XNNPACK on
 * `wasmThreads` threads (default: `WASM_THREADS`, else the logical cores, at most 8). Should that
 * fail, the stock single-threaded build is used and the summary says why.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import { defaultWasmThreads, enableWasmThreads, guardWasmMalloc } from "./wasm_threads.ts";

/** A backend a user may ask for. */
export type BackendPreference =
  | "auto"
  | "tensorflow-gpu"
  | "tensorflow"
  | "native"
  | "wasm"
  | "cpu"
  | "webgpu";

/** Every accepted preference, for CLI help and validation. */
export const BACKEND_PREFERENCES: readonly BackendPreference[] = [
  "auto",
  "tensorflow-gpu",
  "tensorflow",
  "native",
  "wasm",
  "cpu",
  "webgpu",
];

/** What {@link initBackend} chose, and why each better candidate was skipped. */
export interface BackendChoice {
  /** The tfjs backend name now active ("tensorflow", "native", "wasm", "cpu", "webgpu"). */
  name: string;
  /** Which preference produced it (e.g. "tensorflow-gpu"). */
  via: BackendPreference;
  /** Candidates tried before the chosen one, with the reason each was not used. */
  rejected: { name: BackendPreference; reason: string }[];
  /**
   * Threads the backend computes on (wasm: XNNPACK's pool; native: oneDNN's OpenMP threads, the
   * logical cores unless `OMP_NUM_THREADS` says otherwise; others: undefined, not ours to set).
   */
  threads?: number;
  /** Why wasm runs fewer threads than asked (e.g. the threaded build could not start). */
  threadsNote?: string;
  /** One-line human summary, e.g. "backend: wasm, 2 threads (tensorflow-gpu: not installed; …)". */
  summary: string;
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Threads for wasm's XNNPACK (1 = the stock single-threaded build). Default: the environment's
   * `WASM_THREADS`, else the logical cores (at most 8). Fixed once wasm has started.
   */
  wasmThreads?: number;
}

type Candidate = Exclude<BackendPreference, "auto">;
type Loaded = { name: string; threads?: number; threadsNote?: string };
type Loader = (opts: InitBackendOptions) => Promise<Loaded>;

/** Thrown by a loader when its package is absent: reported as "not installed". */
class NotInstalled extends Error {}

/** Folders whose `node_modules/` may hold a user-installed package: the project, then the cwd. */
function searchRoots(): string[] {
  const roots = [new URL("../../", import.meta.url).pathname];
  try {
    let dir = Deno.cwd();
    for (;;) {
      roots.push(dir.endsWith("/") ? dir : `${dir}/`);
      const up = dir.replace(/\/[^/]*\/?$/, "");
      if (!up || up === dir) break;
      dir = up;
    }
  } catch {
    // no read permission for the cwd: the project root alone
  }
  return [...new Set(roots)];
}

/** Loads an npm package installed beside the project (CommonJS, as tfjs-node is). */
function requireInstalled(pkg: string): unknown {
  for (const root of searchRoots()) {
    let found = false;
    try {
      found = Deno.statSync(`${root}node_modules/${pkg}/package.json`).isFile;
    } catch {
      continue;
    }
    if (found) return createRequire(`${root}package.json`)(pkg);
  }
  throw new NotInstalled(pkg);
}

const LOADERS: Record<Candidate, Loader> = {
  "tensorflow-gpu": () => {
    requireInstalled("@tensorflow/tfjs-node-gpu");
    return Promise.resolve({ name: "tensorflow" });
  },
  "tensorflow": () => {
    requireInstalled("@tensorflow/tfjs-node");
    return Promise.resolve({ name: "tensorflow" });
  },
  "native": async () => {
    const { registerTrainingKernels } = await import("./training_kernels.ts");
    // The cpu training kernels first: the native backend copies the cpu kernels as they stand.
    registerTrainingKernels("cpu");
    const { registerNativeBackend, nativeThreads, applyWaitPolicy } = await import(
      "./native/mod.ts"
    );
    registerNativeBackend();
    return { name: "native", threads: nativeThreads(), threadsNote: applyWaitPolicy().note };
  },
  "wasm": async (opts) => {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const asked = opts.wasmThreads ?? defaultWasmThreads();
    let threadsNote: string | undefined;
    if (asked > 1) {
      try {
        await enableWasmThreads(asked);
      } catch (e) {
        threadsNote = (e instanceof Error ? e.message : String(e)).split("\n")[0];
      }
    }
    const { registerTrainingKernels } = await import("./training_kernels.ts");
    registerTrainingKernels("wasm");
    if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
    guardWasmMalloc((tf.backend() as unknown as { wasm: object }).wasm);
    const threads = wasm.getThreadsCount();
    if (!threadsNote && threads < asked) {
      threadsNote = `${asked} threads asked, wasm had already started with ${threads}`;
    }
    return { name: "wasm", threads, threadsNote };
  },
  "cpu": async () => {
    const { registerTrainingKernels } = await import("./training_kernels.ts");
    registerTrainingKernels("cpu");
    return { name: "cpu" };
  },
  "webgpu": async () => {
    try {
      await import(String("npm:@tensorflow/tfjs-backend-webgpu@4.22.0"));
    } catch (e) {
      const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
      throw new Error(`cannot load @tensorflow/tfjs-backend-webgpu@4.22.0 (${msg})`);
    }
    return { name: "webgpu" };
  },
};

const AUTO_ORDER: Candidate[] = ["tensorflow-gpu", "tensorflow", "native", "wasm", "cpu"];

/**
 * Selects and initialises a backend, registering the toolkit's training kernels for wasm and cpu.
 * "auto" takes the first of tensorflow-gpu, tensorflow, native, wasm, cpu that starts; a named preference
 * takes that backend or throws. Entry points print `choice.summary` once.
 *
 * @example
 * ```ts
 * import { initBackend } from "./init_backend.ts";
 * const choice = await initBackend("auto");
 * console.log(choice.summary); // e.g. "backend: native, 2 threads (tensorflow-gpu: not installed; tensorflow: not installed)"
 * ```
 */
export async function initBackend(
  preference: BackendPreference = "auto",
  options: InitBackendOptions = {},
): Promise<BackendChoice> {
  if (!(BACKEND_PREFERENCES as readonly string[]).includes(preference)) {
    throw new Error(
      `initBackend: unknown backend '${preference}'; expected one of ${
        BACKEND_PREFERENCES.join(", ")
      }`,
    );
  }
  const order = preference === "auto" ? AUTO_ORDER : [preference as Candidate];
  const rejected: BackendChoice["rejected"] = [];
  for (const candidate of order) {
    try {
      const { name, threads, threadsNote } = await LOADERS[candidate](options);
      const ok = await tf.setBackend(name);
      if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
      await tf.ready();
      const why = [
        ...(threadsNote ? [`threads: ${threadsNote}`] : []),
        ...rejected.map((r) => `${r.name}: ${r.reason}`),
      ].join("; ");
      const threadText = threads == null ? "" : `, ${threads} thread${threads === 1 ? "" : "s"}`;
      return {
        name: tf.getBackend(),
        via: candidate,
        rejected,
        ...(threads == null ? {} : { threads }),
        ...(threadsNote ? { threadsNote } : {}),
        summary: `backend: ${tf.getBackend()}${threadText}${why ? ` (${why})` : ""}`,
      };
    } catch (e) {
      const reason = e instanceof NotInstalled
        ? "not installed"
        : (e instanceof Error ? e.message : String(e)).split("\n")[0];
      rejected.push({ name: candidate, reason });
    }
  }
  throw new Error(
    `initBackend: no backend could start for '${preference}': ` +
      rejected.map((r) => `${r.name}: ${r.reason}`).join("; "),
  );
}
