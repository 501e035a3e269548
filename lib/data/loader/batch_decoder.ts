/**
 * Batch decoders behind the loaders: `"worker"` decodes in a Deno Worker (its own JS thread, so a
 * long synchronous training step on the main thread does not stall sharp's pipeline), `"inline"`
 * decodes on the calling thread (fine when the consumer awaits often, e.g. evaluation).
 *
 * The worker starts on the first request and stops after `idleMs` without work (so a forgotten
 * loader cannot keep the process alive), restarting on demand; `close()` stops it at once.
 *
 * @example
 * ```ts
 * import { createBatchDecoder } from "./batch_decoder.ts";
 * const dec = createBatchDecoder({ kind: "inline" });
 * const data = await dec.decode({ paths: [], augments: [], size: 8 });
 * console.assert(data.length === 0);
 * await dec.close();
 * ```
 * @module
 */
import type { AugmentParams } from "../decode/augment.ts";
import { decodeStandardized } from "../decode/read_pixels.ts";
import { mapPool } from "./pool.ts";

/** One batch to decode: absolute (or cwd-relative) paths and each image's augmentation. */
export interface DecodeRequest {
  paths: string[];
  augments: (AugmentParams | undefined)[];
  size: number;
  /** Images decoded at once. Default 4. */
  concurrency?: number;
}

/** Decodes batches to standardised float32 NHWC pixels. */
export interface BatchDecoder {
  readonly kind: "worker" | "inline";
  decode(request: DecodeRequest): Promise<Float32Array>;
  /** Waits for nothing: pending requests are rejected; the worker (if any) is stopped. */
  close(): Promise<void>;
}

/** Options of {@link createBatchDecoder}. */
export interface BatchDecoderOptions {
  /** Default "worker". */
  kind?: "worker" | "inline";
  /** Worker only: stop after this many ms idle. Default 3000. */
  idleMs?: number;
}

/**
 * Creates a {@link BatchDecoder}.
 *
 * @example
 * ```ts
 * import { createBatchDecoder } from "./batch_decoder.ts";
 * const dec = createBatchDecoder({ kind: "worker" });
 * const data = await dec.decode({ paths: [], augments: [], size: 16 });
 * console.assert(data.length === 0);
 * await dec.close();
 * ```
 */
export function createBatchDecoder(options: BatchDecoderOptions = {}): BatchDecoder {
  const kind = options.kind ?? "worker";
  if (kind === "inline") {
    return {
      kind,
      async decode(r) {
        const per = r.size * r.size * 3;
        const data = new Float32Array(r.paths.length * per);
        await mapPool(
          r.paths,
          (p, i) =>
            decodeStandardized(p, {
              size: r.size,
              augment: r.augments[i],
              out: data,
              offset: i * per,
            }),
          { concurrency: r.concurrency ?? 4 },
        );
        return data;
      },
      close: () => Promise.resolve(),
    };
  }
  if (kind !== "worker") {
    throw new Error(`createBatchDecoder: 'kind' must be "worker" or "inline", got ${kind}`);
  }
  const idleMs = options.idleMs ?? 3000;
  let worker: Worker | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve(d: Float32Array): void; reject(e: Error): void }>();
  const stop = (why: string) => {
    worker?.terminate();
    worker = undefined;
    for (const p of pending.values()) p.reject(new Error(why));
    pending.clear();
  };
  const start = () => {
    const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    w.onmessage = (e: MessageEvent<{ id: number; data?: Float32Array; error?: string }>) => {
      const p = pending.get(e.data.id);
      if (!p) return;
      pending.delete(e.data.id);
      if (e.data.error !== undefined) p.reject(new Error(e.data.error));
      else p.resolve(e.data.data!);
      if (pending.size === 0) {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => pending.size === 0 && stop("idle"), idleMs);
      }
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      stop(`loader decode worker failed: ${e.message}`);
    };
    return w;
  };
  return {
    kind,
    decode(r) {
      clearTimeout(idleTimer);
      worker ??= start();
      const id = nextId++;
      const promise = new Promise<Float32Array>((resolve, reject) =>
        pending.set(id, { resolve, reject })
      );
      worker.postMessage({
        id,
        paths: r.paths,
        augments: r.augments,
        size: r.size,
        concurrency: r.concurrency ?? 4,
      });
      return promise;
    },
    close() {
      clearTimeout(idleTimer);
      stop("decoder closed");
      return Promise.resolve();
    },
  };
}
