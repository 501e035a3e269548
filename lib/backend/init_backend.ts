/**
 * Backend selection: the fastest TensorFlow.js backend this machine has.
 *
 * "auto" tries, in order: tfjs-node-gpu, tfjs-node (each by dynamic import, used when the user has
 * installed it), wasm (XNNPACK, with the toolkit's training kernels registered), cpu. "webgpu" only
 * on request. The result says which backend was chosen and why each better one was not.
 *
 * @example
 * ```ts
 * import { initBackend } from "./init_backend.ts";
 * const choice = await initBackend("cpu");
 * console.assert(choice.name === "cpu");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** A backend a user may ask for. */
export type BackendPreference = "auto" | "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu" | "webgpu";

/** What {@link initBackend} chose, and why each better candidate was skipped. */
export interface BackendChoice {
  /** The tfjs backend name now active ("tensorflow", "wasm", "cpu", "webgpu"). */
  name: string;
  /** Which preference produced it (e.g. "tensorflow-gpu"). */
  via: BackendPreference;
  /** Candidates tried before the chosen one, with the reason each was not used. */
  rejected: { name: BackendPreference; reason: string }[];
  /** One-line human summary, e.g. "backend: wasm (tensorflow-gpu: not installed; …)". */
  summary: string;
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Number of wasm threads, if the wasm build supports them. Default: tfjs's choice. */
  wasmThreads?: number;
}

type Loader = (opts: InitBackendOptions) => Promise<string>;

const LOADERS: Record<Exclude<BackendPreference, "auto">, Loader> = {
  "tensorflow-gpu": async () => {
    await import(String("npm:@tensorflow/tfjs-node-gpu"));
    return "tensorflow";
  },
  "tensorflow": async () => {
    await import(String("npm:@tensorflow/tfjs-node"));
    return "tensorflow";
  },
  "wasm": async () => {
    await import("@tensorflow/tfjs-backend-wasm");
    const { registerTrainingKernels } = await import("./training_kernels.ts");
    registerTrainingKernels("wasm");
    return "wasm";
  },
  "cpu": async () => {
    const { registerTrainingKernels } = await import("./training_kernels.ts");
    registerTrainingKernels("cpu");
    return "cpu";
  },
  "webgpu": async () => {
    await import(String("npm:@tensorflow/tfjs-backend-webgpu@4.22.0"));
    return "webgpu";
  },
};

const AUTO_ORDER: Exclude<BackendPreference, "auto">[] = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];

/** Selects and initialises a backend. Idempotent for the same preference. */
export async function initBackend(
  preference: BackendPreference = "auto",
  options: InitBackendOptions = {},
): Promise<BackendChoice> {
  if (preference !== "auto" && !(preference in LOADERS)) {
    throw new Error(
      `initBackend: unknown backend '${preference}'; expected one of auto, ${Object.keys(LOADERS).join(", ")}`,
    );
  }
  const order = preference === "auto" ? AUTO_ORDER : [preference];
  const rejected: BackendChoice["rejected"] = [];
  for (const candidate of order) {
    try {
      const name = await LOADERS[candidate](options);
      const ok = await tf.setBackend(name);
      if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
      await tf.ready();
      const why = rejected.map((r) => `${r.name}: ${r.reason}`).join("; ");
      return {
        name: tf.getBackend(),
        via: candidate,
        rejected,
        summary: `backend: ${tf.getBackend()}${why ? ` (${why})` : ""}`,
      };
    } catch (e) {
      const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
      const reason = /Cannot find|not found|Could not find|ERR_MODULE_NOT_FOUND|Unable to load/i.test(msg)
        ? "not installed"
        : msg;
      rejected.push({ name: candidate, reason });
    }
  }
  throw new Error(
    `initBackend: no backend could start for '${preference}': ` +
      rejected.map((r) => `${r.name}: ${r.reason}`).join("; "),
  );
}
