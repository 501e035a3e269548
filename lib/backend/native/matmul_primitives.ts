/**
 * oneDNN batched matrix products in TensorFlow.js layout: a [B, M, K] (or [B, K, M] with
 * transposeA), b [B, K, N] (or [B, N, K] with transposeB), optional bias [N] and ReLU, written into
 * c [B, M, N] in place. The transposes are memory layouts (oneDNN's "acb" tag), never copies.
 * @module
 */
import { check, DNNL, memoryDesc, OP_DESC_BYTES, openDnnl } from "./dnnl.ts";
import {
  type Freeable,
  Primitive,
  type PrimitiveCache,
  withPrimitiveDesc,
} from "./primitive_cache.ts";

/** Geometry of one batched product. */
export interface MatMulGeometry {
  batch: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  withBias: boolean;
  relu: boolean;
}

class MatMul implements Freeable {
  readonly prim: Primitive;
  constructor(g: MatMulGeometry) {
    const { sym } = openDnnl();
    const a = memoryDesc([g.batch, g.m, g.k], g.transposeA ? DNNL.tagAcb : DNNL.tagAbc);
    const b = memoryDesc([g.batch, g.k, g.n], g.transposeB ? DNNL.tagAcb : DNNL.tagAbc);
    const c = memoryDesc([g.batch, g.m, g.n], DNNL.tagAbc);
    const bias = g.withBias ? memoryDesc([1, 1, g.n], DNNL.tagAbc) : new Uint8Array(768);
    const op = new Uint8Array(OP_DESC_BYTES);
    check(sym.dnnl_matmul_desc_init(op, a, b, bias, c), "dnnl_matmul_desc_init");
    const out = new BigUint64Array(1);
    let attr: Deno.PointerValue = null;
    let postOps: Deno.PointerValue = null;
    if (g.relu) {
      check(sym.dnnl_primitive_attr_create(out), "dnnl_primitive_attr_create");
      attr = Deno.UnsafePointer.create(out[0]);
      check(sym.dnnl_post_ops_create(out), "dnnl_post_ops_create");
      postOps = Deno.UnsafePointer.create(out[0]);
      check(sym.dnnl_post_ops_append_eltwise(postOps, 1, DNNL.eltwiseRelu, 0, 0), "post-op relu");
      check(sym.dnnl_primitive_attr_set_post_ops(attr, postOps), "set post-ops");
    }
    try {
      const args: [number, Uint8Array][] = [
        [DNNL.argSrc, a],
        [DNNL.argWeights, b],
        [DNNL.argDst, c],
      ];
      if (g.withBias) args.push([DNNL.argBias, bias]);
      this.prim = withPrimitiveDesc(op, "matmul", (pd) => new Primitive(pd, args), { attr });
    } finally {
      if (postOps) sym.dnnl_post_ops_destroy(postOps);
      if (attr) sym.dnnl_primitive_attr_destroy(attr);
    }
  }
  destroy(): void {
    this.prim.destroy();
  }
}

/** c = relu?(a·b + bias?) with the primitive from `cache`. */
export function matMul(
  cache: PrimitiveCache,
  g: MatMulGeometry,
  bufs: { a: Float32Array; b: Float32Array; c: Float32Array; bias?: Float32Array },
): void {
  const key = `matmul|${g.batch}|${g.m}|${g.k}|${g.n}|${g.transposeA}|${g.transposeB}|` +
    `${g.withBias}|${g.relu}`;
  const bufsList = [bufs.a, bufs.b, bufs.c];
  if (g.withBias) bufsList.push(bufs.bias!);
  cache.get(key, () => new MatMul(g)).prim.run(bufsList);
}
