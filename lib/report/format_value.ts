/**
 * Text formatting shared by reports, tables and printed summaries.
 * @module
 */

/**
 * Escapes text for HTML.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./format_value.ts";
 * console.assert(escapeHtml("<a & b>") === "&lt;a &amp; b&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** What {@link formatValue} shows for a missing value (undefined). */
export const MISSING_VALUE = "—";

/**
 * Formats a summary value: integers as they are, other numbers to 5 significant digits (exponent
 * form below 1e-3 and from 1e6), strings as they are, undefined as "—" ({@link MISSING_VALUE}),
 * bigints as digits, anything else as JSON (what JSON cannot write, a function or a symbol, as
 * `String(value)`). Always a string.
 *
 * @example
 * ```ts
 * import { formatValue } from "./format_value.ts";
 * console.assert(formatValue(3.1622776e-4) === "3.1623e-4" && formatValue(0.25) === "0.25");
 * console.assert(formatValue(undefined) === "—");
 * ```
 */
export function formatValue(value: unknown): string {
  if (typeof value === "number") {
    if (Number.isInteger(value)) return String(value);
    if (!Number.isFinite(value)) return String(value);
    const a = Math.abs(value);
    return a !== 0 && (a < 1e-3 || a >= 1e6)
      ? value.toExponential(4)
      : String(Number(value.toPrecision(5)));
  }
  if (typeof value === "string") return value;
  if (value === undefined) return MISSING_VALUE;
  if (typeof value === "bigint") return String(value);
  return JSON.stringify(value) ?? String(value);
}
