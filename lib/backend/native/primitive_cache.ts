/**
 * oneDNN primitives built once per shape and attributes, kept in a bounded cache and freed with
 * it: each {@link Primitive} owns its dnnl_primitive_t and one dnnl_memory_t per argument (created
 * without storage; the caller's typed arrays are attached at every run, so oneDNN reads and writes
 * the tensors' own memory). {@link liveNativeObjects} counts what is alive, for leak tests.
 * @module
 */
import { check, DNNL, implName, openDnnl, pointerOut } from "./dnnl.ts";

const live = { primitives: 0, memories: 0 };

/** How many dnnl_primitive_t and dnnl_memory_t objects the native backend holds now. */
export function liveNativeObjects(): { primitives: number; memories: number } {
  return { ...live };
}

/** A built primitive with its argument slots. */
export class Primitive {
  readonly #prim: Deno.PointerValue;
  readonly #mems: Deno.PointerValue[] = [];
  readonly #argIds: number[] = [];
  readonly #args: Uint8Array;
  /** The implementation oneDNN chose (e.g. "brg:avx512_core"), for diagnostics. */
  readonly impl: string;
  #destroyed = false;

  /**
   * Creates the primitive of `pd` (which the caller still owns and destroys) with one memory
   * object per `[argId, memoryDesc]`.
   */
  constructor(pd: Deno.PointerValue, args: [number, Uint8Array][]) {
    const { sym, engine } = openDnnl();
    const out = new BigUint64Array(1);
    this.impl = implName(pd);
    check(sym.dnnl_primitive_create(out, pd), "dnnl_primitive_create");
    this.#prim = pointerOut(out);
    live.primitives++;
    this.#args = new Uint8Array(16 * args.length);
    const view = new DataView(this.#args.buffer);
    try {
      args.forEach(([id, md], i) => {
        check(sym.dnnl_memory_create(out, md, engine, null), "dnnl_memory_create");
        const mem = pointerOut(out);
        live.memories++;
        this.#mems.push(mem);
        this.#argIds.push(id);
        view.setInt32(16 * i, id, true);
        view.setBigUint64(16 * i + 8, BigInt(Deno.UnsafePointer.value(mem)), true);
      });
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  /** Runs the primitive on `buffers` (one per argument, in the constructor's order). */
  run(buffers: ArrayBufferView[]): void {
    if (this.#destroyed) throw new Error("oneDNN: primitive used after it was freed");
    const { sym, stream } = openDnnl();
    for (let i = 0; i < this.#mems.length; i++) {
      check(
        sym.dnnl_memory_set_data_handle(this.#mems[i], buffers[i] as BufferSource),
        "dnnl_memory_set_data_handle",
      );
    }
    check(
      sym.dnnl_primitive_execute(this.#prim, stream, this.#mems.length, this.#args),
      `dnnl_primitive_execute (${this.impl})`,
    );
    check(sym.dnnl_stream_wait(stream), "dnnl_stream_wait");
  }

  /** Frees the primitive and its memory objects (idempotent). */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    const { sym } = openDnnl();
    for (const m of this.#mems) {
      sym.dnnl_memory_destroy(m);
      live.memories--;
    }
    if (this.#prim) {
      sym.dnnl_primitive_destroy(this.#prim);
      live.primitives--;
    }
  }
}

/**
 * Creates a primitive descriptor for `opDesc` (with optional attr and forward hint), hands it to
 * `build`, and destroys it afterwards. Throws naming `what` when oneDNN has no implementation.
 */
export function withPrimitiveDesc<T>(
  opDesc: Uint8Array,
  what: string,
  build: (pd: Deno.PointerValue) => T,
  opts: { attr?: Deno.PointerValue; hint?: Deno.PointerValue } = {},
): T {
  const { sym, engine } = openDnnl();
  const out = new BigUint64Array(1);
  check(
    sym.dnnl_primitive_desc_create(out, opDesc, opts.attr ?? null, engine, opts.hint ?? null),
    `primitive descriptor for ${what}`,
  );
  const pd = pointerOut(out);
  try {
    return build(pd);
  } finally {
    sym.dnnl_primitive_desc_destroy(pd);
  }
}

/** A reorder primitive from layout `from` to layout `to` (same logical dims). */
export function reorderPrimitive(from: Uint8Array, to: Uint8Array): Primitive {
  const { sym, engine } = openDnnl();
  const out = new BigUint64Array(1);
  check(
    sym.dnnl_reorder_primitive_desc_create(out, from, engine, to, engine, null),
    "reorder primitive descriptor",
  );
  const pd = pointerOut(out);
  try {
    return new Primitive(pd, [[DNNL.argSrc, from], [DNNL.argDst, to]]);
  } finally {
    sym.dnnl_primitive_desc_destroy(pd);
  }
}

/** Something the cache holds and frees. */
export interface Freeable {
  /** Frees native objects. */
  destroy(): void;
}

/** A bounded least-recently-used cache of built primitives, freed on eviction and clear. */
export class PrimitiveCache {
  readonly #map = new Map<string, Freeable>();
  readonly #max: number;

  /** At most `max` entries (default 256). */
  constructor(max = 256) {
    this.#max = max;
  }

  /** The entry for `key`, built by `make` on a miss. */
  get<T extends Freeable>(key: string, make: () => T): T {
    const hit = this.#map.get(key);
    if (hit) {
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit as T;
    }
    const made = make();
    this.#map.set(key, made);
    if (this.#map.size > this.#max) {
      const [oldest, entry] = this.#map.entries().next().value!;
      this.#map.delete(oldest);
      entry.destroy();
    }
    return made;
  }

  /** Entries held. */
  get size(): number {
    return this.#map.size;
  }

  /** Frees every entry. */
  clear(): void {
    for (const e of this.#map.values()) e.destroy();
    this.#map.clear();
  }
}
