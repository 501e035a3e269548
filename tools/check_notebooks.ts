/**
 * Checks the notebooks: their code cells type-check, and every `.ipynb` in the project is in the
 * form `deno fmt` writes.
 *
 * Why a tool of its own for the format: `deno fmt --check` (Deno 2.9.6) reports every notebook as
 * "not formatted" with an empty diff although `deno fmt` changes nothing, so deno.json's `fmt`
 * excludes `**\/*.ipynb` and `deno task check` runs this instead. A notebook passes when
 * - it is valid JSON in the canonical form (`JSON.stringify(nb, null, 1)` plus a newline: what
 *   both `deno fmt` and nbformat write),
 * - `deno fmt`, run on a copy with the project's fmt options, leaves it byte for byte unchanged
 *   (code cells formatted as TypeScript, markdown cells as Markdown),
 * - and, for the notebooks in `notebooks/`, its outputs are stripped (no outputs, execution counts
 *   null).
 *
 * Type checking: each notebook's code cells are joined into a hidden `.check_<name>.ts` beside it
 * (so relative imports resolve), checked with one `deno check`, and removed.
 *
 * Usage: `deno run --allow-read --allow-write --allow-run --allow-env tools/check_notebooks.ts
 * [--fix]` — `--fix` rewrites the notebooks that `deno fmt` would change (outputs are not touched).
 * @module
 */
import { join, relative } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;
const SKIP = new Set(["node_modules", "data", "runs", ".git", ".test-out"]);

/** Result of {@link checkNotebooks}. */
export interface NotebookCheck {
  ok: boolean;
  notebooks: string[];
  /** deno check's output (errors name the .check_*.ts file and line). */
  output: string;
}

/**
 * Type-checks the notebooks in `dir`.
 *
 * @example
 * ```ts ignore
 * import { checkNotebooks } from "./check_notebooks.ts";
 * const r = await checkNotebooks("notebooks");
 * console.log(r.ok, r.notebooks.length);
 * ```
 */
export async function checkNotebooks(dir: string): Promise<NotebookCheck> {
  const notebooks = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name).sort();
  const files: string[] = [];
  try {
    for (const name of notebooks) {
      const nb = JSON.parse(await Deno.readTextFile(join(dir, name)));
      const code = (nb.cells as { cell_type: string; source: string | string[] }[])
        .filter((c) => c.cell_type === "code")
        .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
        .join("\n\n");
      const path = join(dir, `.check_${name.replace(/\.ipynb$/, "")}.ts`);
      await Deno.writeTextFile(
        path,
        `// Code cells of ${name}, for type checking.\n${code}\nexport {};\n`,
      );
      files.push(path);
    }
    if (files.length === 0) return { ok: true, notebooks, output: "" };
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", ...files],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { ok: out.success, notebooks, output: decode(out.stdout) + decode(out.stderr) };
  } finally {
    for (const f of files) await Deno.remove(f).catch(() => {});
  }
}

/** Options of {@link checkNotebookFormat}. */
export interface NotebookFormatOptions {
  /** `deno fmt` options (deno.json's `fmt` object); default: the project's, without include/exclude. */
  fmt?: Record<string, unknown>;
  /** Also require stripped outputs. Default false. */
  stripped?: boolean;
}

/** One notebook's format problems (empty `problems`: the notebook is formatted). */
export interface NotebookFormat {
  path: string;
  problems: string[];
  /** The text `deno fmt` writes (undefined when the file is not valid JSON). */
  formatted?: string;
}

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}

/** The project's `fmt` options from deno.json, without include/exclude. */
export async function projectFmtOptions(): Promise<Record<string, unknown>> {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const { include: _i, exclude: _e, ...fmt } = (config.fmt ?? {}) as Record<string, unknown>;
  return fmt;
}

/**
 * Checks that each notebook is valid, canonical JSON that `deno fmt` leaves unchanged (and, with
 * `stripped`, has no outputs). Runs one `deno fmt` over copies in a temporary folder.
 *
 * @example
 * ```ts ignore
 * import { checkNotebookFormat } from "./check_notebooks.ts";
 * const [r] = await checkNotebookFormat(["notebooks/00_quick_start.ipynb"], { stripped: true });
 * console.log(r.problems);
 * ```
 */
export async function checkNotebookFormat(
  paths: readonly string[],
  options: NotebookFormatOptions = {},
): Promise<NotebookFormat[]> {
  const fmt = options.fmt ?? await projectFmtOptions();
  const tmp = await Deno.makeTempDir({ prefix: "check_notebooks_" });
  try {
    await Deno.writeTextFile(join(tmp, "deno.json"), JSON.stringify({ fmt }) + "\n");
    const results: NotebookFormat[] = [];
    const copies: { result: NotebookFormat; copy: string; text: string; cells: CellCopy[] }[] = [];
    for (const [i, path] of paths.entries()) {
      const result: NotebookFormat = { path, problems: [] };
      results.push(result);
      const text = await Deno.readTextFile(path);
      let nb: { cells?: Cell[] };
      try {
        nb = JSON.parse(text);
      } catch (e) {
        result.problems.push(`not valid JSON: ${(e as Error).message}`);
        continue;
      }
      if (!Array.isArray(nb.cells)) {
        result.problems.push("no 'cells' array: not a notebook");
        continue;
      }
      if (JSON.stringify(nb, null, 1) + "\n" !== text) {
        result.problems.push(
          "not in canonical JSON form (1-space indent, trailing newline, as deno fmt and nbformat write)",
        );
      }
      if (options.stripped) {
        nb.cells.forEach((c, n) => {
          if (c.cell_type !== "code") return;
          if ((c.outputs?.length ?? 0) > 0) {
            result.problems.push(`cell ${n}: has ${c.outputs!.length} output(s); strip outputs`);
          }
          if (c.execution_count !== null && c.execution_count !== undefined) {
            result.problems.push(`cell ${n}: execution_count ${c.execution_count}; must be null`);
          }
        });
      }
      const copy = join(tmp, `${i}.ipynb`);
      await Deno.writeTextFile(copy, text);
      // Code cells also on their own, as TypeScript files: deno fmt formats a notebook's code cells
      // only when its metadata names the language, and this check must not depend on that.
      const cells: CellCopy[] = [];
      for (const [n, c] of nb.cells.entries()) {
        if (c.cell_type !== "code") continue;
        const file = join(tmp, `${i}_cell${n}.ts`);
        await Deno.writeTextFile(file, cellText(c) + "\n");
        cells.push({ index: n, file, source: cellText(c) });
      }
      copies.push({ result, copy, text, cells });
    }
    if (copies.length > 0) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "fmt",
          "--config",
          join(tmp, "deno.json"),
          ...copies.flatMap((c) => [c.copy, ...c.cells.map((cell) => cell.file)]),
        ],
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      if (!out.success) {
        throw new Error(
          `checkNotebookFormat: deno fmt failed: ${new TextDecoder().decode(out.stderr)}`,
        );
      }
      for (const { result, copy, text, cells } of copies) {
        const code: number[] = [];
        for (const cell of cells) {
          const formatted = (await Deno.readTextFile(cell.file)).replace(/\n$/, "");
          if (formatted !== cell.source) code.push(cell.index);
        }
        if (code.length > 0) {
          result.problems.push(
            `code cell(s) ${code.join(", ")} not formatted as deno fmt formats TypeScript`,
          );
        }
        const formatted = await Deno.readTextFile(copy);
        result.formatted = formatted;
        if (formatted === text) continue;
        const before = (JSON.parse(text).cells as Cell[]).map(cellText);
        const after = (JSON.parse(formatted).cells as Cell[]).map(cellText);
        const changed = before.flatMap((s, n) => (s !== after[n] ? [n] : []));
        result.problems.push(
          changed.length > 0
            ? `deno fmt changes cell(s) ${changed.join(", ")} (run tools/check_notebooks.ts --fix)`
            : "deno fmt changes the file (run tools/check_notebooks.ts --fix)",
        );
      }
    }
    return results;
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

interface CellCopy {
  index: number;
  file: string;
  source: string;
}

function cellText(c: Cell): string {
  return Array.isArray(c.source) ? c.source.join("") : c.source;
}

/** Every `.ipynb` below `dir` (skipping node_modules, data, runs, .git, .test-out), sorted. */
export async function findNotebooks(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory && !SKIP.has(e.name)) out.push(...await findNotebooks(p));
    else if (e.isFile && e.name.endsWith(".ipynb")) out.push(p);
  }
  return out.sort();
}

if (import.meta.main) {
  const fix = Deno.args.includes("--fix");
  const dir = Deno.args.find((a) => !a.startsWith("--")) ?? join(ROOT, "notebooks");
  const all = await findNotebooks(ROOT);
  const published = join(ROOT, "notebooks") + "/";
  const results = [
    ...await checkNotebookFormat(all.filter((p) => p.startsWith(published)), { stripped: true }),
    ...await checkNotebookFormat(all.filter((p) => !p.startsWith(published))),
  ];
  let bad = 0;
  for (const r of results) {
    if (r.problems.length === 0) continue;
    if (fix && r.formatted !== undefined) {
      await Deno.writeTextFile(r.path, r.formatted);
      console.error(`${relative(ROOT, r.path)}: rewritten by deno fmt`);
      // Re-check: what deno fmt cannot fix (outputs) still fails.
      const [again] = await checkNotebookFormat([r.path], {
        stripped: r.path.startsWith(published),
      });
      if (again.problems.length === 0) continue;
      r.problems = again.problems;
    }
    bad++;
    for (const p of r.problems) console.error(`${relative(ROOT, r.path)}: ${p}`);
  }
  console.log(`notebook format: ${results.length} checked, ${bad} with problems`);
  const r = await checkNotebooks(dir);
  if (!r.ok) console.error(r.output);
  console.log(`notebooks: ${r.notebooks.length} type-checked, ${r.ok ? "ok" : "type errors"}`);
  Deno.exit(r.ok && bad === 0 ? 0 : 1);
}
