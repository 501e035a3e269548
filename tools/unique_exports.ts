/**
 * Finds names that two modules export as different declarations (two `evaluatePairs`, two `pca`):
 * one concept, one copy. Re-exports of the same declaration (`export *`, `export { x } from`) are
 * fine. Reads the modules' exports with `deno doc --json` (no type check), so what counts as an
 * export is what Deno itself sees.
 *
 * Usage: `deno run --allow-read --allow-run tools/unique_exports.ts [DIR …]` (default `lib/`);
 * prints each duplicated name with its declaring files and exits 1 when there is one.
 * @module
 */
import { join, relative } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;

/** A name exported as more than one declaration. */
export interface DuplicateExport {
  name: string;
  /** The files that declare it (sorted, relative to the project root when inside it). */
  files: string[];
}

interface DocLocation {
  filename: string;
}

interface DocDeclaration {
  location: DocLocation;
  declarationKind?: string;
  kind?: string;
  def?: { target?: DocLocation };
}

interface DocJson {
  version?: number;
  nodes: Record<string, { symbols?: { name: string; declarations: DocDeclaration[] }[] }>;
}

/** Every `.ts` file below `dir` (skipping folders that start with `.` or `_`), sorted. */
export async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...await tsFiles(p));
    else if (e.isFile && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out.sort();
}

/**
 * The names exported by `files` as declarations in more than one file.
 *
 * @example
 * ```ts ignore
 * import { duplicateExports, tsFiles } from "./unique_exports.ts";
 * console.log(await duplicateExports(await tsFiles("lib")));
 * ```
 */
export async function duplicateExports(files: readonly string[]): Promise<DuplicateExport[]> {
  if (files.length === 0) return [];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", ...files],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`duplicateExports: deno doc failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const doc = JSON.parse(text) as DocJson;
  if (!doc.nodes || typeof doc.nodes !== "object") {
    throw new Error(
      `duplicateExports: unexpected 'deno doc --json' output (version ${doc.version}); no 'nodes'`,
    );
  }
  const where = new Map<string, Set<string>>();
  for (const node of Object.values(doc.nodes)) {
    for (const symbol of node.symbols ?? []) {
      for (const d of symbol.declarations) {
        if (d.declarationKind !== "export") continue;
        // A re-export names its target; a declaration is its own location.
        const file = d.kind === "reference" && d.def?.target
          ? d.def.target.filename
          : d.location.filename;
        if (!where.has(symbol.name)) where.set(symbol.name, new Set());
        where.get(symbol.name)!.add(file);
      }
    }
  }
  const show = (url: string) => {
    const path = url.startsWith("file://") ? new URL(url).pathname : url;
    return path.startsWith(ROOT) ? relative(ROOT, path) : path;
  };
  return [...where].filter(([, fs]) => fs.size > 1)
    .map(([name, fs]) => ({ name, files: [...fs].map(show).sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

if (import.meta.main) {
  const dirs = Deno.args.length ? Deno.args : [join(ROOT, "lib")];
  const files = (await Promise.all(dirs.map(tsFiles))).flat();
  const dups = await duplicateExports(files);
  for (const d of dups) console.log(`${d.name}: ${d.files.join(", ")}`);
  console.log(`${files.length} modules, ${dups.length} name(s) exported by more than one`);
  Deno.exit(dups.length ? 1 : 0);
}
