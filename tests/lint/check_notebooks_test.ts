import assert from "node:assert/strict";
import { join } from "node:path";
import { checkNotebookFormat } from "../../tools/check_notebooks.ts";

function notebook(code: string, outputs: unknown[] = []): Record<string, unknown> {
  return {
    cells: [
      { cell_type: "markdown", metadata: {}, source: ["# Title"] },
      {
        cell_type: "code",
        execution_count: outputs.length ? 1 : null,
        metadata: {},
        outputs,
        source: code.split(/(?<=\n)/),
      },
    ],
    metadata: {
      kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
      language_info: { name: "typescript", file_extension: ".ts" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

const canonical = (nb: unknown) => JSON.stringify(nb, null, 1) + "\n";

Deno.test("checkNotebookFormat() passes a formatted notebook and names each problem of the others", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const good = join(dir, "good.ipynb");
    await Deno.writeTextFile(good, canonical(notebook("const x = [1, 2];\nconsole.log(x);")));
    const messy = join(dir, "messy.ipynb");
    await Deno.writeTextFile(messy, canonical(notebook("const x=[1,2]\nconsole.log( x )")));
    const indented = join(dir, "indented.ipynb");
    await Deno.writeTextFile(indented, JSON.stringify(notebook("const y = 1;"), null, 2));
    const run = join(dir, "run.ipynb");
    await Deno.writeTextFile(
      run,
      canonical(notebook("const z = 2;", [{ output_type: "stream", name: "stdout", text: ["2"] }])),
    );
    // Without language metadata deno fmt leaves code cells alone; the check still sees them.
    const bare = join(dir, "bare.ipynb");
    await Deno.writeTextFile(
      bare,
      canonical({ ...notebook("let  a=1"), metadata: {} }),
    );
    const broken = join(dir, "broken.ipynb");
    await Deno.writeTextFile(broken, '{"cells": [');
    const results = await checkNotebookFormat([good, messy, indented, run, bare, broken], {
      fmt: { lineWidth: 100 },
      stripped: true,
    });
    const problems = Object.fromEntries(
      results.map((r) => [r.path.split("/").pop(), r.problems.join(" | ")]),
    );
    assert.equal(problems["good.ipynb"], "");
    assert.match(problems["messy.ipynb"], /code cell\(s\) 1 not formatted/);
    assert.match(problems["messy.ipynb"], /deno fmt changes cell\(s\) 1/);
    assert.match(problems["indented.ipynb"], /not in canonical JSON form/);
    assert.match(problems["run.ipynb"], /cell 1: has 1 output\(s\)/);
    assert.match(problems["run.ipynb"], /execution_count 1/);
    assert.match(problems["broken.ipynb"], /not valid JSON/);
    assert.match(problems["bare.ipynb"], /code cell\(s\) 1 not formatted/);
    // The text deno fmt writes is itself formatted.
    const fixed = results[1].formatted!;
    await Deno.writeTextFile(messy, fixed);
    const [again] = await checkNotebookFormat([messy], { fmt: { lineWidth: 100 } });
    assert.deepEqual(again.problems, []);
    assert.match(fixed, /const x = \[1, 2\];/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
