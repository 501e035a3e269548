/**
 * The atlas's findings as sentences rendered from measured cells — nothing here is fixed text about
 * an outcome: counts, rates, intervals, mechanisms, directions ("rose", "fell") and the verdict on
 * overlapping intervals all come from the {@link AtlasCell}s given, so a test can hand in reversed
 * numbers and see the sentences reverse.
 *
 * @example
 * ```ts
 * import { cellFinding } from "./findings_text.ts";
 * import { summarizeCell } from "./atlas_cell.ts";
 * const v = { outcome: "collapsed" as const, collapsed: true, mechanism: "dead-units" as const,
 *   diagnosis: "", stepsToCollapse: 12, steps: 50, finalLoss: 1, lossOverMargin: 1, tripletAccuracy: 0,
 *   dAp: 3.16e-4, dAn: 3.16e-4, heldOutAccuracy: 0.5, heldOutChance: 0.5, heldOutCi: null };
 * const s = cellFinding(summarizeCell({}, [1], [v]), "baseline");
 * console.assert(s.startsWith("baseline: 1 of 1 seed collapsed"));
 * ```
 * @module
 */
import type { AtlasCell } from "./atlas_cell.ts";

const pct = (x: number) => `${Math.round(x * 100)}%`;
const ci = (c: [number, number]) => `95% CI ${Math.round(c[0] * 100)}–${Math.round(c[1] * 100)}%`;

/** A number with 3 significant digits, exponent form outside [0.01, 1e4). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  return Math.abs(x) >= 0.01 && Math.abs(x) < 1e4
    ? String(Number(x.toPrecision(3)))
    : x.toExponential(2);
}

/**
 * One cell in one sentence: how many seeds collapsed (rate, interval), by which mechanism, how fast,
 * the final numbers, held-out verification against chance, and what the other seeds did.
 *
 * @example
 * ```ts
 * import { cellFinding } from "./findings_text.ts";
 * import { summarizeCell } from "./atlas_cell.ts";
 * const v = { outcome: "learned" as const, collapsed: false, mechanism: "none" as const,
 *   diagnosis: "", stepsToCollapse: null, steps: 50, finalLoss: 0.1, lossOverMargin: 0.5, tripletAccuracy: 0.9,
 *   dAp: 0.4, dAn: 1.1, heldOutAccuracy: 0.8, heldOutChance: 0.5, heldOutCi: [0.74, 0.85] as [number, number] };
 * console.assert(cellFinding(summarizeCell({}, [1, 2], [v, v]), "x").includes("none of 2 seeds collapsed"));
 * ```
 */
export function cellFinding(cell: AtlasCell<unknown>, label: string): string {
  const n = cell.seeds.length, k = cell.collapsed;
  const seeds = `${n} seed${n === 1 ? "" : "s"}`;
  const head = k === 0 ? `none of ${seeds} collapsed` : `${k} of ${seeds} collapsed`;
  const parts = [`${label}: ${head} (${pct(cell.collapseRate)}, ${ci(cell.collapseRateCi)})`];
  if (k > 0) {
    const m = cell.mechanisms[cell.mechanism] ?? 0;
    parts.push(
      `mechanism ${cell.mechanism}${m === k ? "" : ` in ${m} of the ${k}`}` +
        (cell.stepsToCollapse === null
          ? ""
          : `, median ${formatNumber(cell.stepsToCollapse)} steps to collapse`),
    );
  }
  parts.push(
    `final loss/α ${formatNumber(cell.lossOverMargin)}, triplet accuracy ` +
      `${formatNumber(cell.tripletAccuracy)}, d_ap ${formatNumber(cell.dAp)}, d_an ${
        formatNumber(cell.dAn)
      }`,
  );
  if (Number.isFinite(cell.heldOutAccuracy)) {
    const diff = cell.heldOutAccuracy - cell.heldOutChance;
    parts.push(
      `held-out verification ${formatNumber(cell.heldOutAccuracy)} (chance ${
        formatNumber(cell.heldOutChance)
      }, ${
        Math.abs(diff) < 0.005
          ? "at chance"
          : `${formatNumber(Math.abs(diff))} ${diff > 0 ? "above" : "below"}`
      })`,
    );
  }
  const rest = n - k;
  if (rest > 0 && (cell.outcomes.learned !== undefined || cell.outcomes["not-learned"])) {
    const learned = cell.outcomes.learned ?? 0;
    parts.push(
      `of the ${rest} that did not collapse, ${learned} learned (held-out interval above chance)` +
        (rest - learned > 0 ? ` and ${rest - learned} did not` : ""),
    );
  }
  return parts.join("; ") + ".";
}

/** Options of {@link compareFinding}. */
export interface CompareOptions {
  /** Label of the reference cell. */
  baseLabel: string;
  /** Label of the changed cell. */
  label: string;
}

/**
 * One cell against a reference: the collapse rate's direction, whether the 95% intervals overlap
 * (if they do, these seeds cannot tell the two apart), and held-out accuracy before and after.
 *
 * @example
 * ```ts
 * import { compareFinding } from "./findings_text.ts";
 * import { summarizeCell } from "./atlas_cell.ts";
 * const v = (c: boolean) => ({ outcome: c ? "collapsed" as const : "learned" as const, collapsed: c,
 *   mechanism: c ? "dead-units" as const : "none" as const, diagnosis: "", stepsToCollapse: c ? 5 : null,
 *   steps: 50, finalLoss: 1, lossOverMargin: 1, tripletAccuracy: 0, dAp: 0, dAn: 0,
 *   heldOutAccuracy: NaN, heldOutChance: NaN, heldOutCi: null });
 * const a = summarizeCell({}, [1, 2, 3, 4, 5], [v(true), v(true), v(true), v(true), v(true)]);
 * const b = summarizeCell({}, [1, 2, 3, 4, 5], [v(false), v(false), v(false), v(false), v(false)]);
 * console.assert(compareFinding(a, b, { baseLabel: "A", label: "B" }).includes("fell"));
 * ```
 */
export function compareFinding(
  base: AtlasCell<unknown>,
  cell: AtlasCell<unknown>,
  options: CompareOptions,
): string {
  const [a, b] = [base.collapseRate, cell.collapseRate];
  const dir = b > a ? "rose" : b < a ? "fell" : "stayed";
  const overlap = cell.collapseRateCi[0] <= base.collapseRateCi[1] &&
    base.collapseRateCi[0] <= cell.collapseRateCi[1];
  let s = `${options.label} against ${options.baseLabel}: the collapse rate ${dir} ` +
    (dir === "stayed" ? `at ${pct(a)}` : `from ${pct(a)} to ${pct(b)}`) +
    (dir === "stayed"
      ? ""
      : overlap
      ? ` but the 95% intervals overlap (${ci(base.collapseRateCi)} and ${
        ci(cell.collapseRateCi).slice(7)
      }), so ${base.seeds.length} and ${cell.seeds.length} seeds do not separate them`
      : ` and the 95% intervals do not overlap (${ci(base.collapseRateCi)} and ${
        ci(cell.collapseRateCi).slice(7)
      })`);
  if (Number.isFinite(base.heldOutAccuracy) && Number.isFinite(cell.heldOutAccuracy)) {
    s += `; held-out verification ${formatNumber(base.heldOutAccuracy)} → ${
      formatNumber(cell.heldOutAccuracy)
    } (chance ${formatNumber(cell.heldOutChance)})`;
  }
  return s + ".";
}

/** Options of {@link atlasFindings}. */
export interface AtlasFindingsOptions<C> {
  /** A cell's label, e.g. "adam lr 0.1" (the text names cells by it). */
  label(cell: AtlasCell<C>): string;
  /** Index of the baseline cell, which every one-factor neighbour is compared against. */
  baseline?: number;
  /** Indices of the baseline's one-factor neighbours. Default: none compared. */
  neighbours?: number[];
}

/**
 * The headline (how many cells collapsed at all, and the highest and lowest rates), one sentence
 * per cell, then each neighbour against the baseline.
 *
 * @example
 * ```ts
 * import { atlasFindings } from "./findings_text.ts";
 * console.assert(atlasFindings([], { label: () => "" })[0] === "No cells were run.");
 * ```
 */
export function atlasFindings<C>(
  cells: AtlasCell<C>[],
  options: AtlasFindingsOptions<C>,
): string[] {
  if (cells.length === 0) return ["No cells were run."];
  const any = cells.filter((c) => c.collapsed > 0);
  const rates = cells.map((c) => c.collapseRate);
  const runs = cells.reduce((a, c) => a + c.seeds.length, 0);
  const collapsedRuns = cells.reduce((a, c) => a + c.collapsed, 0);
  // every cell at the extreme rate is named (ties are common with a few seeds)
  const at = (rate: number) => {
    const tied = cells.filter((c) => c.collapseRate === rate);
    const names = tied.map((c) => options.label(c)).join("; ");
    return tied.length === 1
      ? `${names} (${pct(rate)}, ${ci(tied[0].collapseRateCi)})`
      : `${pct(rate)} in ${tied.length} cells (${names})`;
  };
  const headline = any.length === 0
    ? `No run collapsed: 0 of ${runs} runs over ${cells.length} cells.`
    : `${collapsedRuns} of ${runs} runs collapsed; ${any.length} of ${cells.length} cells ` +
      `collapsed in at least one seed. Highest collapse rate: ${at(Math.max(...rates))}` +
      (cells.length > 1 ? `; lowest: ${at(Math.min(...rates))}.` : ".");
  const out = [headline];
  // the mechanisms of every collapsed run, most frequent first
  const mech = new Map<string, number>();
  for (const c of cells) {
    for (const [m, n] of Object.entries(c.mechanisms)) {
      if (m !== "none" && c.collapsed > 0) mech.set(m, (mech.get(m) ?? 0) + n);
    }
  }
  if (collapsedRuns > 0 && mech.size > 0) {
    out.push(
      `Mechanisms of the collapsed runs: ${
        [...mech.entries()].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(", ")
      } (of ${collapsedRuns}).`,
    );
  }
  if (options.baseline !== undefined && cells[options.baseline]) {
    // the answer to "which single change makes it collapse / prevents it", from the intervals
    const base = cells[options.baseline];
    const nb = (options.neighbours ?? []).map((i) => cells[i]).filter((c) => c !== undefined);
    const separated = (c: AtlasCell<C>) =>
      c.collapseRateCi[0] > base.collapseRateCi[1] || c.collapseRateCi[1] < base.collapseRateCi[0];
    const up = nb.filter((c) => c.collapseRate > base.collapseRate);
    const down = nb.filter((c) => c.collapseRate < base.collapseRate);
    const list = (xs: AtlasCell<C>[]) =>
      xs.sort((a, b) => b.collapseRate - a.collapseRate)
        .map((c) => `${options.label(c)} (${c.collapsed} of ${c.seeds.length})`).join("; ");
    const upSep = up.filter(separated), upOverlap = up.filter((c) => !separated(c));
    out.push(
      `${
        options.label(base) === "baseline"
          ? "The baseline"
          : `The baseline (${options.label(base)})`
      } collapsed in ${base.collapsed} of ${base.seeds.length} ` +
        `seeds. Of its ${nb.length} one-factor changes, ${up.length} collapsed more often` +
        (up.length === 0
          ? ""
          : upSep.length === 0
          ? `, none with a 95% interval clear of the baseline's (${list(upOverlap)})`
          : `: clearly (95% intervals apart) ${list(upSep)}` +
            (upOverlap.length ? `; within overlapping intervals ${list(upOverlap)}` : "")) +
        `; ${down.length} collapsed less often` +
        (down.length === 0
          ? ""
          : ` (${list(down)}${
            down.some(separated) ? "" : ", none with a 95% interval clear of the baseline's"
          })`) +
        ".",
    );
  }
  out.push(...cells.map((c) => cellFinding(c, options.label(c))));
  if (options.baseline !== undefined) {
    const base = cells[options.baseline];
    if (!base) {
      throw new Error(`atlasFindings: baseline index ${options.baseline} of ${cells.length} cells`);
    }
    for (const i of options.neighbours ?? []) {
      const c = cells[i];
      if (!c) throw new Error(`atlasFindings: neighbour index ${i} of ${cells.length} cells`);
      out.push(
        compareFinding(base, c, { baseLabel: options.label(base), label: options.label(c) }),
      );
    }
  }
  return out;
}
