/**
 * A held-out verification split: identities are divided (lib/data's `splitByIdentity`) into a
 * training part and a held-out part, and balanced same/different pairs are drawn among the held-out
 * identities only — so a verification accuracy measured on them says whether the embedding
 * generalises to people it never saw, not whether it memorised the training identities.
 *
 * `chance` is what a verifier that ignores the images reaches: the share of the more frequent
 * answer among the pairs (0.5 for balanced pairs).
 *
 * @example
 * ```ts
 * import { heldOutSplit } from "./held_out_split.ts";
 * const ds = {
 *   root: ".",
 *   identities: ["a", "b", "c", "d"],
 *   items: ["a", "b", "c", "d"].flatMap((id, label) =>
 *     [1, 2].map((j) => ({ path: `${id}/${j}.png`, identity: id, label }))),
 * };
 * const s = heldOutSplit(ds, { fraction: 0.5, pairs: 4, seed: 1 });
 * console.assert(s.train.identities.length === 2 && s.chance === 0.5);
 * ```
 * @module
 */
import { type Dataset, makePairs, type PairRecord, splitByIdentity } from "../data/mod.ts";

/** Options of {@link heldOutSplit}. */
export interface HeldOutSplitOptions {
  /** Share of identities held out. Default 0.25. */
  fraction?: number;
  /** Verification pairs drawn among the held-out identities (half same, half different). Default 200. */
  pairs?: number;
  /** Seed of the identity shuffle and of the pairs. Default 0. */
  seed?: number;
}

/** A training part, a held-out part and pairs among the held-out identities. */
export interface HeldOutSplit {
  /** Identities to train on. */
  train: Dataset;
  /** Identities never trained on. */
  heldOut: Dataset;
  /** Pairs of held-out images (paths relative to `heldOut.root`). */
  pairs: PairRecord[];
  /** Accuracy of always giving the more frequent answer. */
  chance: number;
}

/**
 * Splits `dataset` by identity and draws held-out pairs. Throws, naming the dataset, when either
 * part would have fewer than 2 identities or no held-out identity has 2 images.
 *
 * @example
 * ```ts
 * import { heldOutSplit } from "./held_out_split.ts";
 * const ds = { root: "r", identities: ["a", "b"], items: [] };
 * let err = "";
 * try { heldOutSplit(ds); } catch (e) { err = String(e); }
 * console.assert(err.includes("needs"));
 * ```
 */
export function heldOutSplit(dataset: Dataset, options: HeldOutSplitOptions = {}): HeldOutSplit {
  const fraction = options.fraction ?? 0.25, count = options.pairs ?? 200, seed = options.seed ?? 0;
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`heldOutSplit: 'fraction' must be in (0, 1), got ${fraction}`);
  }
  if (!(Number.isInteger(count) && count >= 2)) {
    throw new Error(`heldOutSplit: 'pairs' must be an integer ≥ 2, got ${count}`);
  }
  const n = dataset.identities.length;
  const nHeld = Math.round(fraction * n);
  if (nHeld < 2 || n - nHeld < 2) {
    throw new Error(
      `heldOutSplit: '${dataset.root}' has ${n} identities; holding out ${fraction} of them leaves ` +
        `${n - nHeld} to train on and ${nHeld} held out, and each part needs ≥ 2`,
    );
  }
  const [train, heldOut] = splitByIdentity(dataset, { fractions: [1 - fraction, fraction], seed });
  const perIdentity = new Map<number, number>();
  for (const item of heldOut.items) {
    perIdentity.set(item.label, (perIdentity.get(item.label) ?? 0) + 1);
  }
  if (![...perIdentity.values()].some((c) => c >= 2)) {
    throw new Error(
      `heldOutSplit: no held-out identity of '${dataset.root}' has 2 images for a same pair`,
    );
  }
  const pairs = makePairs(heldOut, { count, seed: seed + 1 });
  const same = pairs.filter((p) => p.same).length;
  const chance = Math.max(same, pairs.length - same) / pairs.length;
  return { train, heldOut, pairs, chance };
}
