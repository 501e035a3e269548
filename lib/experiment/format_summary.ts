/**
 * A summary as aligned text lines, for the CLI and notebooks.
 * @module
 */
import { formatValue } from "../report/mod.ts";

/**
 * Formats a summary as aligned "key  value" lines; small flat objects on one line, others nested.
 *
 * @example
 * ```ts
 * import { formatSummary } from "./format_summary.ts";
 * console.assert(formatSummary({ a: 1, b: { c: true } })[1] === "  b  c true");
 * ```
 */
export function formatSummary(summary: object, indent = "  "): string[] {
  const entries = Object.entries(summary);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  const lines: string[] = [];
  for (const [k, v] of entries) {
    const flat = v !== null && typeof v === "object" && !Array.isArray(v) &&
      Object.keys(v).length <= 6 &&
      Object.values(v).every((x) => x === null || typeof x !== "object");
    if (flat) {
      const parts = Object.entries(v as Record<string, unknown>).map(([a, b]) =>
        `${a} ${formatValue(b)}`
      );
      lines.push(`${indent}${k.padEnd(width)}  ${parts.join(", ")}`);
    } else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      lines.push(`${indent}${k}:`);
      lines.push(...formatSummary(v as Record<string, unknown>, indent + "  "));
    } else {
      lines.push(`${indent}${k.padEnd(width)}  ${formatValue(v)}`);
    }
  }
  return lines;
}
