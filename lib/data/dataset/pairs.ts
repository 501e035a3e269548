/**
 * Verification pairs: reading LFW's `pairs.txt` (3-field same / 4-field different lines) and
 * `pairs.csv` (`path_a,path_b,same`), making balanced pairs from a {@link Dataset}, and writing
 * `pairs.csv`.
 *
 * @example
 * ```ts
 * import { makePairs } from "./pairs.ts";
 * const ds = {
 *   root: ".",
 *   identities: ["a", "b"],
 *   items: [
 *     { path: "a/1.png", identity: "a", label: 0 }, { path: "a/2.png", identity: "a", label: 0 },
 *     { path: "b/1.png", identity: "b", label: 1 },
 *   ],
 * };
 * const pairs = makePairs(ds, { count: 2, seed: 1 });
 * console.assert(pairs.filter((p) => p.same).length === 1);
 * ```
 * @module
 */
import { createRng } from "../../random/mod.ts";
import { type Dataset, groupByLabel } from "./dataset.ts";

/** One verification pair; paths are relative to the dataset root (as written in the file). */
export interface PairRecord {
  a: string;
  b: string;
  same: boolean;
  /** Fold index when the file defines folds (LFW View 2 `pairs.txt`: header `10 300`). */
  fold?: number;
}

/** Options of {@link readPairs}. */
export interface ReadPairsOptions {
  /** Image extension used to build paths from `pairs.txt` lines. Default ".jpg". */
  ext?: string;
}

/**
 * Reads a pairs file. `pairs.csv`: a header naming `path_a`, `path_b` and `same` (1/0 or
 * true/false), and optionally `fold` (0-based, the file's own folds), any column order. LFW
 * `pairs.txt`: an optional numeric header, then `name n1 n2` (same person) and `name1 n1 name2 n2`
 * (different) lines, tab- or space-separated, which become `name/name_000n.jpg`. A header `S N`
 * where the file has S×2N pairs sets `fold`.
 *
 * @example
 * ```ts
 * import { readPairs } from "./pairs.ts";
 * const f = await Deno.makeTempFile({ suffix: ".txt" });
 * await Deno.writeTextFile(f, "1\nAnn 1 2\nAnn 1 Bob 3\n");
 * const pairs = await readPairs(f);
 * console.assert(pairs[0].same && pairs[1].b === "Bob/Bob_0003.jpg");
 * ```
 */
export async function readPairs(
  file: string,
  options: ReadPairsOptions = {},
): Promise<PairRecord[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    throw new Error(`readPairs: cannot read '${file}': ${(e as Error).message}`);
  }
  return parsePairs(text, { ...options, source: file });
}

/**
 * Parses the text of a pairs file (see {@link readPairs}); `source` names it in errors.
 *
 * @example
 * ```ts
 * import { parsePairs } from "./pairs.ts";
 * console.assert(parsePairs("path_a,path_b,same\na.png,b.png,0\n")[0].same === false);
 * ```
 */
export function parsePairs(
  text: string,
  options: ReadPairsOptions & { source?: string } = {},
): PairRecord[] {
  const src = options.source ?? "pairs";
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).map((l) => l.trim());
  const first = lines.find((l) => l !== "") ?? "";
  return /path_a/i.test(first) ? parseCsv(lines, src) : parseLfw(lines, options.ext ?? ".jpg", src);
}

function parseCsv(lines: string[], src: string): PairRecord[] {
  let header: string[] | undefined;
  let ia = -1, ib = -1, is = -1, ifold = -1;
  const out: PairRecord[] = [];
  lines.forEach((line, n) => {
    if (line === "" || line.startsWith("#")) return;
    const cells = splitCsv(line);
    if (!header) {
      header = cells.map((c) => c.toLowerCase());
      ia = header.indexOf("path_a");
      ib = header.indexOf("path_b");
      is = header.indexOf("same");
      ifold = header.indexOf("fold"); // optional: the file's own folds (0-based)
      if (ia < 0 || ib < 0 || is < 0) {
        throw new Error(
          `readPairs: ${src}:${n + 1}: header must name path_a,path_b,same, got '${line}'`,
        );
      }
      return;
    }
    const s = (cells[is] ?? "").toLowerCase();
    if (!["1", "0", "true", "false"].includes(s) || !cells[ia] || !cells[ib]) {
      throw new Error(
        `readPairs: ${src}:${n + 1}: expected path_a,path_b,same(1|0), got '${line}'`,
      );
    }
    const pair: PairRecord = { a: cells[ia], b: cells[ib], same: s === "1" || s === "true" };
    if (ifold >= 0) {
      if (!/^\d+$/.test(cells[ifold] ?? "")) {
        throw new Error(
          `readPairs: ${src}:${n + 1}: 'fold' must be an integer ≥ 0, got '${cells[ifold] ?? ""}'`,
        );
      }
      pair.fold = Number(cells[ifold]);
    }
    out.push(pair);
  });
  return out;
}

function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(",").map((c) => c.trim());
  const cells: string[] = [];
  let cur = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") (cells.push(cur.trim()), (cur = ""));
    else cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}

function parseLfw(lines: string[], ext: string, src: string): PairRecord[] {
  const out: PairRecord[] = [];
  let header: number[] | undefined;
  const img = (name: string, n: string, line: number) => {
    if (!/^\d+$/.test(n)) {
      throw new Error(`readPairs: ${src}:${line}: image number must be an integer, got '${n}'`);
    }
    return `${name}/${name}_${n.padStart(4, "0")}${ext}`;
  };
  lines.forEach((line, i) => {
    if (line === "" || line.startsWith("#")) return;
    const f = line.split(/\s+/);
    if (out.length === 0 && !header && f.length <= 2 && f.every((x) => /^\d+$/.test(x))) {
      header = f.map(Number);
      return;
    }
    if (f.length === 3) {
      out.push({ a: img(f[0], f[1], i + 1), b: img(f[0], f[2], i + 1), same: true });
    } else if (f.length === 4) {
      out.push({ a: img(f[0], f[1], i + 1), b: img(f[2], f[3], i + 1), same: false });
    } else {throw new Error(
        `readPairs: ${src}:${i + 1}: expected 3 or 4 fields (LFW pairs.txt), got '${line}'`,
      );}
  });
  if (header?.length === 2 && header[0] > 1 && header[0] * 2 * header[1] === out.length) {
    const per = 2 * header[1];
    out.forEach((p, i) => (p.fold = Math.floor(i / per)));
  }
  return out;
}

/** Options of {@link makePairs}. */
export interface MakePairsOptions {
  /** Number of pairs; ⌈count/2⌉ same and ⌊count/2⌋ different. Default 1000. */
  count?: number;
  /** Seed. Default 0. */
  seed?: number;
}

/**
 * Draws balanced verification pairs from a dataset: same-identity pairs from identities with ≥ 2
 * images, different pairs from two distinct identities; no pair repeats (in either order) while
 * unused pairs remain. Same pairs come first, then different, like LFW files.
 *
 * @example
 * ```ts
 * import { generateSynth } from "../synth/synth.ts";
 * import { makePairs } from "./pairs.ts";
 * const dir = await Deno.makeTempDir();
 * const ds = (await generateSynth(dir, { identities: 8, perIdentity: 4, size: 32 })).dataset;
 * console.assert(makePairs(ds, { count: 20, seed: 1 }).length === 20);
 * ```
 */
export function makePairs(dataset: Dataset, options: MakePairsOptions = {}): PairRecord[] {
  const count = options.count ?? 1000;
  if (!(Number.isInteger(count) && count >= 0)) {
    throw new Error(`makePairs: 'count' must be an integer ≥ 0, got ${count}`);
  }
  const rng = createRng(options.seed ?? 0);
  const groups = groupByLabel(dataset);
  const multi = groups.filter((g) => g.length >= 2);
  const nSame = Math.ceil(count / 2), nDiff = count - nSame;
  if (nSame > 0 && multi.length === 0) {
    throw new Error(
      `makePairs: '${dataset.root}' has no identity with 2 or more images for same pairs`,
    );
  }
  const nonEmpty = groups.filter((g) => g.length > 0);
  if (nDiff > 0 && nonEmpty.length < 2) {
    throw new Error(`makePairs: '${dataset.root}' needs 2 or more identities for different pairs`);
  }
  const seen = new Set<string>();
  const out: PairRecord[] = [];
  const add = (a: string, b: string, same: boolean, force: boolean) => {
    const key = a < b ? `${a}\n${b}` : `${b}\n${a}`;
    if (seen.has(key) && !force) return false;
    seen.add(key);
    out.push({ a, b, same });
    return true;
  };
  const draw = (n: number, one: () => [string, string], same: boolean) => {
    let made = 0, tries = 0;
    while (made < n) {
      const [a, b] = one();
      if (add(a, b, same, ++tries > 50 * n + 1000)) made++;
    }
  };
  draw(nSame, () => {
    const g = multi[rng.int(multi.length)];
    const i = rng.int(g.length);
    let j = rng.int(g.length - 1);
    if (j >= i) j++;
    return [g[i].path, g[j].path];
  }, true);
  draw(nDiff, () => {
    const i = rng.int(nonEmpty.length);
    let j = rng.int(nonEmpty.length - 1);
    if (j >= i) j++;
    const gi = nonEmpty[i], gj = nonEmpty[j];
    return [gi[rng.int(gi.length)].path, gj[rng.int(gj.length)].path];
  }, false);
  return out;
}

/**
 * Formats pairs as `pairs.csv` text (`path_a,path_b,same` with 1/0).
 *
 * @example
 * ```ts
 * import { formatPairsCsv } from "./pairs.ts";
 * console.assert(formatPairsCsv([{ a: "x/1.png", b: "x/2.png", same: true }]).endsWith("x/2.png,1\n"));
 * ```
 */
export function formatPairsCsv(pairs: readonly PairRecord[]): string {
  const q = (p: string) => (/[",\n]/.test(p) ? `"${p.replace(/"/g, '""')}"` : p);
  return "path_a,path_b,same\n" +
    pairs.map((p) => `${q(p.a)},${q(p.b)},${p.same ? 1 : 0}\n`).join("");
}

/**
 * Writes `pairs.csv` (see {@link formatPairsCsv}).
 *
 * @example
 * ```ts
 * import { writePairsCsv } from "./pairs.ts";
 * const file = await Deno.makeTempFile({ suffix: ".csv" });
 * await writePairsCsv(file, [{ a: "x/1.png", b: "y/1.png", same: false }]);
 * ```
 */
export async function writePairsCsv(file: string, pairs: readonly PairRecord[]): Promise<void> {
  await Deno.writeTextFile(file, formatPairsCsv(pairs));
}
