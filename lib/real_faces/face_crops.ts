/**
 * Face crops of a folder of photos, made once with lib/data's preprocessing (detect, align, crop,
 * resize; cached and resumable) into the same cache `deno task eval` uses for photos
 * (`data/cache/eval/<folder>-<hash of its real path>-<size>`), so an experiment and the CLI
 * evaluate the same crops. `paths` restricts the work to some photos (a ci subset): only those
 * are cropped, into the same cache folder (no links or copies of the photos).
 *
 * @example
 * ```ts
 * import { faceCropCacheDir } from "./face_crops.ts";
 * console.assert(faceCropCacheDir("/photos/lfw", 150, "/repo/data/cache/eval").endsWith("-150"));
 * ```
 * @module
 */
import { fnv1aHex } from "../fs/mod.ts";
import type { BackendPreference } from "../backend/mod.ts";
import type { Progress } from "../cli/mod.ts";
import { preprocessDataset, readManifest } from "../data/mod.ts";

/** Options of {@link faceCrops}. */
export interface FaceCropsOptions {
  /** Crop side in pixels. */
  size: number;
  /** Only these photos (paths relative to the folder). Default: every photo. */
  paths?: readonly string[];
  /** Cache root. Default: the repository's `data/cache/eval` (the eval CLI's). */
  cacheRoot?: string;
  /** Preprocessing workers. Default: preprocessDataset's (one per core). */
  workers?: number;
  /** tfjs backend of the workers. Default "auto". */
  backend?: BackendPreference;
  signal?: AbortSignal;
  /** A progress factory given (total, already done). */
  progress?: (total: number, done: number) => Progress;
}

/** What {@link faceCrops} made (or found cached). */
export interface FaceCrops {
  /** Folder of the crops (pair and dataset paths are relative to it). */
  dir: string;
  /** Crop path of each photo path that has one. */
  outputs: Map<string, string>;
  /** Photos with a detected face, without one (centre crop written), and unreadable. */
  ok: number;
  noFace: number;
  errors: number;
  /** Photos processed by this call (0 when everything was cached). */
  processed: number;
  seconds: number;
}

const REPO_CACHE = new URL("../../data/cache/eval", import.meta.url).pathname;

/**
 * The cache folder of a photo folder's crops at `size` (as `deno task eval` names it).
 *
 * @param realDir the photo folder's real path
 * @param size crop side
 * @param cacheRoot the cache root
 *
 * @example
 * ```ts
 * import { faceCropCacheDir } from "./face_crops.ts";
 * console.log(faceCropCacheDir("/work/shared/faces/dev/lfw-deepfunneled", 150, "data/cache/eval"));
 * ```
 */
export function faceCropCacheDir(realDir: string, size: number, cacheRoot: string): string {
  const base = realDir.split("/").filter(Boolean).pop() ?? "data";
  return `${cacheRoot.replace(/\/+$/, "")}/${base}-${fnv1aHex(realDir)}-${size}`;
}

/**
 * Crops every photo of `dataDir` (or `paths` of it) at `size`, reusing the cache.
 *
 * @param dataDir folder of photos (identity folders)
 * @param options size, paths, cacheRoot, workers, backend, signal, progress
 *
 * @example
 * ```ts
 * import { faceCrops } from "./face_crops.ts";
 * const empty = await Deno.makeTempDir();
 * const r = await faceCrops(empty, { size: 96, cacheRoot: await Deno.makeTempDir(), workers: 0 });
 * console.assert(r.outputs.size === 0);
 * ```
 */
export async function faceCrops(dataDir: string, options: FaceCropsOptions): Promise<FaceCrops> {
  const t0 = performance.now();
  if (!Number.isInteger(options.size) || options.size < 8) {
    throw new Error(`faceCrops: 'size' must be an integer ≥ 8, got ${options.size}`);
  }
  const real = await Deno.realPath(dataDir).catch((e) => {
    throw new Error(`faceCrops: cannot read photo folder '${dataDir}': ${(e as Error).message}`);
  });
  const cacheRoot = (options.cacheRoot ?? REPO_CACHE).replace(/\/+$/, "");
  await Deno.mkdir(cacheRoot, { recursive: true });
  // A subset is cropped into the same cache folder as the whole photo folder (the one `deno task
  // eval` uses), by preprocessDataset's `paths`: no links or copies of the photos.
  for (const p of options.paths ?? []) {
    if (p.startsWith("/") || p.split("/").includes("..")) {
      throw new Error(`faceCrops: path '${p}' must be relative to ${real} without '..'`);
    }
  }
  const inDir = real;
  const outDir = faceCropCacheDir(real, options.size, cacheRoot);
  const r = await preprocessDataset(inDir, outDir, {
    size: options.size,
    paths: options.paths,
    onNoFace: "center",
    workers: options.workers,
    backend: options.backend ?? "auto",
    signal: options.signal,
    progress: options.progress,
  });
  if (r.aborted) throw new Error(`faceCrops: preprocessing of ${dataDir} was interrupted`);
  const outputs = new Map<string, string>();
  let ok = 0, noFace = 0, errors = 0;
  for (const e of await readManifest(r.manifest)) {
    if (e.output) outputs.set(e.path, e.output);
    if (e.status === "ok") ok++;
    else if (e.status === "no-face") noFace++;
    else errors++;
  }
  return {
    dir: outDir,
    outputs,
    ok,
    noFace,
    errors,
    processed: r.processed,
    seconds: (performance.now() - t0) / 1000,
  };
}
