/**
 * Held-out verification in words: where an accuracy measured on pairs of identities never trained
 * on stands against the chance level (the share of the more frequent answer among the pairs), read
 * from its Wilson 95% interval — "above chance" only when the whole interval is above it, "below"
 * only when the whole interval is below, otherwise "not distinguishable from chance". Every word
 * comes from the numbers given, so reversed numbers give reversed sentences.
 *
 * @example
 * ```ts
 * import { heldOutSentence } from "./held_out_text.ts";
 * const s = heldOutSentence({ verificationAccuracy: 0.8, heldOutChance: 0.5, heldOutCi: [0.72, 0.86],
 *   heldOutPairs: 120, heldOutIdentities: 4 });
 * console.assert(s.includes("above chance (0.5)"));
 * ```
 * @module
 */

/** What the sentences read of an outcome (a `VariantOutcome` fits). */
export interface HeldOutLike {
  verificationAccuracy: number;
  heldOutChance: number;
  heldOutCi: [number, number] | null;
  heldOutPairs: number;
  heldOutIdentities: number;
}

/** Where an accuracy stands against chance ("unmeasured" without an interval). */
export type ChanceStanding = "above" | "below" | "at" | "unmeasured";

const f3 = (x: number) => (Number.isFinite(x) ? String(Number(x.toFixed(3))) : String(x));

/**
 * "above" when the interval's lower end exceeds chance, "below" when its upper end is under it,
 * "at" when the interval holds it, "unmeasured" without an interval or a finite chance.
 *
 * @example
 * ```ts
 * import { chanceStanding } from "./held_out_text.ts";
 * console.assert(chanceStanding({ heldOutChance: 0.5, heldOutCi: [0.45, 0.6] }) === "at");
 * console.assert(chanceStanding({ heldOutChance: 0.5, heldOutCi: [0.2, 0.4] }) === "below");
 * ```
 */
export function chanceStanding(
  o: Pick<HeldOutLike, "heldOutChance" | "heldOutCi">,
): ChanceStanding {
  if (!o.heldOutCi || !Number.isFinite(o.heldOutChance)) return "unmeasured";
  const [low, high] = o.heldOutCi;
  return low > o.heldOutChance ? "above" : high < o.heldOutChance ? "below" : "at";
}

/** The standing in words, with the chance level. */
function standingWords(s: ChanceStanding, chance: number): string {
  switch (s) {
    case "above":
      return `above chance (${f3(chance)})`;
    case "below":
      return `below chance (${f3(chance)})`;
    case "at":
      return `not distinguishable from chance (${f3(chance)})`;
    case "unmeasured":
      return "not measured";
  }
}

/**
 * One outcome's held-out verification in one phrase: the accuracy, its interval over the pairs,
 * how many identities the pairs come from, and where it stands against chance.
 *
 * @example
 * ```ts
 * import { heldOutSentence } from "./held_out_text.ts";
 * const s = heldOutSentence({ verificationAccuracy: 0.5, heldOutChance: 0.5, heldOutCi: [0.41, 0.59],
 *   heldOutPairs: 120, heldOutIdentities: 4 });
 * console.assert(s.startsWith("held-out verification 0.5 (95% CI 0.41–0.59 over 120 pairs of 4"));
 * ```
 */
export function heldOutSentence(o: HeldOutLike): string {
  const s = chanceStanding(o);
  if (s === "unmeasured") return "held-out verification not measured";
  const [low, high] = o.heldOutCi!;
  const who = o.heldOutIdentities > 0
    ? `${o.heldOutIdentities} identities never trained on`
    : "the training identities (nothing held out)";
  return `held-out verification ${f3(o.verificationAccuracy)} (95% CI ${f3(low)}–${f3(high)} ` +
    `over ${o.heldOutPairs} pairs of ${who}): ${standingWords(s, o.heldOutChance)}`;
}

/**
 * How many of `outcomes` stand above, at and below chance, as one sentence naming each group's
 * members by `label`.
 *
 * @example
 * ```ts
 * import { heldOutTally } from "./held_out_text.ts";
 * const o = (ci: [number, number]) => ({ verificationAccuracy: 0.6, heldOutChance: 0.5, heldOutCi: ci,
 *   heldOutPairs: 100, heldOutIdentities: 4 });
 * const s = heldOutTally([o([0.55, 0.7]), o([0.4, 0.6])], (_, i) => `run ${i}`);
 * console.assert(s.startsWith("Held-out verification (pairs of 4 identities never trained on, chance 0.5): 1 of 2 runs above chance (run 0)"));
 * ```
 */
export function heldOutTally<T extends HeldOutLike>(
  outcomes: T[],
  label: (o: T, i: number) => string,
): string {
  const measured = outcomes.map((o, i) => ({ o, i, s: chanceStanding(o) }))
    .filter((x) => x.s !== "unmeasured");
  if (measured.length === 0) return "Held-out verification was not measured.";
  const chances = [...new Set(measured.map((x) => f3(x.o.heldOutChance)))];
  const ids = [...new Set(measured.map((x) => x.o.heldOutIdentities))];
  const n = outcomes.length;
  const group = (s: ChanceStanding, words: string) => {
    const xs = measured.filter((x) => x.s === s);
    return xs.length === 0
      ? []
      : [`${xs.length} of ${n} runs ${words} (${xs.map((x) => label(x.o, x.i)).join(", ")})`];
  };
  const parts = [
    ...group("above", "above chance"),
    ...group("at", "not distinguishable from chance"),
    ...group("below", "below chance"),
  ];
  if (measured.length < n) parts.push(`${n - measured.length} not measured`);
  return `Held-out verification (pairs of ${ids.join("/")} identities never trained on, chance ` +
    `${chances.join("/")}): ${parts.join("; ")}.`;
}
