/**
 * oneDNN batch normalisation in training mode on NHWC tensors, forward (batch mean and biased
 * variance over N·H·W per channel, then `γ·(x − mean)/√(var + ε) + β`) and backward (the input,
 * γ and β gradients in one primitive), read and written in place. Each is one or two passes over
 * the activations on oneDNN's threads, where the same layer as TensorFlow.js ops is about fifteen
 * passes, each into a fresh array. With `relu`, a ReLU follows in the same pass (oneDNN's
 * `fuse_norm_relu`): the forward pass also writes a workspace (where the ReLU passed), which the
 * backward pass reads to mask dy.
 * @module
 */
import { check, DNNL, mdBytes, memoryDesc, OP_DESC_BYTES, openDnnl, queryMd } from "./dnnl.ts";
import {
  type Freeable,
  Primitive,
  type PrimitiveCache,
  withPrimitiveDesc,
} from "./primitive_cache.ts";

/** Geometry of one NHWC batch normalisation. */
export interface BatchNormGeometry {
  /** [N, H, W, C] */
  x: readonly [number, number, number, number];
  epsilon: number;
  /** A ReLU fused after the normalisation (forward writes, backward reads, a workspace). */
  relu?: boolean;
}

const flags = (g: BatchNormGeometry) => DNNL.useScaleShift | (g.relu ? DNNL.fuseNormRelu : 0);

function descs(g: BatchNormGeometry) {
  const [n, h, w, c] = g.x;
  return {
    data: memoryDesc([n, c, h, w], DNNL.tagNhwc),
    channel: memoryDesc([c], DNNL.tagA),
  };
}

function forwardDesc(g: BatchNormGeometry, data: Uint8Array): Uint8Array {
  const op = new Uint8Array(OP_DESC_BYTES);
  check(
    openDnnl().sym.dnnl_batch_normalization_forward_desc_init(
      op,
      DNNL.forwardTraining,
      data,
      g.epsilon,
      flags(g),
    ),
    "dnnl_batch_normalization_forward_desc_init",
  );
  return op;
}

/** The workspace descriptor of a fused-ReLU forward primitive descriptor (throws if it has none). */
function workspaceOf(pd: Deno.PointerValue): Uint8Array {
  const ws = queryMd(pd, DNNL.queryWorkspaceMd);
  if (!ws || mdBytes(ws) === 0) {
    throw new Error("oneDNN: batch normalization with a fused ReLU reported no workspace");
  }
  return ws;
}

class BatchNormForward implements Freeable {
  readonly prim: Primitive;
  /** Bytes of the ReLU workspace (0 without `relu`). */
  readonly workspaceBytes: number;
  constructor(g: BatchNormGeometry) {
    const { data, channel } = descs(g);
    let bytes = 0;
    this.prim = withPrimitiveDesc(
      forwardDesc(g, data),
      "batch normalization forward (training)",
      (pd) => {
        const ws = g.relu ? workspaceOf(pd) : undefined;
        bytes = ws ? mdBytes(ws) : 0;
        return new Primitive(pd, [
          [DNNL.argSrc, data],
          [DNNL.argScale, channel],
          [DNNL.argShift, channel],
          [DNNL.argDst, data],
          [DNNL.argMean, channel],
          [DNNL.argVariance, channel],
          ...(ws ? [[DNNL.argWorkspace, ws] as [number, Uint8Array]] : []),
        ]);
      },
    );
    this.workspaceBytes = bytes;
  }
  destroy(): void {
    this.prim.destroy();
  }
}

class BatchNormBackward implements Freeable {
  readonly prim: Primitive;
  /** β: an input of oneDNN's backward pass with use_shift, though dx, dγ, dβ do not depend on it. */
  readonly shift: Float32Array;
  constructor(g: BatchNormGeometry) {
    this.shift = new Float32Array(g.x[3]);
    const { data, channel } = descs(g);
    const op = new Uint8Array(OP_DESC_BYTES);
    check(
      openDnnl().sym.dnnl_batch_normalization_backward_desc_init(
        op,
        DNNL.backward,
        data,
        data,
        g.epsilon,
        flags(g),
      ),
      "dnnl_batch_normalization_backward_desc_init",
    );
    this.prim = withPrimitiveDesc(
      forwardDesc(g, data),
      "batch normalization forward (hint)",
      (hint) => {
        const ws = g.relu ? workspaceOf(hint) : undefined;
        return withPrimitiveDesc(op, "batch normalization backward", (pd) =>
          new Primitive(pd, [
            [DNNL.argSrc, data],
            [DNNL.argMean, channel],
            [DNNL.argVariance, channel],
            [DNNL.argDiffDst, data],
            [DNNL.argScale, channel],
            [DNNL.argShift, channel],
            ...(ws ? [[DNNL.argWorkspace, ws] as [number, Uint8Array]] : []),
            [DNNL.argDiffSrc, data],
            [DNNL.argDiffScale, channel],
            [DNNL.argDiffShift, channel],
          ]), { hint });
      },
    );
  }
  destroy(): void {
    this.prim.destroy();
  }
}

const key = (kind: string, g: BatchNormGeometry) =>
  `${kind}|${g.x}|${g.epsilon}|${g.relu ? "relu" : ""}`;

/** Bytes of the workspace a fused-ReLU forward pass of geometry `g` writes (0 without `relu`). */
export function batchNormWorkspaceBytes(cache: PrimitiveCache, g: BatchNormGeometry): number {
  return cache.get(key("bn_fwd", g), () => new BatchNormForward(g)).workspaceBytes;
}

/** Batch statistics of `x` (mean, biased variance) and the normalised, scaled, shifted `y`. */
export function batchNormForward(
  cache: PrimitiveCache,
  g: BatchNormGeometry,
  bufs: {
    x: Float32Array;
    gamma: Float32Array;
    beta: Float32Array;
    y: Float32Array;
    mean: Float32Array;
    variance: Float32Array;
    /** With `relu`: the workspace, {@link batchNormWorkspaceBytes} long. */
    workspace?: ArrayBufferView;
  },
): void {
  cache.get(key("bn_fwd", g), () => new BatchNormForward(g)).prim.run([
    bufs.x,
    bufs.gamma,
    bufs.beta,
    bufs.y,
    bufs.mean,
    bufs.variance,
    ...(g.relu ? [needWorkspace(bufs.workspace)] : []),
  ]);
}

function needWorkspace(ws: ArrayBufferView | undefined): ArrayBufferView {
  if (!ws) throw new Error("oneDNN batch normalization with a fused ReLU needs its workspace");
  return ws;
}

/** dx, dγ and dβ of training-mode batch normalisation (mean and variance from the forward). */
export function batchNormBackward(
  cache: PrimitiveCache,
  g: BatchNormGeometry,
  bufs: {
    x: Float32Array;
    mean: Float32Array;
    variance: Float32Array;
    dy: Float32Array;
    gamma: Float32Array;
    dx: Float32Array;
    dGamma: Float32Array;
    dBeta: Float32Array;
    /** With `relu`: the forward pass's workspace. */
    workspace?: ArrayBufferView;
  },
): void {
  const bwd = cache.get(key("bn_bwd", g), () => new BatchNormBackward(g));
  bwd.prim.run([
    bufs.x,
    bufs.mean,
    bufs.variance,
    bufs.dy,
    bufs.gamma,
    bwd.shift,
    ...(g.relu ? [needWorkspace(bufs.workspace)] : []),
    bufs.dx,
    bufs.dGamma,
    bufs.dBeta,
  ]);
}
