/**
 * Runs jobs on the wasm backend's heap on the main thread and `threads − 1` helper threads at
 * once: the toolkit's filter-gradient panels (`_filter_grad_panels.ts`) and its typed-array
 * kernels that work image by image or pixel by pixel (pooling gradients, LRN); see
 * `_heap_jobs.ts` for the list.
 *
 * The helpers are `node:worker_threads` workers that instantiate the same panel module on the same
 * shared `WebAssembly.Memory` (the threaded wasm build's heap) and view it as typed arrays, so they
 * read the tensors and write the results where tfjs keeps them: nothing is copied. A job is posted
 * through a small SharedArrayBuffer of control words (its kind, integers such as byte addresses and
 * sizes, and floats); every thread, the main one included, takes tiles of it from an atomic
 * counter until none are left, and the main thread waits for the helpers with `Atomics.wait`. Each
 * output value is computed by one thread in a fixed order, so results do not depend on the thread
 * count or on who took which tile.
 *
 * The helpers are started once per heap, waited for (they must be ready before the first job, so
 * that a job's counters are never touched by a late starter), and unref'd: like XNNPACK's pool they
 * stay for the process and do not keep it alive. Should they not start, jobs run on the main thread
 * alone; on the single-threaded build (an unshared heap) there are none.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { Worker } from "node:worker_threads";
import type { WasmLike } from "./_heap_views.ts";
import {
  HEAP_JOBS,
  type HeapContext,
  heapContextOn,
  type HeapJobKind,
  HeapJobs,
} from "./_heap_jobs.ts";
import { startedWasmThreads } from "./wasm_threads.ts";

/** What a helper is sent when it starts. */
export interface ControlInit {
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
}

// Control words (int32).
const SEQ = 0; // job number, bumped to post a job
const DONE = 1; // helpers done with the current job
const NEXT = 2; // next tile to take
const TILES = 3;
const READY = 4; // helpers started
const FAILED = 5; // a helper threw (its message is not carried; the main thread then throws)
const KIND = 6;
const INTS = 16; // a job's integers (read as uint32: byte addresses may exceed 2³¹)
/** Most integers and floats a job carries. */
export const MAX_INTS = 48;
export const MAX_FLOATS = 16;
const FLOATS_BYTE = 4 * (INTS + MAX_INTS);
const CONTROL_BYTES = FLOATS_BYTE + 8 * MAX_FLOATS;

/** How long the main thread waits for helpers to start, and for a job, before giving up (ms). */
const START_TIMEOUT_MS = 30_000;
const JOB_TIMEOUT_MS = 120_000;

interface ControlViews {
  words: Int32Array;
  ints: Uint32Array;
  floats: Float64Array;
}

function controlViews(control: SharedArrayBuffer): ControlViews {
  return {
    words: new Int32Array(control, 0, INTS),
    ints: new Uint32Array(control, 4 * INTS, MAX_INTS),
    floats: new Float64Array(control, FLOATS_BYTE, MAX_FLOATS),
  };
}

/** Takes tiles of the posted job until none are left. */
function takeTiles(ctx: HeapContext, v: ControlViews): void {
  const job = HEAP_JOBS[v.words[KIND]];
  const tiles = v.words[TILES];
  for (;;) {
    const t = Atomics.add(v.words, NEXT, 1);
    if (t >= tiles) return;
    job(ctx, v.ints, v.floats, t, tiles);
  }
}

/** A helper's loop: wait for a job, work on it, report; never returns. */
export function workOnJobs(ctx: HeapContext, control: SharedArrayBuffer): never {
  const v = controlViews(control);
  let seen = Atomics.load(v.words, SEQ);
  Atomics.add(v.words, READY, 1);
  Atomics.notify(v.words, READY);
  for (;;) {
    Atomics.wait(v.words, SEQ, seen);
    seen = Atomics.load(v.words, SEQ);
    try {
      takeTiles(ctx, v);
    } catch {
      Atomics.store(v.words, FAILED, 1);
    }
    Atomics.add(v.words, DONE, 1);
    Atomics.notify(v.words, DONE);
  }
}

/** The panel functions on one heap, and its helper threads. */
export class PanelPool {
  readonly context: HeapContext;
  readonly threads: number;
  private readonly control: ControlViews;
  private readonly helpers: number;

  constructor(memory: WebAssembly.Memory, threads: number) {
    const shared = memory.buffer instanceof SharedArrayBuffer;
    this.context = heapContextOn(memory);
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.control = controlViews(control);
    this.helpers = shared ? startHelpers(memory, control, threads - 1) : 0;
    this.threads = this.helpers + 1;
  }

  /**
   * Runs tiles `0 … tiles − 1` of job `kind` with `ints` and `floats` on every thread; returns when
   * all are done.
   */
  run(kind: HeapJobKind, ints: readonly number[], floats: readonly number[], tiles: number): void {
    if (ints.length > MAX_INTS || floats.length > MAX_FLOATS) {
      throw new Error(`heap job ${kind}: too many parameters (${ints.length}, ${floats.length})`);
    }
    const job = HEAP_JOBS[kind];
    if (this.helpers === 0 || tiles <= 1) {
      const intView = Uint32Array.from(ints);
      const floatView = Float64Array.from(floats);
      for (let t = 0; t < tiles; t++) job(this.context, intView, floatView, t, tiles);
      return;
    }
    const { words, ints: iv, floats: fv } = this.control;
    iv.set(ints);
    fv.set(floats);
    words[KIND] = kind;
    words[TILES] = tiles;
    Atomics.store(words, NEXT, 0);
    Atomics.store(words, DONE, 0);
    Atomics.store(words, FAILED, 0);
    Atomics.add(words, SEQ, 1);
    Atomics.notify(words, SEQ);
    takeTiles(this.context, this.control);
    const deadline = performance.now() + JOB_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(words, DONE);
      if (done >= this.helpers) break;
      if (performance.now() > deadline) {
        throw new Error(`heap job ${kind}: a helper thread did not finish in ${JOB_TIMEOUT_MS} ms`);
      }
      Atomics.wait(words, DONE, done, 1000);
    }
    if (Atomics.load(words, FAILED) !== 0) {
      throw new Error(`heap job ${kind}: a helper thread failed (memory access out of bounds?)`);
    }
  }
}

/** Starts `count` helpers and waits until they are ready; returns how many are (0 on failure). */
function startHelpers(
  memory: WebAssembly.Memory,
  control: SharedArrayBuffer,
  count: number,
): number {
  if (count <= 0) return 0;
  const words = new Int32Array(control, 0, INTS);
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const w = new Worker(new URL("./_panel_worker.ts", import.meta.url));
      w.postMessage({ memory, control } satisfies ControlInit);
      w.unref();
      workers.push(w);
    }
  } catch {
    for (const w of workers) w.terminate();
    return 0;
  }
  const deadline = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    const ready = Atomics.load(words, READY);
    if (ready >= count) return count;
    if (performance.now() > deadline) {
      // A helper that starts later would touch the counters of a running job: stop them all.
      for (const w of workers) w.terminate();
      return 0;
    }
    Atomics.wait(words, READY, ready, 100);
  }
}

const pools = new WeakMap<WebAssembly.Memory, PanelPool>();

/** The pool on `memory` with `threads` threads in all, started on first use. */
export function panelPool(memory: WebAssembly.Memory, threads: number): PanelPool {
  let pool = pools.get(memory);
  if (!pool) {
    pool = new PanelPool(memory, threads);
    pools.set(memory, pool);
  }
  return pool;
}

/** The further parts of tfjs-backend-wasm's BackendWasm (and its Emscripten module) used here. */
export interface WasmBackendLike extends WasmLike {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(id: tf.DataId): { memoryOffset: number } | undefined };
}

/** The wasm heap of `backend`, or undefined when it is not the wasm backend. */
export function wasmHeapOf(backend: tf.KernelBackend): WebAssembly.Memory | undefined {
  const b = backend as unknown as Partial<WasmBackendLike>;
  if (typeof b.makeOutput !== "function" || b.dataIdMap == null || b.wasm == null) return undefined;
  const memory = b.wasm.wasmMemory ?? b.wasm.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/** The pool of the wasm `backend` (on its thread count), or undefined on another backend. */
export function heapPoolOf(backend: tf.KernelBackend): PanelPool | undefined {
  const memory = wasmHeapOf(backend);
  return memory && panelPool(memory, startedWasmThreads());
}

/** Throws, naming the kernel, unless every input is float32. */
export function requireFloat32(inputs: tf.TensorInfo[], kernelName: string): void {
  for (const t of inputs) {
    if (t.dtype !== "float32") {
      throw new Error(`${kernelName}: inputs must be float32, got ${t.dtype}`);
    }
  }
}

/** Byte address of a tensor's data on the wasm heap. */
export function heapOffset(
  backend: tf.KernelBackend,
  t: tf.TensorInfo,
  kernelName: string,
): number {
  const at = (backend as unknown as WasmBackendLike).dataIdMap.get(t.dataId)?.memoryOffset;
  if (at == null) throw new Error(`${kernelName}: a tensor is not on the wasm heap`);
  return at;
}

/**
 * An input as the panels read it: its heap address, the height and width it is stored with, and a
 * release for any copy made.
 */
export interface HeapInput {
  at: number;
  hp: number;
  wp: number;
  release(): void;
}

/**
 * `x` [n, h, w, c] on the heap as an image of at least [hp, wp] whose origin is (top, left) in
 * padded coordinates: `x` itself where no padding is needed before it and it is large enough (rows
 * and columns past [hp, wp] are then never read), else a zero-padded (or cropped) copy of exactly
 * [n, hp, wp, c], made on every thread (no tfjs kernel runs, so the kernel using it stays one
 * kernel in profiles).
 */
export function paddedOnHeap(
  backend: tf.KernelBackend,
  pool: PanelPool,
  x: tf.TensorInfo,
  hp: number,
  wp: number,
  top: number,
  left: number,
  kernelName: string,
): HeapInput {
  const [n, h, w, c] = x.shape;
  if (top === 0 && left === 0 && h >= hp && w >= wp) {
    return { at: heapOffset(backend, x, kernelName), hp: h, wp: w, release: () => {} };
  }
  const copy = (backend as unknown as WasmBackendLike).makeOutput([n, hp, wp, c], "float32");
  try {
    const ints = [heapOffset(backend, x, kernelName), heapOffset(backend, copy, kernelName)];
    ints.push(n, h, w, c, hp, wp, top, left);
    pool.run(HeapJobs.pad, ints, [], Math.max(1, Math.min(n, pool.threads)));
  } catch (e) {
    backend.disposeData(copy.dataId);
    throw e;
  }
  return {
    at: heapOffset(backend, copy, kernelName),
    hp,
    wp,
    release: () => backend.disposeData(copy.dataId),
  };
}
