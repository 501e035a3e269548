/**
 * Runs filter-gradient panel jobs (`_filter_grad_panels.ts`) on the wasm backend's heap, on the
 * main thread and `threads − 1` helper threads at once.
 *
 * The helpers are `node:worker_threads` workers that instantiate the same panel module on the same
 * shared `WebAssembly.Memory` (the threaded wasm build's heap), so they read the tensors and write
 * the gradient where tfjs keeps them: nothing is copied. A job is posted through a small
 * SharedArrayBuffer of control words; every thread, the main one included, takes chunks of the
 * gradient's rows from an atomic counter until none are left, and the main thread waits for the
 * helpers with `Atomics.wait`. Each gradient value is summed by one thread in a fixed order, so
 * results do not depend on the thread count or on who took which chunk.
 *
 * The helpers are started once per heap, waited for (they must be ready before the first job, so
 * that a job's counters are never touched by a late starter), and unref'd: like XNNPACK's pool they
 * stay for the process and do not keep it alive. Should they not start, jobs run on the main thread
 * alone.
 * @module
 */
import { Worker } from "node:worker_threads";
import { MAIN_ROWS, panelModuleBytes } from "./_wasm_gemm_module.ts";
import {
  type FilterGradJob,
  filterGradTile,
  jobRows,
  type Panels,
  panelsOf,
} from "./_filter_grad_panels.ts";

/** What a helper is sent when it starts. */
export interface ControlInit {
  memory: WebAssembly.Memory;
  control: Int32Array;
}

// Control words.
const SEQ = 0; // job number, bumped to post a job
const DONE = 1; // helpers done with the current job
const NEXT = 2; // next row chunk to take
const ROW_TILES = 3; // the job is cut into ROW_TILES × COL_TILES tiles
const COL_TILES = 4;
const READY = 5; // helpers started
const FAILED = 6; // a helper threw (its message is not carried; the main thread then throws)
const JOB = 8; // the job's fields, in JOB_FIELDS order
const JOB_FIELDS: (keyof FilterGradJob)[] = [
  "x",
  "dy",
  "out",
  "n",
  "hp",
  "wp",
  "c",
  "oh",
  "ow",
  "k",
  "kh",
  "kw",
  "sh",
  "sw",
  "bandRows",
];
const CONTROL_WORDS = JOB + JOB_FIELDS.length;

/** How long the main thread waits for helpers to start, and for a job, before giving up (ms). */
const START_TIMEOUT_MS = 30_000;
const JOB_TIMEOUT_MS = 120_000;

function readJob(control: Int32Array): FilterGradJob {
  const job = {} as Record<keyof FilterGradJob, number>;
  // Addresses may exceed 2³¹ on a 4 GiB heap: stored as int32, read back unsigned.
  JOB_FIELDS.forEach((f, i) => (job[f] = control[JOB + i] >>> 0));
  return job;
}

/** Bounds of part `i` of `parts` of `total`, cut at multiples of `unit`. */
function partOf(total: number, parts: number, i: number, unit: number): [number, number] {
  const units = Math.ceil(total / unit);
  const at = (j: number) => Math.min(total, Math.round((units * j) / parts) * unit);
  return [at(i), at(i + 1)];
}

/** Takes tiles of the posted job until none are left. */
function takeChunks(panels: Panels, control: Int32Array): void {
  const job = readJob(control);
  const rowTiles = control[ROW_TILES];
  const colTiles = control[COL_TILES];
  for (;;) {
    const t = Atomics.add(control, NEXT, 1);
    if (t >= rowTiles * colTiles) return;
    const [r0, r1] = partOf(jobRows(job), rowTiles, t % rowTiles, MAIN_ROWS);
    const [c0, c1] = partOf(job.k, colTiles, Math.floor(t / rowTiles), 8);
    if (r1 > r0 && c1 > c0) filterGradTile(panels, job, r0, r1, c0, c1);
  }
}

/**
 * How a job is cut between `threads`: along the gradient's rows when it has at least as many as
 * output channels (each tile then reads all of dy once), else along the channels (each tile reads
 * the input once); `perThread` tiles per thread let a thread that is slowed down take fewer.
 */
export function tilesFor(job: FilterGradJob, threads: number, perThread = TILES_PER_THREAD): [
  number,
  number,
] {
  const rows = jobRows(job);
  const target = perThread * threads;
  if (rows >= job.k) return [Math.max(1, Math.min(target, Math.ceil(rows / 4))), 1];
  return [1, Math.max(1, Math.min(target, Math.ceil(job.k / 8)))];
}

/**
 * Tiles per thread (see {@link tilesFor}). Measured on nn2's filter gradients at batch 32 on 2
 * threads: 1 beat 2 and 3 on the largest layers (each extra tile re-reads dy or the input).
 */
export const TILES_PER_THREAD = 1;

/** A helper's loop: wait for a job, work on it, report; never returns. */
export function workOnJobs(panels: Panels, control: Int32Array): never {
  let seen = Atomics.load(control, SEQ);
  Atomics.add(control, READY, 1);
  Atomics.notify(control, READY);
  for (;;) {
    Atomics.wait(control, SEQ, seen);
    seen = Atomics.load(control, SEQ);
    try {
      takeChunks(panels, control);
    } catch {
      Atomics.store(control, FAILED, 1);
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

/** The panel functions on one heap, and its helper threads. */
export class PanelPool {
  readonly panels: Panels;
  readonly threads: number;
  private readonly control: Int32Array;
  private readonly helpers: number;

  constructor(memory: WebAssembly.Memory, threads: number) {
    const shared = memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(panelModuleBytes(shared));
    this.panels = panelsOf(new WebAssembly.Instance(module, { env: { memory } }));
    this.control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
    this.helpers = shared ? startHelpers(memory, this.control, threads - 1) : 0;
    this.threads = this.helpers + 1;
  }

  /** Computes `job` (its output already zeroed) on every thread; returns when all are done. */
  run(job: FilterGradJob): void {
    if (this.helpers === 0) {
      filterGradTile(this.panels, job, 0, jobRows(job));
      return;
    }
    const c = this.control;
    const [rowTiles, colTiles] = tilesFor(job, this.threads);
    JOB_FIELDS.forEach((f, i) => (c[JOB + i] = job[f] | 0));
    c[ROW_TILES] = rowTiles;
    c[COL_TILES] = colTiles;
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, FAILED, 0);
    Atomics.add(c, SEQ, 1);
    Atomics.notify(c, SEQ);
    takeChunks(this.panels, c);
    const deadline = performance.now() + JOB_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= this.helpers) break;
      if (performance.now() > deadline) {
        throw new Error(`filter gradient: a helper thread did not finish in ${JOB_TIMEOUT_MS} ms`);
      }
      Atomics.wait(c, DONE, done, 1000);
    }
    if (Atomics.load(c, FAILED) !== 0) {
      throw new Error("filter gradient: a helper thread failed (memory access out of bounds?)");
    }
  }
}

/** Starts `count` helpers and waits until they are ready; returns how many are (0 on failure). */
function startHelpers(memory: WebAssembly.Memory, control: Int32Array, count: number): number {
  if (count <= 0) return 0;
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
    const ready = Atomics.load(control, READY);
    if (ready >= count) return count;
    if (performance.now() > deadline) {
      // A helper that starts later would touch the counters of a running job: stop them all.
      for (const w of workers) w.terminate();
      return 0;
    }
    Atomics.wait(control, READY, ready, 100);
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
