/**
 * The package publishes: `deno publish --dry-run` finds no slow types (every exported function has
 * an explicit return type, every exported constant an explicit type) and no other publish error.
 * Type errors are `deno task check`'s job, so this runs with --no-check. JSR is not contacted.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

Deno.test("deno publish --dry-run passes (no slow types in the public API)", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty", "--no-check"],
    cwd: ROOT.pathname,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const lines = text.split("\n");
  // Each error's first line and its location line ("--> file:line:col").
  const errors = lines.flatMap((l, i) =>
    l.startsWith("error") ? [l, ...lines.slice(i + 1, i + 2).filter((n) => n.includes("-->"))] : []
  ).join("\n");
  assert.ok(out.success, `deno publish --dry-run failed:\n${errors || text.slice(-3000)}`);
  assert.match(text, /Simulating publish of @facenet-lab\/facenet-lab@0\.\d+\.\d+/);
  assert.match(text, /file:\/\/\S+\/mod\.ts/, "the root mod.ts is in the package");
});
