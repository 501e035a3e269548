/**
 * Finds the images under an input root and names their outputs in the mirror tree.
 * @module
 */
import { IMAGE_EXTENSIONS } from "../decode/decode_image.ts";

/** One image to preprocess: its path and its output path, both relative and "/"-separated. */
export interface PreprocessJob {
  path: string;
  output: string;
}

/** Options of {@link scanImages}. */
export interface ScanImagesOptions {
  /** Absolute or root-relative folders not to descend into (e.g. an output folder inside the input). */
  exclude?: string[];
}

function extOf(name: string): string {
  const i = name.lastIndexOf(".");
  return i > 0 ? name.slice(i).toLowerCase() : "";
}

/**
 * Lists image files (by extension, case-insensitive) under `root`, sorted by path. Names starting
 * with "." or "_" are skipped (files and folders), as in dataset scanning. Links are followed;
 * a dangling link with an image extension is listed (it becomes an "unreadable" entry). Each job's
 * output is its path with the extension replaced by ".jpg"; where two sources would collide
 * (`a.png` and `a.jpg`), each colliding one keeps its extension (`a.png.jpg`).
 *
 * @example
 * ```ts
 * import { scanImages } from "./scan_images.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/x`);
 * await Deno.writeFile(`${dir}/x/1.PNG`, new Uint8Array(1));
 * console.assert((await scanImages(dir))[0].output === "x/1.jpg");
 * ```
 */
export async function scanImages(
  root: string,
  options: ScanImagesOptions = {},
): Promise<PreprocessJob[]> {
  const rootAbs = await Deno.realPath(root).catch((e) => {
    throw new Error(`scanImages: cannot read input folder '${root}': ${(e as Error).message}`);
  });
  const exclude = new Set<string>();
  for (const e of options.exclude ?? []) {
    try {
      exclude.add(await Deno.realPath(e));
    } catch { /* not there yet: nothing to exclude */ }
  }
  const paths: string[] = [];
  const walk = async (abs: string, rel: string) => {
    const entries: Deno.DirEntry[] = [];
    for await (const d of Deno.readDir(abs)) entries.push(d);
    for (const d of entries) {
      if (d.name.startsWith(".") || d.name.startsWith("_")) continue;
      const childAbs = `${abs}/${d.name}`, childRel = rel ? `${rel}/${d.name}` : d.name;
      let isDir = d.isDirectory, isFile = d.isFile;
      if (d.isSymlink) {
        try {
          const s = await Deno.stat(childAbs);
          isDir = s.isDirectory;
          isFile = !isDir;
        } catch {
          isFile = true; // dangling: listed if it looks like an image, recorded as unreadable
        }
      }
      if (isDir) {
        if (!exclude.has(await Deno.realPath(childAbs))) await walk(childAbs, childRel);
      } else if (isFile && IMAGE_EXTENSIONS.includes(extOf(d.name))) {
        paths.push(childRel);
      }
    }
  };
  await walk(rootAbs, "");
  paths.sort();
  const stem = (p: string) => {
    const e = extOf(p);
    return e ? p.slice(0, -e.length) : p;
  };
  const count = new Map<string, number>();
  for (const p of paths) count.set(stem(p), (count.get(stem(p)) ?? 0) + 1);
  return paths.map((p) => ({
    path: p,
    output: count.get(stem(p))! > 1 ? `${p}.jpg` : `${stem(p)}.jpg`,
  }));
}
