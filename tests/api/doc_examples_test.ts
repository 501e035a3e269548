/**
 * The JSDoc examples of the root mod.ts and lib/api run and pass (`deno test --doc`); the ones
 * that need photos are marked `ignore` and covered by the tests beside this file.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

Deno.test("the JSDoc examples of mod.ts and lib/api pass under deno test --doc", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-P=test", "--doc", "mod.ts", "lib/api/"],
    cwd: ROOT.pathname,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, text.slice(-3000));
  const passed = Number(text.match(/ok \| (\d+) passed \| 0 failed/)?.[1] ?? 0);
  assert.ok(
    passed >= 10,
    `expected ≥ 10 doc examples to pass, got ${passed}:\n${text.slice(-1500)}`,
  );
});
