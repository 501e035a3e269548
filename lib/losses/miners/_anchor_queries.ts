/**
 * Internal: per-anchor queries over negatives in O(n log K) (K positives per anchor), used by the
 * semi-hard and batch-all miners instead of scanning every negative for every anchor-positive pair.
 * @module
 */

/** The positives (row order) and negatives (row order) of one anchor. */
export interface AnchorRows {
  positives: number[];
  /** Shared between the anchors of one class: do not modify. */
  negatives: readonly number[];
}

/**
 * A function giving each anchor's positives and negatives. The member and non-member lists are
 * built once per class, so the cost is O(N·classes) rather than O(N²) array pushes.
 */
export function anchorRowsOf(labels: Int32Array): (i: number) => AnchorRows {
  const members = new Map<number, number[]>();
  for (let k = 0; k < labels.length; k++) {
    const list = members.get(labels[k]);
    if (list) list.push(k);
    else members.set(labels[k], [k]);
  }
  const others = new Map<number, number[]>();
  for (const label of members.keys()) {
    const list: number[] = [];
    for (let k = 0; k < labels.length; k++) if (labels[k] !== label) list.push(k);
    others.set(label, list);
  }
  return (i: number) => ({
    positives: members.get(labels[i])!.filter((k) => k !== i),
    negatives: others.get(labels[i])!,
  });
}

/** Positions 0..K−1 of the positives sorted by their distance (stable). */
function sortedOrder(values: number[]): number[] {
  return values.map((_, m) => m).sort((u, v) => values[u] - values[v] || u - v);
}

/**
 * For each positive j (in `rows.positives` order) the negative with the smallest d_an among those
 * with d_an > d_ap (ties: lowest row index), or −1 when none is farther than the positive.
 * Negatives are bucketed by how many d_ap values lie below them, then a suffix minimum answers
 * every positive at once.
 */
export function closestFartherNegative(
  d: ArrayLike<number>,
  n: number,
  i: number,
  rows: AnchorRows,
): Int32Array {
  const row = i * n;
  const dap = rows.positives.map((j) => d[row + j]);
  const order = sortedOrder(dap);
  const q = order.map((m) => dap[m]);
  const k = q.length;
  const slotValue = new Float64Array(k + 1).fill(Infinity);
  const slotRow = new Int32Array(k + 1).fill(-1);
  for (const neg of rows.negatives) {
    const v = d[row + neg];
    // s = number of sorted d_ap strictly below v: the negative is farther than positives 0..s−1.
    let lo = 0, hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (q[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    if (v < slotValue[lo] || (v === slotValue[lo] && slotRow[lo] < 0)) {
      slotValue[lo] = v;
      slotRow[lo] = neg; // negatives arrive in row order, so the first of equal values stays
    }
  }
  const out = new Int32Array(k).fill(-1);
  let bestValue = Infinity, bestRow = -1;
  for (let s = k; s >= 1; s--) {
    if (
      slotRow[s] >= 0 &&
      (slotValue[s] < bestValue || (slotValue[s] === bestValue && slotRow[s] < bestRow))
    ) {
      bestValue = slotValue[s];
      bestRow = slotRow[s];
    }
    out[order[s - 1]] = bestRow; // sorted position s−1 sees the slots s..K
  }
  return out;
}

/**
 * For each positive j, the negatives with d_ap − d_an + α > 0 (evaluated as written), in row order.
 * `onlyCount` skips building the lists. Monotone in d_ap, so each negative is active for a suffix of
 * the positives sorted by d_ap.
 */
export function activeNegatives(
  d: ArrayLike<number>,
  n: number,
  i: number,
  rows: AnchorRows,
  margin: number,
  onlyCount: boolean,
): { count: number; lists: number[][] } {
  const row = i * n;
  const dap = rows.positives.map((j) => d[row + j]);
  const order = sortedOrder(dap);
  const q = order.map((m) => dap[m]);
  const k = q.length;
  const lists: number[][] = onlyCount ? [] : dap.map(() => []);
  let count = 0;
  for (const neg of rows.negatives) {
    const v = d[row + neg];
    let lo = 0, hi = k; // first sorted position where q − v + α > 0
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (q[mid] - v + margin > 0) hi = mid;
      else lo = mid + 1;
    }
    count += k - lo;
    if (!onlyCount) { for (let s = lo; s < k; s++) lists[order[s]].push(neg); }
  }
  return { count, lists };
}
