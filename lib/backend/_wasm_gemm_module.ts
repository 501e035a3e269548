/**
 * A small WebAssembly SIMD module, written out byte by byte here (no compiler), that multiplies
 * strided panels of a matrix by row-major panels of another and adds the result to a third:
 * the inner loop of a convolution's filter gradient on the wasm backend.
 *
 * Each exported function `panel_<mr>x<nr>` computes, for `mBlocks` blocks of `mr` rows and `kBlocks`
 * blocks of `nr` columns (`nr` = 4 or 8 floats, one or two SIMD vectors),
 *
 * `out[m, k] += Σ_{u < U, v < V} a[aPtr + u·aRow + v·aCol + m] · b[bPtr + (u·V + v)·ldb + k]`
 *
 * with every pointer and stride in bytes. `a` is read with strides, so the rows of an im2col
 * matrix are read where they lie in the padded input (no copy), and `b` (dy) row by row. The
 * module imports its memory, so it runs on the wasm backend's own heap, and with a shared memory it
 * can run in several threads at once on disjoint rows of `out`.
 *
 * Why our own code: XNNPACK packs and streams whole reduction axes (tens of thousands of rows for
 * a filter gradient), which leaves its micro-kernels waiting on memory (11–36 GFLOP/s measured
 * on nn2's layers); the caller here cuts the reduction into bands that stay in cache.
 * @module
 */

/** Rows per block of the main panel functions (the others handle the rows left over). */
export const MAIN_ROWS = 4;
/** Rows per block of the exported panel functions. */
export const PANEL_ROWS: readonly number[] = Array.from({ length: MAIN_ROWS }, (_, i) => i + 1);
/** Columns per block of the exported panel functions (floats). */
export const PANEL_COLUMNS = [4, 8] as const;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32 range). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

const I32 = 0x7f;
const V128 = 0x7b;

/** The instructions the panel functions use. */
const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  if: [0x04, 0x40],
  shrU: [0x76],
  and: [0x71],
  i32load: (offset: number) => [0x28, 2, ...uleb(offset)],
  v128zero: [0xfd, ...uleb(0x0c), ...Array(16).fill(0)],
  fmax: [0xfd, ...uleb(0xe9)],
  fgt: [0xfd, ...uleb(0x44)],
  fne: [0xfd, ...uleb(0x42)],
  bitselect: [0xfd, ...uleb(0x52)],
  load: (offset: number) => [0xfd, ...uleb(0x00), 0, ...uleb(offset)],
  splat32: (offset: number) => [0xfd, ...uleb(0x09), 0, ...uleb(offset)],
  store: (offset: number) => [0xfd, ...uleb(0x0b), 0, ...uleb(offset)],
  fadd: [0xfd, ...uleb(0xe4)],
  fmul: [0xfd, ...uleb(0xe6)],
  feq: [0xfd, ...uleb(0x41)],
  vand: [0xfd, ...uleb(0x4e)],
  vandnot: [0xfd, ...uleb(0x4f)],
  f32x4splat: [0xfd, ...uleb(0x13)],
  f32FromBits: [0xbe],
  block: [0x02, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  geS: [0x4e],
  gtS: [0x4a],
  ltS: [0x48],
  select: [0x1b],
  fsqrt: [0xfd, ...uleb(0xe3)],
  fdiv: [0xfd, ...uleb(0xe7)],
};

/** `[from, from + 1, …, from + n − 1]`: parameter or local indices, to destructure into names. */
function indices(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

/** `local -= 1; br_if (local != 0)` to the enclosing loop. */
function countDown(local: number): number[] {
  return [...op.get(local), ...op.i32(1), ...op.sub, ...op.tee(local), ...op.brIf(0)];
}

/** `dst = a + b` for i32 locals. */
function addTo(dst: number, a: number, b: number): number[] {
  return [...op.get(a), ...op.get(b), ...op.add, ...op.set(dst)];
}

/** The body of `panel_<mr>x<nr>`. Parameters 0–10, then i32 and v128 locals. */
function panelBody(mr: number, nq: number): number[] {
  const [aPtr, aRow, aCol, U, V, bPtr, ldb, outPtr, ldo, mBlocks, kBlocks] = indices(11);
  const [kb, mb, u, v, pa, pb, paRow, pbRow, outK, aM, outM, bK, rowPtr] = indices(13, 11);
  const i32Locals = 13;
  const acc = (r: number, q: number) => 11 + i32Locals + r * nq + q;
  const bv = (q: number) => 11 + i32Locals + mr * nq + q;
  const s = 11 + i32Locals + mr * nq + nq;
  const v128Locals = mr * nq + nq + 1;

  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  // Walks the mr rows of out at outM: `each(r)` runs with rowPtr at row r.
  const overRows = (each: (r: number) => number[]) => {
    emit(op.get(outM), op.set(rowPtr));
    for (let r = 0; r < mr; r++) {
      emit(each(r));
      if (r + 1 < mr) emit(addTo(rowPtr, rowPtr, ldo));
    }
  };

  emit(op.get(outPtr), op.set(outK), op.get(bPtr), op.set(bK), op.get(kBlocks), op.set(kb));
  emit(op.loop); // over column blocks
  emit(op.get(mBlocks), op.set(mb), op.get(aPtr), op.set(aM), op.get(outK), op.set(outM));
  emit(op.loop); // over row blocks
  overRows((r) => {
    const out: number[] = [];
    for (let q = 0; q < nq; q++) {
      out.push(...op.get(rowPtr), ...op.load(16 * q), ...op.set(acc(r, q)));
    }
    return out;
  });
  emit(op.get(aM), op.set(paRow), op.get(bK), op.set(pbRow), op.get(U), op.set(u));
  emit(op.loop); // over u
  emit(op.get(paRow), op.set(pa), op.get(pbRow), op.set(pb), op.get(V), op.set(v));
  emit(op.loop); // over v: the micro-kernel
  for (let q = 0; q < nq; q++) emit(op.get(pb), op.load(16 * q), op.set(bv(q)));
  for (let r = 0; r < mr; r++) {
    emit(op.get(pa), op.splat32(4 * r), op.set(s));
    for (let q = 0; q < nq; q++) {
      emit(op.get(acc(r, q)), op.get(s), op.get(bv(q)), op.fmul, op.fadd, op.set(acc(r, q)));
    }
  }
  emit(addTo(pa, pa, aCol), addTo(pb, pb, ldb));
  emit(countDown(v), op.end);
  emit(addTo(paRow, paRow, aRow), op.get(pb), op.set(pbRow));
  emit(countDown(u), op.end);
  overRows((r) => {
    const out: number[] = [];
    for (let q = 0; q < nq; q++) {
      out.push(...op.get(rowPtr), ...op.get(acc(r, q)), ...op.store(16 * q));
    }
    return out;
  });
  emit(op.get(aM), op.i32(4 * mr), op.add, op.set(aM));
  // outM += mr · ldo
  emit(op.get(outM), op.get(ldo), op.i32(mr), op.mul, op.add, op.set(outM));
  emit(countDown(mb), op.end);
  emit(op.get(outK), op.i32(16 * nq), op.add, op.set(outK));
  emit(op.get(bK), op.i32(16 * nq), op.add, op.set(bK));
  emit(countDown(kb), op.end);

  const locals = vec([[...uleb(i32Locals), I32], [...uleb(v128Locals), V128]]);
  const body = [...locals, ...code, ...op.end];
  return [...uleb(body.length), ...body];
}

/**
 * The body of `conv_<mr>x<nr>[_relu]`: a forward convolution's output block of `mr` positions ×
 * `nr` channels, over `kh` tap rows of `R` contiguous floats each (see the module description).
 * Parameters 0–10, then i32 and v128 locals. The reduction is unrolled by 4 (the A side's
 * pointers then move once per 4 floats, the offsets are constants), with a loop for the rest.
 */
function convBody(mr: number, nq: number, relu: boolean, fromOut = false): number[] {
  const [indPtr, rowBytes, kh, R, wPtr, ldw, biasPtr, outPtr, ldo, mBlocks, kBlocks, aOff] =
    indices(12);
  const P = CONV_PARAMS;
  const [kb, mb, i, r, wRow, ind, outM, wK, bK, outK, rowPtr, rq, rr] = indices(13, P);
  const base = (m: number) => P + 13 + m;
  const pa = (m: number) => P + 13 + mr + m;
  const i32Locals = 13 + 2 * mr;
  const v0 = P + i32Locals;
  const acc = (m: number, q: number) => v0 + m * nq + q;
  const bv = (q: number) => v0 + mr * nq + q;
  const s = v0 + mr * nq + nq;
  const v128Locals = mr * nq + nq + 1;

  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  /** One reduction step at A offset `off` (bytes): load the W row, multiply-add every A value. */
  const step = (off: number) => {
    for (let q = 0; q < nq; q++) emit(op.get(wRow), op.load(16 * q), op.set(bv(q)));
    for (let m = 0; m < mr; m++) {
      emit(op.get(pa(m)), op.splat32(off), op.set(s));
      for (let q = 0; q < nq; q++) {
        emit(op.get(acc(m, q)), op.get(s), op.get(bv(q)), op.fmul, op.fadd, op.set(acc(m, q)));
      }
    }
    emit(addTo(wRow, wRow, ldw));
  };

  emit(op.get(R), op.i32(2), op.shrU, op.set(rq), op.get(R), op.i32(3), op.and, op.set(rr));
  emit(op.get(outPtr), op.set(outK), op.get(wPtr), op.set(wK), op.get(biasPtr), op.set(bK));
  emit(op.get(kBlocks), op.set(kb));
  emit(op.loop); // over column blocks
  emit(op.get(mBlocks), op.set(mb), op.get(indPtr), op.set(ind), op.get(outK), op.set(outM));
  emit(op.loop); // over position blocks
  if (fromOut) {
    // Accumulate onto what an earlier pass (other tap rows) left in the output.
    emit(op.get(outM), op.set(rowPtr));
    for (let m = 0; m < mr; m++) {
      for (let q = 0; q < nq; q++) emit(op.get(rowPtr), op.load(16 * q), op.set(acc(m, q)));
      if (m + 1 < mr) emit(addTo(rowPtr, rowPtr, ldo));
    }
  } else {
    for (let q = 0; q < nq; q++) {
      emit(op.get(bK), op.load(16 * q), op.set(acc(0, q)));
      for (let m = 1; m < mr; m++) emit(op.get(acc(0, q)), op.set(acc(m, q)));
    }
  }
  for (let m = 0; m < mr; m++) {
    emit(op.get(ind), op.i32load(4 * m), op.get(aOff), op.add, op.set(base(m)));
  }
  emit(op.get(wK), op.set(wRow), op.get(kh), op.set(i));
  emit(op.loop); // over tap rows
  for (let m = 0; m < mr; m++) emit(op.get(base(m)), op.set(pa(m)));
  emit(op.get(rq), op.if);
  emit(op.get(rq), op.set(r));
  emit(op.loop); // over groups of 4 floats
  for (let u = 0; u < 4; u++) step(4 * u);
  for (let m = 0; m < mr; m++) emit(op.get(pa(m)), op.i32(16), op.add, op.set(pa(m)));
  emit(countDown(r), op.end);
  emit(op.end); // if
  emit(op.get(rr), op.if);
  emit(op.get(rr), op.set(r));
  emit(op.loop); // over the floats left
  step(0);
  for (let m = 0; m < mr; m++) emit(op.get(pa(m)), op.i32(4), op.add, op.set(pa(m)));
  emit(countDown(r), op.end);
  emit(op.end); // if
  for (let m = 0; m < mr; m++) emit(addTo(base(m), base(m), rowBytes));
  emit(countDown(i), op.end);
  emit(op.get(outM), op.set(rowPtr));
  for (let m = 0; m < mr; m++) {
    for (let q = 0; q < nq; q++) {
      emit(op.get(rowPtr), op.get(acc(m, q)));
      if (relu) emit(op.v128zero, op.fmax);
      emit(op.store(16 * q));
    }
    if (m + 1 < mr) emit(addTo(rowPtr, rowPtr, ldo));
  }
  emit(op.get(ind), op.i32(4 * mr), op.add, op.set(ind));
  emit(op.get(outM), op.get(ldo), op.i32(mr), op.mul, op.add, op.set(outM));
  emit(countDown(mb), op.end);
  emit(op.get(outK), op.i32(16 * nq), op.add, op.set(outK));
  emit(op.get(wK), op.i32(16 * nq), op.add, op.set(wK));
  emit(op.get(bK), op.i32(16 * nq), op.add, op.set(bK));
  emit(countDown(kb), op.end);

  const locals = vec([[...uleb(i32Locals), I32], [...uleb(v128Locals), V128]]);
  const body = [...locals, ...code, ...op.end];
  return [...uleb(body.length), ...body];
}

/** A v128 constant of four equal float32s. */
function f32x4Const(v: number): number[] {
  const bytes = new Uint8Array(new Float32Array([v, v, v, v]).buffer);
  return [0xfd, ...uleb(0x0c), ...bytes];
}

/**
 * The body of `relu_grad(dy, x, dx, groups)`: `dx = dy · step(x)` for `groups` runs of 4 floats
 * (byte addresses), step(x) being 1 for x > 0, NaN for NaN, else 0: the stock formula's values,
 * bit for bit (the product is the same IEEE multiplication).
 */
function reluGradBody(): number[] {
  const [dy, x, dx, groups] = [0, 1, 2, 3];
  const xv = 11; // the one v128 local
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  emit(op.loop);
  emit(op.get(dx), op.get(dy), op.load(0));
  emit(f32x4Const(NaN), f32x4Const(1), f32x4Const(0));
  emit(op.get(x), op.load(0), op.tee(xv), f32x4Const(0), op.fgt, op.bitselect);
  emit(op.get(xv), op.get(xv), op.fne, op.bitselect);
  emit(op.fmul, op.store(0));
  for (const ptr of [dy, x, dx]) emit(op.get(ptr), op.i32(16), op.add, op.set(ptr));
  emit(countDown(groups), op.end);
  const locals = vec([[...uleb(1), V128]]);
  const body = [...locals, ...code, ...op.end];
  return [...uleb(body.length), ...body];
}

/**
 * Parameters of the conv functions (all i32): the list of positions' input addresses, bytes per
 * tap row, tap rows, floats per tap row, filter, its row bytes, bias, output, its row bytes,
 * position blocks, column blocks, and a byte offset added to every listed address.
 */
export const CONV_PARAMS = 12;

/** Parameters of the pooling-gradient functions (all i32; see {@link poolGradBody}). */
export const POOL_GRAD_PARAMS = 18;

/**
 * The body of `pool_max_grad` / `pool_avg_grad`: the gradient of a max or average pool for the
 * images `[b0, b1)`, 4 channels at a time, into a zeroed dx. Parameters (i32, addresses in bytes):
 * x, y (the forward output), dy, dx, b0, b1, h, w, c·4 (bytes per pixel), oh, ow, sh, sw, padTop,
 * padLeft, fh, fw, and the bits of the float32 scale (1 / window size, average only).
 *
 * Max: each window's gradient goes to the first position, in row-major order, whose value equals
 * the window's output, for each channel (a mask of channels still looking); zero gradients go
 * nowhere. The same values as the typed-array loop: dx gains g, or +0 where nothing matched (dx
 * starts at +0 and sums of floats never give −0 from it). Average: dy · scale added over the
 * window (the window size counts clipped positions, as both stock backends do).
 */
function poolGradBody(kind: "max" | "avg"): number[] {
  const [x, y, g, dx, b0, b1, h, w, c4, oh, ow, sh, sw, padTop, padLeft, fh, fw, scaleBits] =
    indices(18);
  const L = POOL_GRAD_PARAMS;
  const [b, r, q, h0, hLo, hHi, w0, wLo, wHi, gOff, koff, yy, xx, rowBase, p, tmp] = indices(16, L);
  const i32Locals = 16;
  const [gv, yv, pend, eq, scale] = indices(5, L + i32Locals);
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((part) => code.push(...part));
  /** `for (i = lo; i < hi; i += step) body` with lo and hi from locals. */
  const forRange = (i: number, lo: number, hi: number, step: number, body: () => void) => {
    emit(op.get(lo), op.set(i), op.block, op.loop);
    emit(op.get(i), op.get(hi), op.geS, op.brIf(1));
    body();
    emit(op.get(i), op.i32(step), op.add, op.set(i), op.br(0), op.end, op.end);
  };
  /** dst = max(0, src). */
  const clampLow = (dst: number, src: number) =>
    emit(op.get(src), op.i32(0), op.get(src), op.i32(0), op.gtS, op.select, op.set(dst));
  /** dst = min(limit, a + b). */
  const clampHigh = (dst: number, limit: number, a: number, bLocal: number) => {
    emit(op.get(a), op.get(bLocal), op.add, op.set(tmp));
    emit(op.get(tmp), op.get(limit), op.get(tmp), op.get(limit), op.ltS, op.select, op.set(dst));
  };
  const zeroLocal = L + i32Locals + 5; // an i32 local kept at 0
  if (kind === "avg") emit(op.get(scaleBits), op.f32FromBits, op.f32x4splat, op.set(scale));
  forRange(b, b0, b1, 1, () => {
    forRange(r, zeroLocal, oh, 1, () => {
      emit(op.get(r), op.get(sh), op.mul, op.get(padTop), op.sub, op.set(h0));
      clampLow(hLo, h0);
      clampHigh(hHi, h, h0, fh);
      forRange(q, zeroLocal, ow, 1, () => {
        emit(op.get(q), op.get(sw), op.mul, op.get(padLeft), op.sub, op.set(w0));
        clampLow(wLo, w0);
        clampHigh(wHi, w, w0, fw);
        // gOff = ((b · oh + r) · ow + q) · c4
        emit(op.get(b), op.get(oh), op.mul, op.get(r), op.add, op.get(ow), op.mul, op.get(q));
        emit(op.add, op.get(c4), op.mul, op.set(gOff));
        forRange(koff, zeroLocal, c4, 16, () => {
          emit(op.get(g), op.get(gOff), op.add, op.get(koff), op.add, op.load(0), op.set(gv));
          if (kind === "max") {
            emit(op.get(y), op.get(gOff), op.add, op.get(koff), op.add, op.load(0), op.set(yv));
            emit(op.get(gv), op.v128zero, op.fne, op.set(pend));
          } else {
            emit(op.get(gv), op.get(scale), op.fmul, op.set(gv));
          }
          forRange(yy, hLo, hHi, 1, () => {
            // rowBase = ((b · h + yy) · w) · c4 + koff
            emit(op.get(b), op.get(h), op.mul, op.get(yy), op.add, op.get(w), op.mul);
            emit(op.get(c4), op.mul, op.get(koff), op.add, op.set(rowBase));
            forRange(xx, wLo, wHi, 1, () => {
              emit(op.get(rowBase), op.get(xx), op.get(c4), op.mul, op.add, op.set(p));
              if (kind === "max") {
                emit(op.get(x), op.get(p), op.add, op.load(0), op.get(yv), op.feq);
                emit(op.get(pend), op.vand, op.set(eq));
                emit(op.get(dx), op.get(p), op.add);
                emit(op.get(dx), op.get(p), op.add, op.load(0), op.get(gv), op.get(eq), op.vand);
                emit(op.fadd, op.store(0));
                emit(op.get(pend), op.get(eq), op.vandnot, op.set(pend));
              } else {
                emit(op.get(dx), op.get(p), op.add);
                emit(op.get(dx), op.get(p), op.add, op.load(0), op.get(gv), op.fadd, op.store(0));
              }
            });
          });
        });
      });
    });
  });
  const locals = vec([[...uleb(i32Locals), I32], [...uleb(5), V128], [...uleb(1), I32]]);
  const body = [...locals, ...code, ...op.end];
  return [...uleb(body.length), ...body];
}

/**
 * The body of `lrn_fwd` / `lrn_grad`: local response normalisation with β = 0.75 (or its gradient)
 * of pixels `[p0, p1)`, 4 channels at a time. Parameters (i32; addresses in bytes): x, y, dy, dx,
 * scratch (`2 · (c + 2r) + c` floats: squares and terms with r zeros on each side, which the caller
 * zeroes once, and the norms), p0, p1, c·4, r, then the bits of the float32 α, bias and −2αβ; the
 * rest unused. `N_c = bias + α · Σ_{|j−c| ≤ r} x_j²`, `y = x · N^−0.75`; the gradient is
 * `dx_c = dy_c · N_c^−0.75 − 2αβ · x_c · Σ_{|i−c| ≤ r} dy_i · y_i / N_i`. `N^−0.75` is
 * `1 / (√N · √√N)`, as in the typed-array loops (which work in float64: these agree to float32
 * rounding).
 */
function lrnBody(kind: "fwd" | "grad"): number[] {
  const [x, y, dy, dx, scratch, p0, p1, c4, r, alphaBits, biasBits, k2Bits] = indices(12);
  const L = POOL_GRAD_PARAMS;
  const [p, k, j, base, sqA, tB, nC, pad4, win, ptr] = indices(10, L);
  const i32Locals = 10;
  const [alpha, bias, k2, acc, nv, v] = indices(6, L + i32Locals);
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((part) => code.push(...part));
  const forRange = (i: number, lo: number[], hi: number, step: number, body: () => void) => {
    emit(lo, op.set(i), op.block, op.loop);
    emit(op.get(i), op.get(hi), op.geS, op.brIf(1));
    body();
    emit(op.get(i), op.i32(step), op.add, op.set(i), op.br(0), op.end, op.end);
  };
  const splatBits = (bits: number, dst: number) =>
    emit(op.get(bits), op.f32FromBits, op.f32x4splat, op.set(dst));
  /** acc = Σ_{j < 2r+1} load(from + k + 4j): the window sum of a padded scratch row. */
  const windowSum = (from: number) => {
    emit(op.v128zero, op.set(acc), op.get(from), op.get(k), op.add, op.set(ptr));
    forRange(j, op.i32(0), win, 1, () => {
      emit(op.get(acc), op.get(ptr), op.load(0), op.fadd, op.set(acc));
      emit(op.get(ptr), op.i32(4), op.add, op.set(ptr));
    });
  };
  /** Pushes N^−0.75 = 1 / (√N · √√N) of the v128 local `n`. */
  const negPow = (n: number) => {
    emit(f32x4Const(1), op.get(n), op.fsqrt, op.get(n), op.fsqrt, op.fsqrt, op.fmul, op.fdiv);
  };
  splatBits(alphaBits, alpha);
  splatBits(biasBits, bias);
  splatBits(k2Bits, k2);
  // win = 2r + 1; pad4 = 4r; scratch rows: squares at sqA, terms at tB, norms at nC.
  emit(op.get(r), op.get(r), op.add, op.i32(1), op.add, op.set(win));
  emit(op.get(r), op.i32(4), op.mul, op.set(pad4));
  emit(op.get(scratch), op.set(sqA));
  emit(op.get(sqA), op.get(c4), op.add, op.get(pad4), op.add, op.get(pad4), op.add, op.set(tB));
  emit(op.get(tB), op.get(c4), op.add, op.get(pad4), op.add, op.get(pad4), op.add, op.set(nC));
  forRange(p, op.get(p0), p1, 1, () => {
    emit(op.get(p), op.get(c4), op.mul, op.set(base));
    // squares of x into the padded row
    forRange(k, op.i32(0), c4, 16, () => {
      emit(op.get(sqA), op.get(pad4), op.add, op.get(k), op.add);
      emit(op.get(x), op.get(base), op.add, op.get(k), op.add, op.load(0), op.tee(v), op.get(v));
      emit(op.fmul, op.store(0));
    });
    forRange(k, op.i32(0), c4, 16, () => {
      windowSum(sqA);
      emit(op.get(bias), op.get(alpha), op.get(acc), op.fmul, op.fadd, op.set(nv));
      if (kind === "fwd") {
        emit(op.get(y), op.get(base), op.add, op.get(k), op.add);
        emit(op.get(x), op.get(base), op.add, op.get(k), op.add, op.load(0));
        negPow(nv);
        emit(op.fmul, op.store(0));
      } else {
        emit(op.get(nC), op.get(k), op.add, op.get(nv), op.store(0));
        // t = dy · y / N into the padded terms row
        emit(op.get(tB), op.get(pad4), op.add, op.get(k), op.add);
        emit(op.get(dy), op.get(base), op.add, op.get(k), op.add, op.load(0));
        emit(op.get(y), op.get(base), op.add, op.get(k), op.add, op.load(0), op.fmul);
        emit(op.get(nv), op.fdiv, op.store(0));
      }
    });
    if (kind === "grad") {
      forRange(k, op.i32(0), c4, 16, () => {
        windowSum(tB);
        emit(op.get(nC), op.get(k), op.add, op.load(0), op.set(nv));
        emit(op.get(dx), op.get(base), op.add, op.get(k), op.add);
        emit(op.get(dy), op.get(base), op.add, op.get(k), op.add, op.load(0));
        negPow(nv);
        emit(op.fmul);
        emit(op.get(k2), op.get(x), op.get(base), op.add, op.get(k), op.add, op.load(0), op.fmul);
        emit(op.get(acc), op.fmul, op.fadd, op.store(0));
      });
    }
  });
  const locals = vec([[...uleb(i32Locals), I32], [...uleb(6), V128]]);
  const body = [...locals, ...code, ...op.end];
  return [...uleb(body.length), ...body];
}

/**
 * The forward-convolution functions: `[name, rows, columns, relu, fromOut]` in export order
 * (`_acc`: the block starts from the output's values instead of the bias, for a later pass).
 */
export function convVariants(): [string, number, number, boolean, boolean][] {
  const out: [string, number, number, boolean, boolean][] = [];
  for (const fromOut of [false, true]) {
    for (const relu of [false, true]) {
      for (const mr of PANEL_ROWS) {
        for (const nr of PANEL_COLUMNS) {
          const name = `conv_${mr}x${nr}${relu ? "_relu" : ""}${fromOut ? "_acc" : ""}`;
          out.push([name, mr, nr, relu, fromOut]);
        }
      }
    }
  }
  return out;
}

/** Names of the exported functions, in export order. */
export function panelNames(): string[] {
  const names: string[] = [];
  for (const mr of PANEL_ROWS) for (const nr of PANEL_COLUMNS) names.push(`panel_${mr}x${nr}`);
  for (const [n] of convVariants()) names.push(n);
  names.push("relu_grad", "pool_max_grad", "pool_avg_grad", "lrn_fwd", "lrn_grad");
  return names;
}

/**
 * The module's bytes. `shared` must match the memory it will import (the threaded wasm build's
 * heap is shared, the single-threaded build's is not); `maximumPages` is the import's declared
 * maximum (a shared memory needs one; the heap's own maximum must not exceed it).
 *
 * @example
 * ```ts
 * import { panelModuleBytes } from "./_wasm_gemm_module.ts";
 * const bytes = panelModuleBytes(false);
 * console.log(WebAssembly.validate(bytes)); // true
 * ```
 */
export function panelModuleBytes(shared: boolean, maximumPages = 65536): Uint8Array<ArrayBuffer> {
  const signature = (count: number) => [0x60, ...vec(Array(count).fill([I32])), ...vec([])];
  const types = section(
    1,
    vec([signature(11), signature(POOL_GRAD_PARAMS), signature(CONV_PARAMS)]),
  );
  const limits = shared ? [0x03, ...uleb(1), ...uleb(maximumPages)] : [0x00, ...uleb(1)];
  const imports = section(2, vec([[...name("env"), ...name("memory"), 0x02, ...limits]]));
  const names = panelNames();
  const typeOf = (n: string) =>
    n.startsWith("pool_") || n.startsWith("lrn_") ? 1 : n.startsWith("conv_") ? 2 : 0;
  const functions = section(3, vec(names.map((n) => uleb(typeOf(n)))));
  const exports = section(7, vec(names.map((n, i) => [...name(n), 0x00, ...uleb(i)])));
  const bodies: number[][] = [];
  for (const mr of PANEL_ROWS) for (const nr of PANEL_COLUMNS) bodies.push(panelBody(mr, nr / 4));
  for (const [, mr, nr, relu, fromOut] of convVariants()) {
    bodies.push(convBody(mr, nr / 4, relu, fromOut));
  }
  bodies.push(reluGradBody(), poolGradBody("max"), poolGradBody("avg"));
  bodies.push(lrnBody("fwd"), lrnBody("grad"));
  const codeSection = section(10, vec(bodies));
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...types,
    ...imports,
    ...functions,
    ...exports,
    ...codeSection,
  ]);
}

/** One panel function: see the module's description for the meaning of each argument. */
export type PanelFn = (
  aPtr: number,
  aRow: number,
  aCol: number,
  u: number,
  v: number,
  bPtr: number,
  ldb: number,
  outPtr: number,
  ldo: number,
  mBlocks: number,
  kBlocks: number,
  /** Conv functions only: a byte offset added to every listed input address. */
  aOff?: number,
) => void;
