/**
 * A fingerprint of the code that computes a cell: the SHA-256 of every `.ts` file under the
 * repository's `lib/` and `experiments/` (paths and contents, in sorted order). Cell cache keys
 * include it, so editing the library (a trainer fix, a new kernel) invalidates cached cells instead
 * of silently mixing results computed by two versions of the code. Computed once per process.
 * @module
 */
import { join, relative } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
let cached: Promise<string> | undefined;

async function listTs(dir: string, out: string[]): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory) await listTs(path, out);
    else if (e.isFile && e.name.endsWith(".ts")) out.push(path);
  }
}

/**
 * The fingerprint of the toolkit's code (16 hex digits), or of the `.ts` files under `dirs` of
 * `root` when given (tests).
 *
 * @example
 * ```ts
 * import { codeFingerprint } from "./code_fingerprint.ts";
 * const a = await codeFingerprint();
 * console.assert(/^[0-9a-f]{16}$/.test(a) && a === await codeFingerprint());
 * ```
 */
export function codeFingerprint(
  options: { root?: string; dirs?: string[] } = {},
): Promise<string> {
  if (options.root === undefined && options.dirs === undefined) {
    cached ??= compute(ROOT, ["lib", "experiments"]);
    return cached;
  }
  return compute(options.root ?? ROOT, options.dirs ?? ["lib", "experiments"]);
}

async function compute(root: string, dirs: string[]): Promise<string> {
  const files: string[] = [];
  for (const d of dirs) await listTs(join(root, d), files);
  files.sort();
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const f of files) {
    parts.push(enc.encode(`${relative(root, f)}\0`));
    parts.push(await Deno.readFile(f));
    parts.push(enc.encode("\0"));
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}
