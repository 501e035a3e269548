/**
 * Index tuples a miner returns: triplets (anchor, positive, negative) and labelled pairs.
 * @module
 */

/** Triplets of batch row indices: anchors[i] and positives[i] share a label, negatives[i] does not. */
export interface Triplets {
  /** Anchor rows. */
  anchors: Int32Array;
  /** Positive rows (same label as the anchor, another row). */
  positives: Int32Array;
  /** Negative rows (another label). */
  negatives: Int32Array;
}

/** Pairs of batch row indices; same[i] is 1 when a[i] and b[i] share a label, else 0. */
export interface Pairs {
  /** First rows. */
  a: Int32Array;
  /** Second rows. */
  b: Int32Array;
  /** 1 where a[i] and b[i] share a label, else 0. */
  same: Uint8Array;
}

/** True when `t` is {@link Triplets} (has anchors), false for {@link Pairs}. */
export function isTriplets(t: Triplets | Pairs): t is Triplets {
  return (t as Triplets).anchors !== undefined;
}

/** The number of tuples in triplets or pairs. */
export function tupleCount(t: Triplets | Pairs): number {
  return isTriplets(t) ? t.anchors.length : t.a.length;
}

/** A growable Int32 buffer used by the miners (avoids number[] for millions of indices). */
export class IndexBuffer {
  #data: Int32Array;
  #length = 0;
  /** An empty buffer with room for `capacity` values before it grows. */
  constructor(capacity = 1024) {
    this.#data = new Int32Array(Math.max(16, capacity));
  }
  /** Appends one value. */
  push(v: number): void {
    if (this.#length === this.#data.length) {
      const next = new Int32Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.#length++] = v;
  }
  /** The number of values pushed. */
  get length(): number {
    return this.#length;
  }
  /** A right-sized copy of the contents. */
  toArray(): Int32Array {
    return this.#data.slice(0, this.#length);
  }
}

/** Builds {@link Triplets} from three buffers. */
export function tripletsFrom(a: IndexBuffer, p: IndexBuffer, n: IndexBuffer): Triplets {
  return { anchors: a.toArray(), positives: p.toArray(), negatives: n.toArray() };
}
