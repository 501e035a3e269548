/**
 * Identity-disjoint splits: every identity lands in exactly one part, so no person is seen in
 * training and in evaluation.
 *
 * @example
 * ```ts
 * import { splitByIdentity } from "./split.ts";
 * const ds = {
 *   root: ".",
 *   identities: ["a", "b", "c", "d", "e"],
 *   items: ["a", "b", "c", "d", "e"].map((id, label) => ({ path: `${id}/1.png`, identity: id, label })),
 * };
 * const [train, test] = splitByIdentity(ds, { fractions: [0.8, 0.2], seed: 1 });
 * console.assert(train.identities.length === 4 && test.identities.length === 1);
 * ```
 * @module
 */
import { createRng } from "../../random/mod.ts";
import { type Dataset, filterIdentities } from "./dataset.ts";

/** Options of {@link splitByIdentity}. */
export interface SplitOptions {
  /** Share of identities in each part; normalised to sum 1. Default [0.8, 0.2]. */
  fractions?: readonly number[];
  /** Seed of the identity shuffle. Default 0. */
  seed?: number;
}

/**
 * Splits a dataset by identity: identities are shuffled with `seed`, then cut into consecutive
 * parts of `round(fraction × n)` identities (the last part takes the remainder). Each part keeps the
 * original identity order and renumbers labels 0..m-1.
 *
 * @example
 * ```ts
 * import { generateSynth } from "../synth/synth.ts";
 * import { splitByIdentity } from "./split.ts";
 * const dir = await Deno.makeTempDir();
 * const ds = (await generateSynth(dir, { identities: 8, perIdentity: 4, size: 32 })).dataset;
 * const [train, test] = splitByIdentity(ds, { fractions: [0.75, 0.25], seed: 0 });
 * console.assert(train.identities.length === 6 && test.identities.length === 2);
 * ```
 */
export function splitByIdentity(dataset: Dataset, options: SplitOptions = {}): Dataset[] {
  const fractions = options.fractions ?? [0.8, 0.2];
  if (fractions.length < 1 || fractions.some((f) => !(f >= 0))) {
    throw new Error(
      `splitByIdentity: 'fractions' must be non-negative numbers, got [${fractions}]`,
    );
  }
  const total = fractions.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new Error(`splitByIdentity: 'fractions' sum to ${total}, need > 0`);
  const n = dataset.identities.length;
  const order = createRng(options.seed ?? 0).shuffle(dataset.identities.map((_, i) => i));
  const parts: Dataset[] = [];
  let start = 0, acc = 0;
  fractions.forEach((fr, i) => {
    acc += fr / total;
    const end = i === fractions.length - 1 ? n : Math.min(n, Math.round(acc * n));
    const names = order.slice(start, end).map((j) => dataset.identities[j]);
    parts.push(filterIdentities(dataset, { identities: names, minPerIdentity: 1 }));
    start = end;
  });
  return parts;
}
