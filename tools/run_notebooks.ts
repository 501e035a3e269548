/**
 * Executes notebooks on the Deno kernel with tools/run_notebook.py (which keeps listening after the
 * kernel reports idle), under a preset, writing executed copies to `.test-out/notebooks/`.
 *
 * Usage: `deno task notebooks [--preset ci|small|paper] [NAME.ipynb …]` (default: every notebook, ci)
 * @module
 */
import { parseArgs } from "@std/cli";
import { join } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;
const flags = parseArgs(Deno.args, {
  string: ["preset", "timeout"],
  default: { preset: "ci", timeout: "600" },
});
const dir = join(ROOT, "notebooks");
const names = flags._.length > 0
  ? flags._.map(String)
  : [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".ipynb")).map((e) => e.name).sort();
const out = join(ROOT, ".test-out", "notebooks");
let failed = 0;
for (const name of names) {
  const r = await new Deno.Command("/usr/bin/python3", {
    args: [
      join(ROOT, "tools", "run_notebook.py"),
      join(dir, name.split("/").pop()!),
      "--out",
      join(out, name.split("/").pop()!),
      "--env",
      `FACENET_PRESET=${flags.preset}`,
      "--timeout",
      String(flags.timeout),
      "--json",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const line = new TextDecoder().decode(r.stdout).trim().split("\n").pop() ?? "";
  console.log(
    `${name}: ${r.success ? "ok" : "FAILED"} ${line ? `(${JSON.parse(line).seconds} s)` : ""}`,
  );
  if (!r.success) failed++;
}
console.log(`executed notebooks in ${out}; ${failed} failed`);
Deno.exit(failed ? 1 : 0);
