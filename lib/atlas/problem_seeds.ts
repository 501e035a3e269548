/**
 * A monograph problem over several seeds: each variant (the unfixed configuration, then each fix)
 * tallied as an atlas cell — how many seeds collapsed, the Wilson 95% interval, the mechanisms —
 * with the numbers of every collapsed run, and findings rendered from those numbers: the
 * reference's count (or, when no seed collapsed, a plain statement of that with the configuration's
 * departures from the monograph), each collapsed run's numbers, and each fix against the reference.
 *
 * @example
 * ```ts
 * import { problemSeeds } from "./problem_seeds.ts";
 * import { outcomeVerdict } from "./outcome_verdict.ts";
 * const o = { steps: 10, finalLoss: 1, accuracy: 0, dAp: 3.16e-4, dAn: 3.16e-4, collapsed: true,
 *   collapseStep: 3, mechanism: "overflow", diagnosis: "" };
 * const p = problemSeeds([{ variant: "problem 1", seed: 1, verdict: outcomeVerdict(o, { margin: 1 }) }],
 *   { reference: "problem 1", departures: ["synthetic faces"] });
 * console.assert(p.variants[0].collapsed === 1 && p.findings[0].startsWith("problem 1: 1 of 1 seed"));
 * ```
 * @module
 */
import { type AtlasCell, summarizeCell } from "./atlas_cell.ts";
import type { RunVerdict } from "./classify_run.ts";
import { cellFinding, compareFinding, formatNumber } from "./findings_text.ts";
import { type AtlasSource, nearestCollapsing } from "./nearest_collapsing.ts";

/** One variant's run on one seed. */
export interface SeededRun {
  variant: string;
  seed: number;
  verdict: RunVerdict;
}

/** The numbers of one collapsed run. */
export interface CollapsedRun {
  seed: number;
  mechanism: string;
  stepsToCollapse: number | null;
  finalLoss: number;
  lossOverMargin: number;
  tripletAccuracy: number;
  dAp: number;
  dAn: number;
}

/** One variant over its seeds. */
export type ProblemVariant = Omit<AtlasCell<{ variant: string }>, "runs" | "config"> & {
  variant: string;
  collapsedRuns: CollapsedRun[];
};

/** What {@link problemSeeds} returns. */
export interface ProblemSeeds {
  variants: ProblemVariant[];
  findings: string[];
}

/** Options of {@link problemSeeds}. */
export interface ProblemSeedsOptions {
  /** The unfixed variant's name. */
  reference: string;
  /** How this configuration departs from the monograph's, named when no seed collapses. */
  departures: string[];
  /**
   * A finished collapse-atlas run (see latestAtlasRun): when no seed collapses, the findings name
   * its nearest cells that did collapse (at most `nearest`, default 4).
   */
  atlas?: AtlasSource;
  nearest?: number;
}

const f = formatNumber;

/**
 * Tallies `runs` by variant (in first-seen order) and renders the findings.
 *
 * @example
 * ```ts
 * import { problemSeeds } from "./problem_seeds.ts";
 * let err = "";
 * try { problemSeeds([], { reference: "x", departures: [] }); } catch (e) { err = String(e); }
 * console.assert(err.includes("no run of the reference variant 'x'"));
 * ```
 */
export function problemSeeds(runs: SeededRun[], options: ProblemSeedsOptions): ProblemSeeds {
  const byVariant = new Map<string, SeededRun[]>();
  for (const r of runs) {
    const list = byVariant.get(r.variant) ?? [];
    list.push(r);
    byVariant.set(r.variant, list);
  }
  if (!byVariant.has(options.reference)) {
    throw new Error(`problemSeeds: no run of the reference variant '${options.reference}'`);
  }
  const cells = new Map<string, AtlasCell<{ variant: string }>>();
  for (const [variant, list] of byVariant) {
    cells.set(
      variant,
      summarizeCell({ variant }, list.map((r) => r.seed), list.map((r) => r.verdict)),
    );
  }
  const variants: ProblemVariant[] = [...cells.entries()].map(([variant, cell]) => {
    const { runs: verdicts, config: _c, ...rest } = cell;
    return {
      variant,
      ...rest,
      collapsedRuns: verdicts.flatMap((v, i) =>
        v.collapsed
          ? [{
            seed: cell.seeds[i],
            mechanism: v.mechanism,
            stepsToCollapse: v.stepsToCollapse,
            finalLoss: v.finalLoss,
            lossOverMargin: v.lossOverMargin,
            tripletAccuracy: v.tripletAccuracy,
            dAp: v.dAp,
            dAn: v.dAn,
          }]
          : []
      ),
    };
  });
  const ref = cells.get(options.reference)!;
  const refVariant = variants.find((v) => v.variant === options.reference)!;
  const findings = [cellFinding(ref, options.reference)];
  if (ref.collapsed === 0) {
    findings.push(
      `The configuration closest to the monograph did not collapse in ` +
        `${
          ref.seeds.length === 1 ? "its one seed" : `any of its ${ref.seeds.length} seeds`
        }. It departs from the monograph in: ` +
        `${options.departures.join("; ")}.`,
    );
    const near = options.atlas ? nearestCollapsing(options.atlas.cells) : [];
    findings.push(
      !options.atlas
        ? "No finished collapse-atlas run was found to point to the nearest settings that do " +
          "collapse (deno task experiment collapse-atlas maps them)."
        : near.length === 0
        ? `No cell of the collapse atlas (${options.atlas.preset} preset, ${options.atlas.source}) ` +
          `collapsed either.`
        : `The nearest settings that do collapse, from the collapse atlas (${options.atlas.preset} ` +
          `preset, ${options.atlas.source}; each label names its departure from the atlas ` +
          `baseline): ${
            near.slice(0, options.nearest ?? 4).map((c) =>
              `${c.label} (${c.collapsed} of ${c.seeds.length} seeds, 95% CI ${
                Math.round(c.collapseRateCi[0] * 100)
              }–${Math.round(c.collapseRateCi[1] * 100)}%)`
            ).join("; ")
          }.`,
    );
  } else {
    findings.push(
      `Collapsed runs of ${options.reference}: ` +
        refVariant.collapsedRuns.map((r) =>
          `seed ${r.seed} (${r.mechanism}` +
          (r.stepsToCollapse === null ? "" : ` from step ${r.stepsToCollapse}`) +
          `: loss/α ${f(r.lossOverMargin)}, triplet accuracy ${f(r.tripletAccuracy)}, d_ap ${
            f(r.dAp)
          }, d_an ${f(r.dAn)})`
        ).join("; ") + ".",
    );
  }
  for (const [variant, cell] of cells) {
    if (variant === options.reference) continue;
    findings.push(cellFinding(cell, variant));
    findings.push(compareFinding(ref, cell, { baseLabel: options.reference, label: variant }));
  }
  return { variants, findings };
}
