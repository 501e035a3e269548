/**
 * Type-checks the code cells of every notebook (the Deno kernel itself does not): each notebook's
 * cells are joined into a hidden `.check_<name>.ts` beside it (so relative imports resolve), checked
 * with one `deno check`, and removed.
 *
 * Usage: `deno run --allow-read --allow-write --allow-run tools/check_notebooks.ts [notebooks/]`
 * @module
 */
import { join } from "node:path";

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

if (import.meta.main) {
  const dir = Deno.args[0] ?? new URL("../notebooks/", import.meta.url).pathname;
  const r = await checkNotebooks(dir);
  if (!r.ok) console.error(r.output);
  console.log(`notebooks: ${r.notebooks.length} checked, ${r.ok ? "ok" : "type errors"}`);
  Deno.exit(r.ok ? 0 : 1);
}
