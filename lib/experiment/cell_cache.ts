/**
 * The cache of a sweep's cells: one JSON file per finished cell under
 * `<outDir>/<experiment>/cells/<key>.json`, keyed by a hash of the experiment's name, its version
 * and the cell's resolved config, so a re-run (or a run killed half-way and started again with the
 * same out dir) finds the finished cells and runs only the rest. Files are written to a temporary
 * name and renamed, so a kill never leaves a half-written cell. Non-finite numbers survive
 * (`{"$number": "NaN"}`), so a cached result reads back exactly as a fresh one.
 * @module
 */

/** One cached cell. */
export interface CachedCell {
  experiment: string;
  version: number;
  cell: string;
  key: string;
  config: unknown;
  result: unknown;
  /** Records the cell logged to metrics.jsonl (replayed when the cell is read from the cache). */
  records: Record<string, unknown>[];
  seconds: number;
  finished: string;
  /** The backend that computed it (absent in cells written before this field existed). */
  backend?: string;
  /** The fingerprint of lib/ and experiments/ when it was computed (see codeFingerprint). */
  code?: string;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * The cache key of a cell: a readable prefix from its name and 16 hex digits of the SHA-256 of
 * the experiment's name, version and the cell's config (keys sorted, so their order is irrelevant).
 *
 * @example
 * ```ts
 * import { cellKey } from "./cell_cache.ts";
 * const a = await cellKey("demo", 1, "lr 0.1", { seed: 1, lr: 0.1 });
 * const b = await cellKey("demo", 1, "lr 0.1", { lr: 0.1, seed: 1 });
 * console.assert(a === b && a.startsWith("lr_0.1-"));
 * ```
 */
export async function cellKey(
  experiment: string,
  version: number,
  cell: string,
  config: unknown,
): Promise<string> {
  const text = JSON.stringify(canonical({ experiment, version, config }));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hex = Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0"))
    .join("");
  const slug = cell.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 48);
  return `${slug || "cell"}-${hex}`;
}

/**
 * JSON that keeps non-finite numbers (as `{"$number": "NaN"}`) and turns typed arrays into arrays.
 *
 * @example
 * ```ts
 * import { decodeJson, encodeJson } from "./cell_cache.ts";
 * const back = decodeJson(encodeJson({ a: NaN, b: [Infinity, 1] })) as { a: number; b: number[] };
 * console.assert(Number.isNaN(back.a) && back.b[0] === Infinity);
 * ```
 */
export function encodeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      return Array.from(v as unknown as ArrayLike<number>);
    }
    return v;
  }, indent);
}

/** Reads what {@link encodeJson} wrote. */
export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_k, v) => {
    if (
      v !== null && typeof v === "object" && !Array.isArray(v) && typeof v.$number === "string" &&
      Object.keys(v).length === 1
    ) {
      return Number(v.$number);
    }
    return v;
  });
}

/**
 * Reads a cached cell, or undefined when there is none (or its file is unreadable or records
 * another key).
 *
 * @example
 * ```ts
 * import { readCell } from "./cell_cache.ts";
 * console.assert((await readCell(await Deno.makeTempDir(), "x-00")) === undefined);
 * ```
 */
export async function readCell(dir: string, key: string): Promise<CachedCell | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/${key}.json`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  try {
    const cell = decodeJson(text) as CachedCell;
    return cell.key === key ? cell : undefined;
  } catch {
    return undefined; // a damaged file counts as missing: the cell runs again
  }
}

/**
 * Writes a cell atomically (temporary file, then rename) and returns it as read back, so a fresh
 * result is exactly what a later cached read gives.
 *
 * @example
 * ```ts
 * import { readCell, writeCell } from "./cell_cache.ts";
 * const dir = await Deno.makeTempDir();
 * const cell = { experiment: "demo", version: 1, cell: "a", key: "a-01", config: {}, result: { x: NaN },
 *   records: [], seconds: 0, finished: "" };
 * await writeCell(dir, cell);
 * console.assert(Number.isNaN(((await readCell(dir, "a-01"))!.result as { x: number }).x));
 * ```
 */
export async function writeCell(dir: string, cell: CachedCell): Promise<CachedCell> {
  await Deno.mkdir(dir, { recursive: true });
  const text = encodeJson(cell, 1) + "\n";
  const tmp = `${dir}/.${cell.key}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, `${dir}/${cell.key}.json`);
  return decodeJson(text) as CachedCell;
}
