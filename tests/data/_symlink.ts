/**
 * `ln -s target path` for the tests' dangling links: `Deno.symlink` needs unscoped read and write
 * permissions, which the `test` permission set (deno.json) does not grant; it may run programs.
 * @module
 */
export async function symlink(target: string, path: string): Promise<void> {
  const out = await new Deno.Command("ln", { args: ["-s", target, path], stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`ln -s ${target} ${path}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
}
