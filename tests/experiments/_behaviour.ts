/**
 * Test helper: compares an experiment's summary with the values recorded before the redesign
 * (fixtures/behaviour_baseline.json, from `deno task experiment <name> --preset ci` at commit
 * ebcdfde; see that file's `source` and `notes`).
 * @module
 */
import assert from "node:assert/strict";

/** One recorded value: its path in the summary and the value. */
export type Recorded = [path: string[], value: number | string | boolean | null];

/** The fixture file. */
export interface BehaviourBaseline {
  source: string;
  tolerance: { relative: number; absolute: number };
  notes: Record<string, string>;
  /** Experiments whose values changed deliberately: name → why (not compared any more). */
  superseded: Record<string, string>;
  experiments: Record<string, Recorded[]>;
}

const FIXTURE = new URL("./fixtures/behaviour_baseline.json", import.meta.url);

/** Reads the fixture. */
export function readBaseline(): BehaviourBaseline {
  return JSON.parse(Deno.readTextFileSync(FIXTURE));
}

/** Non-finite numbers as summary.json writes them ("NaN", "Infinity"). */
const normal = (v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);

/**
 * The recorded values of `summary` that differ from `recorded` (beyond the tolerance for finite
 * numbers), as "path: recorded → now" lines; empty when every value matches.
 */
export function baselineDifferences(
  summary: unknown,
  recorded: Recorded[],
  tolerance: { relative: number; absolute: number },
): string[] {
  const out: string[] = [];
  for (const [path, want] of recorded) {
    let v: unknown = summary;
    for (const k of path) {
      v = v === null || typeof v !== "object" ? undefined : (v as Record<string, unknown>)[k];
    }
    const got = normal(v);
    const same = typeof want === "number" && typeof got === "number"
      ? Math.abs(got - want) <= tolerance.absolute + tolerance.relative * Math.abs(want)
      : got === want;
    if (!same) out.push(`${path.join(" › ")}: ${JSON.stringify(want)} → ${JSON.stringify(got)}`);
  }
  return out;
}

/** Asserts that `summary` reproduces every value recorded for experiment `name`. */
export function assertBehaviourUnchanged(name: string, summary: unknown): void {
  const baseline = readBaseline();
  assert.ok(
    !(name in baseline.superseded),
    `${name}: its recorded values were superseded (${baseline.superseded[name]})`,
  );
  const recorded = baseline.experiments[name];
  assert.ok(recorded && recorded.length > 0, `no recorded values for '${name}'`);
  const diff = baselineDifferences(summary, recorded, baseline.tolerance);
  assert.deepEqual(
    diff,
    [],
    `${name} (ci) no longer reproduces the values recorded at ebcdfde` +
      (baseline.notes[name] ? ` (note: ${baseline.notes[name]})` : "") + `:\n${diff.join("\n")}`,
  );
}
