/**
 * Whether a path exists, without throwing.
 *
 * @example
 * ```ts
 * import { exists } from "./exists.ts";
 * console.assert(await exists(Deno.cwd()));
 * console.assert(!(await exists(`${Deno.cwd()}/no/such/path`)));
 * ```
 * @module
 */

/**
 * True when `path` exists (file, folder or anything else `Deno.stat` sees); false when it does not.
 * Other errors (e.g. no read permission) are thrown, so a missing permission is never mistaken for
 * a missing file.
 *
 * @param path the path
 *
 * @example
 * ```ts
 * import { exists } from "./exists.ts";
 * const dir = await Deno.makeTempDir();
 * console.assert(await exists(dir) && !(await exists(`${dir}/missing.json`)));
 * ```
 */
export async function exists(path: string | URL): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return false;
    throw e;
  }
}
