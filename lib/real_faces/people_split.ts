/**
 * A validation split of training PEOPLE (no person in both parts) with balanced pairs drawn from
 * the validation people: where recipe choices are made, so the development test pairs are only
 * measured, never tuned to.
 *
 * @example
 * ```ts
 * import { splitPeople } from "./people_split.ts";
 * const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);
 * const ds = { root: ".", identities: ids,
 *   items: ids.flatMap((id, label) => [1, 2, 3].map((n) => ({ path: `${id}/${n}.jpg`, identity: id, label }))) };
 * const s = splitPeople(ds, { validationFraction: 0.25, pairs: 20, seed: 1 });
 * console.assert(s.validation.identities.length === 5 && s.validationPairs.length === 20);
 * ```
 * @module
 */
import { type Dataset, makePairs, type PairRecord, splitByIdentity } from "../data/mod.ts";

/** Options of {@link splitPeople}. */
export interface SplitPeopleOptions {
  /** Share of the people held out for validation, in (0, 1). Default 0.1. */
  validationFraction?: number;
  /** Validation pairs (half same, half different). Default 600. */
  pairs?: number;
  /** Seed of the people shuffle and the pairs. Default 0. */
  seed?: number;
}

/** The two parts and the validation pairs (paths relative to the dataset's root). */
export interface PeopleSplit {
  train: Dataset;
  validation: Dataset;
  validationPairs: PairRecord[];
}

/**
 * Splits a dataset's people into training and validation, and draws validation pairs.
 *
 * @param dataset the scanned training set (identities with ≥ 2 images for same pairs)
 * @param options validationFraction (0.1), pairs (600), seed (0)
 *
 * @example
 * ```ts
 * import { splitPeople } from "./people_split.ts";
 * const ds = { root: ".", identities: ["a"], items: [{ path: "a/1.jpg", identity: "a", label: 0 }] };
 * console.assert(((): unknown => { try { return splitPeople(ds); } catch (e) { return e; } })() instanceof Error);
 * ```
 */
export function splitPeople(dataset: Dataset, options: SplitPeopleOptions = {}): PeopleSplit {
  const fraction = options.validationFraction ?? 0.1;
  const count = options.pairs ?? 600;
  const seed = options.seed ?? 0;
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`splitPeople: 'validationFraction' must be in (0, 1), got ${fraction}`);
  }
  if (!Number.isInteger(count) || count < 2) {
    throw new Error(`splitPeople: 'pairs' must be an integer ≥ 2, got ${count}`);
  }
  const [train, validation] = splitByIdentity(dataset, {
    fractions: [1 - fraction, fraction],
    seed,
  });
  const perId = new Map<string, number>();
  for (const it of validation.items) perId.set(it.identity, (perId.get(it.identity) ?? 0) + 1);
  if (validation.identities.length < 2 || ![...perId.values()].some((n) => n >= 2)) {
    throw new Error(
      `splitPeople: ${dataset.root} gives ${validation.identities.length} validation people (fraction ${fraction}); ` +
        `need ≥ 2, one with ≥ 2 images`,
    );
  }
  const validationPairs = makePairs(validation, { count, seed: seed + 1 });
  return { train, validation, validationPairs };
}
