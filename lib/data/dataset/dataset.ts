/**
 * Datasets in the identity-per-folder layout shared by VGGFace2, CASIA-WebFace, LFW and the
 * synthetic set: `root/<identity>/<image>`. Hidden entries (`.x`) and folders or files starting
 * with `_` (e.g. `_multi_person/`) are ignored, and so are files at the root (pairs.csv, SOURCE.md).
 * A VGGFace2 root as distributed (`train_list.txt`, `test_list.txt`, `train/`, `test/`) and list
 * files are read too (see layout.ts).
 *
 * @example
 * ```ts
 * import { scanDataset } from "./dataset.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/ann`);
 * await Deno.writeFile(`${dir}/ann/1.jpg`, new Uint8Array([0xff, 0xd8]));
 * const ds = await scanDataset(dir);
 * console.assert(ds.identities[0] === "ann" && ds.items[0].path === "ann/1.jpg");
 * ```
 * @module
 */
import { IMAGE_EXTENSIONS } from "../decode/decode_image.ts";
import { detectLayout, parseListFile, type VggFace2Split } from "./layout.ts";

/** One image of a {@link Dataset}. */
export interface DatasetItem {
  /** Path relative to `Dataset.root`, with `/` separators: `<identity>/<file>`. */
  path: string;
  /** Identity (folder) name. */
  identity: string;
  /** Index of `identity` in `Dataset.identities`. */
  label: number;
}

/** A set of labelled face images. */
export interface Dataset {
  /** Folder the item paths are relative to. */
  root: string;
  /** Identity names; `label` indexes this array. Sorted for scanned sets. */
  identities: string[];
  /** Images, grouped by identity, sorted by path. */
  items: DatasetItem[];
}

/** Options of {@link scanDataset}. */
export interface ScanOptions {
  /** Keep only identities with at least this many images. Default 1. */
  minPerIdentity?: number;
  /** Keep at most this many images per identity (the first ones by name). Default unlimited. */
  maxPerIdentity?: number;
  /** Extensions counted as images (folder scans only). Default `IMAGE_EXTENSIONS` of decode_image.ts. */
  extensions?: readonly string[];
  /**
   * For a VGGFace2 root: which split to read (`<split>_list.txt`, images under `root/<split>/`).
   * Default "train" when `train_list.txt` exists, else "test". Refused for other layouts.
   */
  split?: VggFace2Split;
  /**
   * A list file of `<identity>/<image>` paths relative to `root` (VGGFace2's or CASIA-WebFace's
   * list format, see layout.ts): only the listed images are read. Default: none (scan the folders).
   */
  list?: string;
}

const ignored = (name: string) => name.startsWith(".") || name.startsWith("_");

/**
 * Lists `root/<identity>/<image>` into a {@link Dataset}. Identities and files are sorted by name
 * (code-point order) so the result does not depend on the file system (or on a list file's order).
 * At a VGGFace2 root the split's list file says which images belong (and every listed image must
 * exist); `options.list` does the same for any list file.
 *
 * @example
 * ```ts
 * import { scanDataset } from "./dataset.ts";
 * const lfw = await scanDataset("../../shared/faces/dev/lfw", { minPerIdentity: 2 }).catch(() => null);
 * if (lfw) console.log(lfw.identities.length, lfw.items.length);
 * ```
 */
export async function scanDataset(root: string, options: ScanOptions = {}): Promise<Dataset> {
  if (options.split !== undefined && options.split !== "train" && options.split !== "test") {
    throw new Error(`scanDataset: 'split' must be "train" or "test", got '${options.split}'`);
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(root);
  } catch (e) {
    throw new Error(`scanDataset: cannot read dataset root '${root}': ${(e as Error).message}`);
  }
  if (!info.isDirectory) throw new Error(`scanDataset: '${root}' is not a directory`);
  let list = options.list;
  let imagesRoot = root;
  if (list === undefined) {
    const layout = await detectLayout(root);
    if (layout.kind === "vggface2") {
      const split = options.split ?? layout.splits[0];
      if (!layout.splits.includes(split)) {
        throw new Error(
          `scanDataset: '${root}' is a VGGFace2 root without ${split}_list.txt (it has ${
            layout.splits.map((s) => `${s}_list.txt`).join(", ")
          })`,
        );
      }
      list = `${root}/${split}_list.txt`;
      imagesRoot = `${root}/${split}`;
    } else if (options.split !== undefined) {
      throw new Error(
        `scanDataset: 'split' needs a VGGFace2 root (train_list.txt or test_list.txt), and '${root}' has neither`,
      );
    }
  }
  const groups = list === undefined
    ? await groupsFromFolders(root, options.extensions ?? IMAGE_EXTENSIONS)
    : await groupsFromList(imagesRoot, list);
  const ds: Dataset = { root: imagesRoot, identities: [], items: [] };
  for (const g of groups) {
    const label = ds.identities.length;
    ds.identities.push(g.identity);
    for (const file of g.files) {
      ds.items.push({ path: `${g.identity}/${file}`, identity: g.identity, label });
    }
  }
  return filterIdentities(ds, {
    minPerIdentity: options.minPerIdentity ?? 1,
    maxPerIdentity: options.maxPerIdentity,
  });
}

interface Group {
  identity: string;
  files: string[];
}

async function groupsFromFolders(root: string, extensions: readonly string[]): Promise<Group[]> {
  const exts = new Set(extensions.map((e) => e.toLowerCase()));
  const folders: string[] = [];
  for await (const e of Deno.readDir(root)) {
    if (!ignored(e.name) && (e.isDirectory || e.isSymlink)) folders.push(e.name);
  }
  folders.sort(byCodePoint);
  const groups: Group[] = [];
  for (const identity of folders) {
    const files: string[] = [];
    try {
      for await (const e of Deno.readDir(`${root}/${identity}`)) {
        if (ignored(e.name) || e.isDirectory) continue;
        const dot = e.name.lastIndexOf(".");
        if (dot > 0 && exts.has(e.name.slice(dot).toLowerCase())) files.push(e.name);
      }
    } catch (err) {
      if (err instanceof Deno.errors.NotADirectory) continue; // a symlink to a file
      throw err;
    }
    files.sort(byCodePoint);
    groups.push({ identity, files });
  }
  return groups;
}

/** The listed images, grouped and sorted; each identity folder is read once to check they exist. */
async function groupsFromList(imagesRoot: string, list: string): Promise<Group[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(list);
  } catch (e) {
    throw new Error(`scanDataset: cannot read list file '${list}': ${(e as Error).message}`);
  }
  const entries = parseListFile(text, list);
  const byIdentity = new Map<string, typeof entries>();
  for (const e of entries) {
    const g = byIdentity.get(e.identity);
    if (g) g.push(e);
    else byIdentity.set(e.identity, [e]);
  }
  const groups: Group[] = [];
  for (const identity of [...byIdentity.keys()].sort(byCodePoint)) {
    const present = new Set<string>();
    try {
      for await (const d of Deno.readDir(`${imagesRoot}/${identity}`)) present.add(d.name);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory)) throw e;
    }
    const listed = byIdentity.get(identity)!;
    for (const e of listed) {
      if (!present.has(e.file)) {
        throw new Error(
          `scanDataset: ${list}:${e.line}: '${identity}/${e.file}' is not in '${imagesRoot}'`,
        );
      }
    }
    groups.push({ identity, files: listed.map((e) => e.file).sort(byCodePoint) });
  }
  return groups;
}

/** Options of {@link filterIdentities}. */
export interface FilterOptions {
  /** Drop identities with fewer images. Default 1. */
  minPerIdentity?: number;
  /** Keep at most this many images of each identity (the first ones). Default unlimited. */
  maxPerIdentity?: number;
  /** Keep only these identities (by name). Default all. */
  identities?: Iterable<string>;
}

/**
 * A new {@link Dataset} with identities filtered by image count (and optionally by name); labels are
 * renumbered 0..n-1 in the kept identities' order.
 *
 * @example
 * ```ts
 * import { filterIdentities } from "./dataset.ts";
 * const ds = {
 *   root: ".",
 *   identities: ["a", "b"],
 *   items: [{ path: "a/1", identity: "a", label: 0 }, { path: "b/1", identity: "b", label: 1 },
 *     { path: "b/2", identity: "b", label: 1 }],
 * };
 * console.assert(filterIdentities(ds, { minPerIdentity: 2 }).identities.join() === "b");
 * ```
 */
export function filterIdentities(dataset: Dataset, options: FilterOptions = {}): Dataset {
  const min = options.minPerIdentity ?? 1;
  const max = options.maxPerIdentity ?? Infinity;
  if (!(min >= 0)) throw new Error(`filterIdentities: 'minPerIdentity' must be ≥ 0, got ${min}`);
  if (!(max >= 1)) throw new Error(`filterIdentities: 'maxPerIdentity' must be ≥ 1, got ${max}`);
  const only = options.identities ? new Set(options.identities) : undefined;
  const groups = groupByLabel(dataset);
  const out: Dataset = { root: dataset.root, identities: [], items: [] };
  dataset.identities.forEach((identity, old) => {
    const items = groups[old];
    if (items.length < min || items.length === 0 || (only && !only.has(identity))) return;
    const label = out.identities.length;
    out.identities.push(identity);
    for (const it of items.slice(0, max)) out.items.push({ path: it.path, identity, label });
  });
  return out;
}

/**
 * The items of each label: `groupByLabel(ds)[label]` lists that identity's images in dataset order.
 *
 * @example
 * ```ts
 * import { groupByLabel } from "./dataset.ts";
 * const g = groupByLabel({ root: ".", identities: ["a"], items: [{ path: "a/1", identity: "a", label: 0 }] });
 * console.assert(g[0].length === 1);
 * ```
 */
export function groupByLabel(dataset: Dataset): DatasetItem[][] {
  const groups: DatasetItem[][] = dataset.identities.map(() => []);
  for (const it of dataset.items) {
    const g = groups[it.label];
    if (!g) {
      throw new Error(
        `groupByLabel: item '${it.path}' has label ${it.label}, outside 0..${
          dataset.identities.length - 1
        }`,
      );
    }
    g.push(it);
  }
  return groups;
}

/**
 * Joins a dataset item path to its root (no normalisation beyond one `/`).
 *
 * @example
 * ```ts
 * import { itemPath } from "./dataset.ts";
 * console.assert(itemPath({ root: "data/lfw" }, "Ann/Ann_0001.jpg") === "data/lfw/Ann/Ann_0001.jpg");
 * ```
 */
export function itemPath(dataset: Pick<Dataset, "root">, path: string): string {
  if (path.startsWith("/") || dataset.root === "") return path;
  return dataset.root.endsWith("/") ? dataset.root + path : `${dataset.root}/${path}`;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
