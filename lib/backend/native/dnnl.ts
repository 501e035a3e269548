/**
 * oneDNN 2.x (`libdnnl.so.2`) through Deno FFI: the symbols the native backend calls, the enum
 * values it needs (from dnnl_types.h of oneDNN 2.6), and small helpers that build memory
 * descriptors and run primitives on the caller's typed arrays (zero-copy).
 *
 * Nothing is loaded at import: {@link openDnnl} opens the library on first use and throws an
 * Error naming the reason ("libdnnl.so.2 not found: apt install libdnnl2") when it cannot.
 * @module
 */
import { applyWaitPolicy } from "./native_threads.ts";

/** Enum values of oneDNN 2.6 (dnnl_types.h). */
export const DNNL = {
  f32: 3,
  s32: 4,
  u8: 6,
  tagAny: 1,
  tagA: 2,
  tagAb: 3,
  tagAbc: 4,
  tagAbcd: 5,
  tagBa: 22,
  tagAcb: 17,
  tagNhwc: 20,
  tagHwio: 30,
  tagHwigo: 33,
  forwardTraining: 64,
  forwardInference: 96,
  backwardData: 160,
  backwardWeights: 192,
  convolutionDirect: 1,
  eltwiseRelu: 31,
  eltwiseSquare: 79,
  eltwiseSqrt: 111,
  eltwiseClipV2: 16,
  eltwiseRound: 64,
  binaryAdd: 131056,
  binaryMul: 131057,
  binaryDiv: 131060,
  binarySub: 131061,
  tagAbcde: 7,
  argSrc1: 2,
  poolingMax: 511,
  poolingAvgIncludePadding: 767,
  poolingAvgExcludePadding: 1023,
  lrnAcrossChannels: 2815,
  argSrc: 1,
  argDst: 17,
  argWeights: 33,
  argBias: 41,
  argDiffSrc: 129,
  argDiffDst: 145,
  argDiffWeights: 161,
  argDiffBias: 169,
  argWorkspace: 64,
  argMean: 49,
  argVariance: 50,
  argScale: 51,
  argShift: 52,
  argDiffScale: 255,
  argDiffShift: 256,
  /** dnnl_backward: data and scale/shift gradients (batch normalisation). */
  backward: 128,
  /** dnnl_normalization_flags_t: dnnl_use_scale | dnnl_use_shift. */
  useScaleShift: 0x8 | 0x10,
  /** dnnl_normalization_flags_t: dnnl_fuse_norm_relu (a ReLU after the normalisation, same pass). */
  fuseNormRelu: 0x4,
  querySrcMd: 129,
  queryDiffSrcMd: 130,
  queryWeightsMd: 131,
  queryDiffWeightsMd: 132,
  queryDstMd: 133,
  queryDiffDstMd: 134,
  queryWorkspaceMd: 135,
  queryImplInfoStr: 8,
  engineCpu: 1,
  streamDefault: 1,
} as const;

/** sizeof(dnnl_memory_desc_t) in oneDNN 2.6 is 696; a little slack. */
export const MD_BYTES = 768;
/** The largest op descriptor of oneDNN 2.6 (dnnl_convolution_desc_t, 5976 bytes), rounded up. */
export const OP_DESC_BYTES = 8192;

const SYMBOLS = {
  dnnl_version: { parameters: [], result: "pointer" },
  dnnl_engine_create: { parameters: ["buffer", "i32", "usize"], result: "i32" },
  dnnl_engine_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_stream_create: { parameters: ["buffer", "pointer", "u32"], result: "i32" },
  dnnl_stream_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_stream_wait: { parameters: ["pointer"], result: "i32" },
  dnnl_memory_desc_init_by_tag: {
    parameters: ["buffer", "i32", "buffer", "i32", "i32"],
    result: "i32",
  },
  dnnl_memory_desc_get_size: { parameters: ["buffer"], result: "usize" },
  dnnl_memory_desc_equal: { parameters: ["buffer", "buffer"], result: "i32" },
  dnnl_memory_create: { parameters: ["buffer", "buffer", "pointer", "pointer"], result: "i32" },
  dnnl_memory_set_data_handle: { parameters: ["pointer", "buffer"], result: "i32" },
  dnnl_memory_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_convolution_forward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_convolution_backward_data_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  dnnl_convolution_backward_weights_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_pooling_v2_forward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_pooling_v2_backward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_lrn_forward_desc_init: {
    parameters: ["buffer", "i32", "i32", "buffer", "i64", "f32", "f32", "f32"],
    result: "i32",
  },
  dnnl_lrn_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "i64", "f32", "f32", "f32"],
    result: "i32",
  },
  dnnl_batch_normalization_forward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "f32", "u32"],
    result: "i32",
  },
  dnnl_batch_normalization_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "u32"],
    result: "i32",
  },
  dnnl_binary_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  dnnl_eltwise_forward_desc_init: {
    parameters: ["buffer", "i32", "i32", "buffer", "f32", "f32"],
    result: "i32",
  },
  dnnl_eltwise_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "f32"],
    result: "i32",
  },
  dnnl_matmul_desc_init: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  dnnl_primitive_desc_create: {
    parameters: ["buffer", "buffer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_desc_query_md: { parameters: ["pointer", "i32", "i32"], result: "pointer" },
  dnnl_primitive_desc_query: { parameters: ["pointer", "i32", "i32", "buffer"], result: "i32" },
  dnnl_primitive_desc_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_create: { parameters: ["buffer", "pointer"], result: "i32" },
  dnnl_primitive_execute: { parameters: ["pointer", "pointer", "i32", "buffer"], result: "i32" },
  dnnl_primitive_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_reorder_primitive_desc_create: {
    parameters: ["buffer", "buffer", "pointer", "buffer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_attr_create: { parameters: ["buffer"], result: "i32" },
  dnnl_primitive_attr_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_post_ops_create: { parameters: ["buffer"], result: "i32" },
  dnnl_post_ops_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_post_ops_append_eltwise: {
    parameters: ["pointer", "f32", "i32", "f32", "f32"],
    result: "i32",
  },
  dnnl_primitive_attr_set_post_ops: { parameters: ["pointer", "pointer"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The opened library's symbols. */
export type DnnlSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** The opened library, its CPU engine and stream, and its version. */
export interface Dnnl {
  /** FFI symbols. */
  sym: DnnlSymbols;
  /** The CPU engine (index 0). */
  engine: Deno.PointerValue;
  /** An in-order stream on {@link Dnnl.engine}. */
  stream: Deno.PointerValue;
  /** e.g. "2.6.3". */
  version: string;
}

let opened: Dnnl | undefined;
let openError: Error | undefined;

/** dnnl_status_t names, for error messages. */
const STATUS = [
  "success",
  "out_of_memory",
  "invalid_arguments",
  "unimplemented",
  "iterator_ends",
  "runtime_error",
  "not_required",
];

/** Throws an Error naming the call and oneDNN's status unless `status` is dnnl_success. */
export function check(status: number, what: string): void {
  if (status !== 0) {
    throw new Error(`oneDNN: ${what} failed: ${STATUS[status] ?? `status ${status}`}`);
  }
}

/** Reads the pointer a dnnl_*_create call wrote into `out` (8 bytes). */
export function pointerOut(out: BigUint64Array): Deno.PointerValue {
  return Deno.UnsafePointer.create(out[0]);
}

/**
 * Opens `libdnnl.so.2` once (an Error with the reason and the fix when it cannot load) and
 * creates the CPU engine and stream.
 *
 * @example
 * ```ts
 * import { openDnnl } from "./dnnl.ts";
 * try {
 *   console.log(openDnnl().version); // "2.6.3"
 * } catch (e) {
 *   console.log((e as Error).message); // "libdnnl.so.2 not found: apt install libdnnl2"
 * }
 * ```
 */
export function openDnnl(): Dnnl {
  if (opened) return opened;
  if (openError) throw openError;
  // Never prompt: without --allow-ffi the native backend is simply unavailable.
  if (Deno.permissions.querySync?.({ name: "ffi" }).state !== "granted") {
    throw new Error("libdnnl.so.2: FFI not permitted (run with --allow-ffi)");
  }
  // OpenMP keeps its own wait policy (OMP_WAIT_POLICY unset: spin briefly, then sleep), as in
  // PyTorch, on a quiet machine: forcing "passive" cost ~30% of a training step on a quiet 2-core
  // machine (bench model, nn2@96 b32: 39.5 vs 49.7 img/s). On a busy one (load ≥ cores) it becomes
  // passive, before the OpenMP runtime loads with libdnnl (applyWaitPolicy).
  applyWaitPolicy();
  let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  try {
    lib = Deno.dlopen("libdnnl.so.2", SYMBOLS);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    openError = new Error(
      /permission|NotCapable|--allow-ffi/i.test(msg)
        ? `libdnnl.so.2: FFI not permitted (run with --allow-ffi)`
        : /cannot open|No such file|not found/i.test(msg)
        ? "libdnnl.so.2 not found: apt install libdnnl2"
        : `libdnnl.so.2 cannot load: ${msg.split("\n")[0]}`,
    );
    throw openError;
  }
  const sym = lib.symbols;
  const v = new Deno.UnsafePointerView(sym.dnnl_version()!);
  const version = `${v.getInt32(0)}.${v.getInt32(4)}.${v.getInt32(8)}`;
  if (v.getInt32(0) !== 2) {
    lib.close();
    openError = new Error(`libdnnl.so.2 is oneDNN ${version}; the native backend needs 2.x`);
    throw openError;
  }
  const out = new BigUint64Array(1);
  check(sym.dnnl_engine_create(out, DNNL.engineCpu, 0n), "dnnl_engine_create");
  const engine = pointerOut(out);
  check(sym.dnnl_stream_create(out, engine, DNNL.streamDefault), "dnnl_stream_create");
  const stream = pointerOut(out);
  opened = { sym, engine, stream, version };
  return opened;
}

/** The reason libdnnl.so.2 cannot be used, or undefined when it loads. */
export function dnnlUnavailableReason(): string | undefined {
  try {
    openDnnl();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A dnnl_dims_t (12 int64) holding `dims`. */
export function dimsOf(dims: readonly number[]): BigInt64Array {
  const d = new BigInt64Array(12);
  dims.forEach((v, i) => (d[i] = BigInt(v)));
  return d;
}

/** A memory descriptor (f32 unless given) with logical `dims` laid out by `tag`. */
export function memoryDesc(
  dims: readonly number[],
  tag: number,
  dataType: number = DNNL.f32,
): Uint8Array {
  const md = new Uint8Array(MD_BYTES);
  check(
    openDnnl().sym.dnnl_memory_desc_init_by_tag(md, dims.length, dimsOf(dims), dataType, tag),
    `dnnl_memory_desc_init_by_tag(${dims.join("x")}, tag ${tag})`,
  );
  return md;
}

/** A copy of the memory descriptor a primitive descriptor reports for `what` (or undefined). */
export function queryMd(pd: Deno.PointerValue, what: number): Uint8Array | undefined {
  const p = openDnnl().sym.dnnl_primitive_desc_query_md(pd, what, 0);
  if (p == null) return undefined;
  const md = new Uint8Array(MD_BYTES);
  new Deno.UnsafePointerView(p).copyInto(md.subarray(0, 696));
  return md;
}

/** Bytes a memory descriptor spans (0 for an empty one). */
export function mdBytes(md: Uint8Array): number {
  return Number(openDnnl().sym.dnnl_memory_desc_get_size(md));
}

/** Whether two memory descriptors describe the same layout. */
export function mdEqual(a: Uint8Array, b: Uint8Array): boolean {
  return openDnnl().sym.dnnl_memory_desc_equal(a, b) === 1;
}

/** The implementation a primitive descriptor chose (e.g. "brg:avx512_core"). */
export function implName(pd: Deno.PointerValue): string {
  const out = new BigUint64Array(1);
  check(
    openDnnl().sym.dnnl_primitive_desc_query(pd, DNNL.queryImplInfoStr, 0, out),
    "query impl_info_str",
  );
  const p = pointerOut(out);
  return p == null ? "?" : new Deno.UnsafePointerView(p).getCString();
}
