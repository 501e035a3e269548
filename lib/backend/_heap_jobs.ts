/**
 * The jobs the wasm backend's threads run on its heap (`_panel_threads.ts`), by kind: each takes
 * the job's integers (byte addresses and sizes) and floats, and computes tile `tile` of `tiles`.
 * A tile is a block of the filter gradient, or a range of images (pooling gradients) or pixels
 * (LRN), whose outputs no other tile writes.
 * @module
 */
import {
  FILTER_JOB_FIELDS,
  type FilterGradJob,
  filterGradTile,
  jobRows,
  type Panels,
  panelsOf,
} from "./_filter_grad_panels.ts";
import {
  avgPoolGradImages,
  maxPoolGradFromOutputImages,
  maxPoolGradImages,
  POOL_FIELDS,
  type PoolRangeGeometry,
} from "./_pool_grad_ranges.ts";
import { type LrnAttrs, lrnGradPixels, lrnPixels } from "./_lrn_ranges.ts";
import { MAIN_ROWS, panelModuleBytes } from "./_wasm_gemm_module.ts";
import {
  columnSums,
  type FlipGeometry,
  flipTaps,
  reluGradRange,
  splitRows,
  subFilterTaps,
} from "./_copy_ranges.ts";
import { PAD_FIELDS, type PadGeometry, padImages } from "./_pad_ranges.ts";
import { CONV_JOB_FIELDS, type ConvJob, convPositions } from "./_conv2d_positions.ts";

/** What every thread's jobs run with: its panel functions and the heap. */
export interface HeapContext {
  panels: Panels;
  convs: Panels;
  /** `relu_grad` of the panel module (see `_wasm_gemm_module.ts`). */
  reluGrad: (dy: number, x: number, dx: number, groups: number) => void;
  /** `lrn_fwd` and `lrn_grad` of the panel module. */
  lrn: Record<"fwd" | "grad", (...args: number[]) => void>;
  /** `pool_max_grad` and `pool_avg_grad` of the panel module, by kind. */
  poolGrad: Record<"max" | "avg", (...args: number[]) => void>;
  memory: WebAssembly.Memory;
}

/**
 * The context of one thread: the panel module instantiated on `memory` (shared for the threaded
 * build's heap) and its functions by role.
 */
export function heapContextOn(memory: WebAssembly.Memory): HeapContext {
  const shared = memory.buffer instanceof SharedArrayBuffer;
  const module = new WebAssembly.Module(panelModuleBytes(shared));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const fn = (name: string) => instance.exports[name] as (...args: number[]) => void;
  return {
    panels: panelsOf(instance),
    convs: panelsOf(instance, "conv_"),
    reluGrad: fn("relu_grad"),
    lrn: { fwd: fn("lrn_fwd"), grad: fn("lrn_grad") },
    poolGrad: { max: fn("pool_max_grad"), avg: fn("pool_avg_grad") },
    memory,
  };
}

/** A job: computes tile `tile` of `tiles`. */
export type HeapJob = (
  ctx: HeapContext,
  ints: Uint32Array,
  floats: Float64Array,
  tile: number,
  tiles: number,
) => void;

/** Kinds of {@link HEAP_JOBS}, by name. */
export const HeapJobs = {
  filterGrad: 0,
  maxPoolGrad: 1,
  maxPoolGradFromOutput: 2,
  avgPoolGrad: 3,
  lrn: 4,
  lrnGrad: 5,
  conv: 6,
  pad: 7,
  reluGrad: 8,
  split: 9,
  flip: 10,
  columnSum: 11,
} as const;
export type HeapJobKind = (typeof HeapJobs)[keyof typeof HeapJobs];

/** Bounds of part `i` of `parts` of `total`, cut at multiples of `unit`. */
export function partOf(total: number, parts: number, i: number, unit = 1): [number, number] {
  const units = Math.ceil(total / unit);
  const at = (j: number) => Math.min(total, Math.round((units * j) / parts) * unit);
  return [at(i), at(i + 1)];
}

function f32(ctx: HeapContext, byteOffset: number, length: number): Float32Array {
  return new Float32Array(ctx.memory.buffer, byteOffset, length);
}

function poolOf(ints: Uint32Array, from: number): PoolRangeGeometry {
  const p = {} as Record<keyof PoolRangeGeometry, number>;
  POOL_FIELDS.forEach((f, i) => (p[f] = ints[from + i]));
  return p;
}

function lrnOf(floats: Float64Array): LrnAttrs {
  return { depthRadius: floats[0], bias: floats[1], alpha: floats[2], beta: floats[3] };
}

/** Filter gradient: ints = job fields, then row and column tile counts. */
const filterGrad: HeapJob = (ctx, ints, _floats, tile) => {
  const job = {} as Record<keyof FilterGradJob, number>;
  FILTER_JOB_FIELDS.forEach((f, i) => (job[f] = ints[i]));
  const rowTiles = ints[FILTER_JOB_FIELDS.length];
  const colTiles = ints[FILTER_JOB_FIELDS.length + 1];
  const [r0, r1] = partOf(jobRows(job), rowTiles, tile % rowTiles, MAIN_ROWS);
  const [c0, c1] = partOf(job.k, colTiles, Math.floor(tile / rowTiles), 8);
  if (r1 > r0 && c1 > c0) filterGradTile(ctx.panels, job, r0, r1, c0, c1);
};

/** MaxPoolGrad: ints = x, dy, dx addresses, then the pool geometry. */
const maxPoolGrad: HeapJob = (ctx, ints, _floats, tile, tiles) => {
  const p = poolOf(ints, 3);
  const inSize = p.n * p.h * p.w * p.c;
  const outSize = p.n * p.oh * p.ow * p.c;
  const [b0, b1] = partOf(p.n, tiles, tile);
  maxPoolGradImages(
    f32(ctx, ints[0], inSize),
    f32(ctx, ints[1], outSize),
    f32(ctx, ints[2], inSize),
    p,
    b0,
    b1,
  );
};

/**
 * Images `[b0, b1)` of a pooling gradient in wasm SIMD (channels a multiple of 4): dx zeroed here,
 * then the module's `pool_<kind>_grad`.
 */
function poolGradSimd(
  ctx: HeapContext,
  kind: "max" | "avg",
  [x, y, g, dx]: number[],
  p: PoolRangeGeometry,
  b0: number,
  b1: number,
): void {
  const image = p.h * p.w * p.c;
  f32(ctx, dx, p.n * image).fill(0, b0 * image, b1 * image);
  const scaleBits =
    new Int32Array(new Float32Array([1 / (p.filterHeight * p.filterWidth)]).buffer)[0];
  ctx.poolGrad[kind](
    x,
    y,
    g,
    dx,
    b0,
    b1,
    p.h,
    p.w,
    4 * p.c,
    p.oh,
    p.ow,
    p.strideHeight,
    p.strideWidth,
    p.padTop,
    p.padLeft,
    p.filterHeight,
    p.filterWidth,
    scaleBits,
  );
}

/** MaxPoolGrad with the forward output: ints = x, dy, y, dx addresses, then the pool geometry. */
const maxPoolGradFromOutput: HeapJob = (ctx, ints, _floats, tile, tiles) => {
  const p = poolOf(ints, 4);
  const inSize = p.n * p.h * p.w * p.c;
  const outSize = p.n * p.oh * p.ow * p.c;
  const [b0, b1] = partOf(p.n, tiles, tile);
  if (p.c % 4 === 0) {
    return poolGradSimd(ctx, "max", [ints[0], ints[2], ints[1], ints[3]], p, b0, b1);
  }
  maxPoolGradFromOutputImages(
    f32(ctx, ints[0], inSize),
    f32(ctx, ints[1], outSize),
    f32(ctx, ints[2], outSize),
    f32(ctx, ints[3], inSize),
    p,
    b0,
    b1,
  );
};

/** AvgPoolGrad: ints = dy, dx addresses, then the pool geometry. */
const avgPoolGrad: HeapJob = (ctx, ints, _floats, tile, tiles) => {
  const p = poolOf(ints, 2);
  const [b0, b1] = partOf(p.n, tiles, tile);
  if (p.c % 4 === 0) return poolGradSimd(ctx, "avg", [0, 0, ints[0], ints[1]], p, b0, b1);
  avgPoolGradImages(
    f32(ctx, ints[0], p.n * p.oh * p.ow * p.c),
    f32(ctx, ints[1], p.n * p.h * p.w * p.c),
    p,
    b0,
    b1,
  );
};

/**
 * LRN: ints = x, y addresses, pixels, channels, then the scratch address and its per-tile stride
 * in bytes (0, 0 for none); floats = radius, bias, alpha, beta.
 */
const lrn: HeapJob = (ctx, ints, floats, tile, tiles) => {
  const [pixels, c] = [ints[2], ints[3]];
  const [p0, p1] = partOf(pixels, tiles, tile);
  if (lrnSimd(ctx, "fwd", [ints[0], ints[1], 0, 0], ints[4], ints[5], tile, c, floats, p0, p1)) {
    return;
  }
  lrnPixels(f32(ctx, ints[0], pixels * c), f32(ctx, ints[1], pixels * c), c, lrnOf(floats), p0, p1);
};

/** Bits of a float32. */
function f32Bits(v: number): number {
  return new Int32Array(new Float32Array([v]).buffer)[0];
}

/**
 * LRN or its gradient of pixels `[p0, p1)` in wasm SIMD where it applies (β = 0.75, channels a
 * multiple of 4, a scratch area given: `scratch` + `tile` · `stride`); false otherwise.
 */
function lrnSimd(
  ctx: HeapContext,
  kind: "fwd" | "grad",
  [x, y, dy, dx]: number[],
  scratch: number,
  stride: number,
  tile: number,
  c: number,
  floats: Float64Array,
  p0: number,
  p1: number,
): boolean {
  const a = lrnOf(floats);
  if (a.beta !== 0.75 || c % 4 !== 0 || scratch === 0) return false;
  if (p1 > p0) {
    ctx.lrn[kind](
      x,
      y,
      dy,
      dx,
      scratch + tile * stride,
      p0,
      p1,
      4 * c,
      a.depthRadius,
      f32Bits(a.alpha),
      f32Bits(a.bias),
      f32Bits(-2 * a.alpha * a.beta),
      0,
      0,
      0,
      0,
      0,
      0,
    );
  }
  return true;
}

/**
 * LRNGrad: ints = x, y, dy, dx addresses, pixels, channels, then the scratch address and its
 * per-tile stride in bytes (0, 0 for none: the typed-array loop); floats as LRN's.
 */
const lrnGrad: HeapJob = (ctx, ints, floats, tile, tiles) => {
  const [pixels, c] = [ints[4], ints[5]];
  const size = pixels * c;
  const [p0, p1] = partOf(pixels, tiles, tile);
  const io = [ints[0], ints[1], ints[2], ints[3]];
  if (lrnSimd(ctx, "grad", io, ints[6], ints[7], tile, c, floats, p0, p1)) return;
  lrnGradPixels(
    f32(ctx, ints[0], size),
    f32(ctx, ints[1], size),
    f32(ctx, ints[2], size),
    f32(ctx, ints[3], size),
    c,
    lrnOf(floats),
    p0,
    p1,
  );
};

/** Convolution: ints as {@link CONV_JOB_FIELDS}; positions cut into tiles (multiples of 4). */
const conv: HeapJob = (ctx, ints, _floats, tile, tiles) => {
  const job = {} as Record<keyof ConvJob, number>;
  CONV_JOB_FIELDS.forEach((f, i) => (job[f] = ints[i]));
  const [p0, p1] = partOf(job.positions, tiles, tile, MAIN_ROWS);
  if (p1 > p0) convPositions(ctx.convs, job, p0, p1);
};

/** Padding: ints = source and destination addresses, then {@link PAD_FIELDS}. */
const pad: HeapJob = (ctx, ints, _floats, tile, tiles) => {
  const p = {} as Record<keyof PadGeometry, number>;
  PAD_FIELDS.forEach((f, i) => (p[f] = ints[2 + i]));
  const [b0, b1] = partOf(p.n, tiles, tile);
  padImages(
    f32(ctx, ints[0], p.n * p.h * p.w * p.c),
    f32(ctx, ints[1], p.n * p.hp * p.wp * p.c),
    p,
    b0,
    b1,
  );
};

/**
 * ReLU's gradient: ints = dy, x, dx addresses, element count. Runs of 4 in wasm SIMD
 * (`relu_grad`), the last few in JS (the same values).
 */
const reluGrad: HeapJob = (ctx, ints, _floats, tile, tiles) => {
  const size = ints[3];
  const [i0, i1] = partOf(size, tiles, tile, 64);
  const groups = Math.floor((i1 - i0) / 4);
  if (groups > 0) ctx.reluGrad(ints[0] + 4 * i0, ints[1] + 4 * i0, ints[2] + 4 * i0, groups);
  const rest = i0 + 4 * groups;
  if (rest < i1) {
    reluGradRange(
      f32(ctx, ints[0], size),
      f32(ctx, ints[1], size),
      f32(ctx, ints[2], size),
      rest,
      i1,
    );
  }
};

/**
 * Split or concatenation: ints = concat (0/1), rows, part count m, the whole's address, then m
 * (address, width) pairs.
 */
const split: HeapJob = (ctx, ints, _floats, tile, tiles) => {
  const [concat, rows, m] = [ints[0], ints[1], ints[2]];
  const widths: number[] = [];
  const parts: Float32Array[] = [];
  for (let j = 0; j < m; j++) {
    const w = ints[4 + 2 * j + 1];
    widths.push(w);
    parts.push(f32(ctx, ints[4 + 2 * j], rows * w));
  }
  const total = widths.reduce((a, b) => a + b, 0);
  const [r0, r1] = partOf(rows, tiles, tile);
  splitRows(f32(ctx, ints[3], rows * total), parts, widths, r0, r1, concat === 1);
};

/** Reversed sub-filter: ints = filter and output addresses, then {@link FLIP_FIELDS}. */
const flip: HeapJob = (ctx, ints, _floats, tile, tiles) => {
  const g = {} as Record<keyof FlipGeometry, number>;
  FLIP_FIELDS.forEach((f, i) => (g[f] = ints[2 + i]));
  const [mh, mw] = subFilterTaps(g);
  const [t0, t1] = partOf(mh * mw, tiles, tile);
  const block = g.ci * g.co;
  flipTaps(f32(ctx, ints[0], g.kh * g.kw * block), f32(ctx, ints[1], mh * mw * block), g, t0, t1);
};

/** Column sums: ints = source and destination addresses, rows, columns; tiles of columns. */
const columnSum: HeapJob = (ctx, ints, _floats, tile, tiles) => {
  const [rows, cols] = [ints[2], ints[3]];
  const [c0, c1] = partOf(cols, tiles, tile, 16);
  if (c1 > c0) {
    columnSums(f32(ctx, ints[0], rows * cols), f32(ctx, ints[1], cols), rows, cols, c0, c1);
  }
};

/** The order in which a {@link FlipGeometry} travels as integers. */
export const FLIP_FIELDS: (keyof FlipGeometry)[] = [
  "kh",
  "kw",
  "ci",
  "co",
  "sh",
  "sw",
  "phaseH",
  "phaseW",
  "swapIO",
];

/** Every job, indexed by {@link HeapJobs}. */
export const HEAP_JOBS: readonly HeapJob[] = [
  filterGrad,
  maxPoolGrad,
  maxPoolGradFromOutput,
  avgPoolGrad,
  lrn,
  lrnGrad,
  conv,
  pad,
  reluGrad,
  split,
  flip,
  columnSum,
];
