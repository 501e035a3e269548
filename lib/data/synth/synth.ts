/**
 * The embedded default dataset: synthetic identities rendered with sharp from SVG (see
 * `synth_face.ts` for the face model). {@link generateSynth} writes the identity-per-folder layout of
 * a real set, `outDir/id_00000/0000.png`, plus `pairs.csv` (balanced verification pairs) and
 * `synth.json` (the options, written first with `complete: false` and rewritten with `complete: true`
 * at the end; a rerun into a folder made with other options is refused rather than mixed).
 *
 * Determinism: identity `i` is drawn from `mixSeed(seed, i)` and its image `j` from
 * `mixSeed(seed, i, j)`, so the same options give byte-identical files whatever the concurrency,
 * order or interruptions. Files are written atomically (a hidden temp file, then rename); a rerun
 * skips the files that exist (resume).
 *
 * @example
 * ```ts
 * import { generateSynth } from "./synth.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await generateSynth(dir, { identities: 3, perIdentity: 2, size: 64, seed: 1 });
 * console.assert(r.written === 6);
 * ```
 * @module
 */
import { loadSharp } from "../decode/load_sharp.ts";
import { Buffer } from "node:buffer";
import { createRng, mixSeed } from "../../random/mod.ts";
import type { Progress } from "../../cli/mod.ts";
import { faceSvg, sampleIdentity, sampleNuisance, type SynthIdentity } from "./synth_face.ts";
import { mapPool } from "../loader/pool.ts";
import type { Dataset } from "../dataset/dataset.ts";
import { makePairs, writePairsCsv } from "../dataset/pairs.ts";

/** Bumped whenever the drawing changes, so cached sets made by an older generator are redone. */
export const SYNTH_VERSION = 1;

/** Options of {@link generateSynth}. */
export interface SynthOptions {
  /** Number of identities. Default 100. */
  identities?: number;
  /** Images per identity. Default 20. */
  perIdentity?: number;
  /** Image width and height in pixels. Default 96. */
  size?: number;
  /** Seed. Default 0. */
  seed?: number;
  /** Nuisance amplitude relative to identity differences (0 none, 1 default, 2 hard). Default 1. */
  difficulty?: number;
  /** File format. Default "png" (lossless; "jpg" is smaller, quality 90). */
  format?: "png" | "jpg";
  /** Number of verification pairs in pairs.csv (0: none). Default min(1000, identities × perIdentity). */
  pairs?: number;
  /** Images rendered concurrently. Default 4. */
  concurrency?: number;
  /** Progress display, or a factory given (total, already done). */
  progress?: Progress | ((total: number, initial: number) => Progress);
  /** Stops between images; the set stays resumable. */
  signal?: AbortSignal;
}

/** What {@link generateSynth} did. */
export interface SynthResult {
  dir: string;
  /** Files written in this call. */
  written: number;
  /** Files found already present (resume). */
  skipped: number;
  seconds: number;
  /** Written images per second of this call. */
  imagesPerSecond: number;
  /** The generated set (same as `scanDataset(dir)`). */
  dataset: Dataset;
}

type Resolved = Required<Omit<SynthOptions, "progress" | "signal">>;

function resolve(options: SynthOptions): Resolved {
  const o = {
    identities: options.identities ?? 100,
    perIdentity: options.perIdentity ?? 20,
    size: options.size ?? 96,
    seed: options.seed ?? 0,
    difficulty: options.difficulty ?? 1,
    format: options.format ?? "png",
    pairs: 0,
    concurrency: options.concurrency ?? 4,
  };
  const int = (k: keyof typeof o, min: number) => {
    const v = o[k] as number;
    if (!Number.isInteger(v) || v < min) {
      throw new Error(`generateSynth: '${k}' must be an integer ≥ ${min}, got ${v}`);
    }
  };
  int("identities", 1);
  int("perIdentity", 1);
  int("size", 8);
  int("concurrency", 1);
  if (!Number.isFinite(o.seed)) {
    throw new Error(`generateSynth: 'seed' must be finite, got ${o.seed}`);
  }
  if (!(o.difficulty >= 0 && Number.isFinite(o.difficulty))) {
    throw new Error(`generateSynth: 'difficulty' must be ≥ 0, got ${o.difficulty}`);
  }
  if (o.format !== "png" && o.format !== "jpg") {
    throw new Error(`generateSynth: 'format' must be "png" or "jpg", got ${o.format}`);
  }
  const feasible = o.identities >= 2 && o.perIdentity >= 2;
  o.pairs = options.pairs ?? (feasible ? Math.min(1000, o.identities * o.perIdentity) : 0);
  int("pairs", 0);
  if (o.pairs > 0 && !feasible) {
    throw new Error(
      `generateSynth: pairs need ≥ 2 identities with ≥ 2 images, got ${o.identities}×${o.perIdentity}`,
    );
  }
  return o;
}

/**
 * Folder name of synthetic identity `i` out of `n` (`id_00000`).
 *
 * @example
 * ```ts
 * import { synthIdentityName } from "./synth.ts";
 * console.assert(synthIdentityName(7, 100) === "id_00007");
 * ```
 */
export function synthIdentityName(i: number, n: number): string {
  return `id_${String(i).padStart(Math.max(5, String(n - 1).length), "0")}`;
}

/**
 * File name of image `j` out of `k` (`0000.png`).
 *
 * @example
 * ```ts
 * import { synthImageName } from "./synth.ts";
 * console.assert(synthImageName(3, 20, "png") === "0003.png");
 * ```
 */
export function synthImageName(j: number, k: number, format: "png" | "jpg"): string {
  return `${String(j).padStart(Math.max(4, String(k - 1).length), "0")}.${format}`;
}

/**
 * The parameters of synthetic identity `index` under `seed`.
 *
 * @example
 * ```ts
 * import { synthIdentity } from "./synth.ts";
 * console.assert(synthIdentity(1, 5).faceW === synthIdentity(1, 5).faceW);
 * ```
 */
export function synthIdentity(seed: number, index: number): SynthIdentity {
  return sampleIdentity(createRng(mixSeed(seed, index)));
}

/** Options of {@link renderSynthImage}. */
export interface RenderSynthOptions {
  size?: number;
  difficulty?: number;
  format?: "png" | "jpg";
}

/**
 * Renders image `image` of identity `identity` under `seed` to encoded bytes (PNG or JPEG). The
 * SVG goes through librsvg, optional blur, then brightness/contrast/colour cast and Gaussian pixel
 * noise (a seeded walk through a fixed table of normal draws) are applied to the raw RGB in JS, then the pixels are encoded.
 *
 * @example
 * ```ts
 * import { renderSynthImage } from "./synth.ts";
 * const png = await renderSynthImage(7, 0, 0, { size: 64 });
 * console.assert(png[1] === 0x50); // "PNG"
 * ```
 */
export async function renderSynthImage(
  seed: number,
  identity: number,
  image: number,
  options: RenderSynthOptions = {},
): Promise<Uint8Array> {
  const size = options.size ?? 96;
  const id = synthIdentity(seed, identity);
  const rng = createRng(mixSeed(seed, identity, image, 1));
  const nz = sampleNuisance(rng, { difficulty: options.difficulty ?? 1 });
  const svg = faceSvg(id, nz, { size });
  const sharp = await loadSharp();
  let pipe = sharp(Buffer.from(svg)).removeAlpha();
  const sigma = nz.blur * size / 96;
  if (sigma >= 0.3) pipe = pipe.blur(sigma);
  const { data, info } = await pipe.raw().toBuffer({ resolveWithObject: true });
  const c = info.channels;
  const gain = nz.contrast, noise = nz.noise;
  const offs = [0, 1, 2].map((k) => 128 + nz.brightness + nz.cast[k] - 128 * gain);
  const px = new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
  const table = noiseTable();
  let at = rng.int(NOISE_TABLE_SIZE);
  const stride = 2 * rng.int(NOISE_TABLE_SIZE / 2) + 1; // odd: visits every entry
  for (let p = 0; p < px.length; p += c) {
    for (let k = 0; k < 3; k++) {
      at = (at + stride) & (NOISE_TABLE_SIZE - 1);
      px[p + k] = data[p + k] * gain + offs[k] + table[at] * noise;
    }
  }
  const out = sharp(data, { raw: { width: info.width, height: info.height, channels: c } });
  const buf = options.format === "jpg"
    ? await out.jpeg({ quality: 90 }).toBuffer()
    : await out.png({ compressionLevel: 6 }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

const NOISE_TABLE_SIZE = 1 << 16;
let table: Float32Array | undefined;
/** Standard normal draws from a fixed seed, shared by every image (a strided walk per image). */
function noiseTable(): Float32Array {
  if (!table) {
    const rng = createRng(0x5eed);
    table = Float32Array.from({ length: NOISE_TABLE_SIZE }, () => rng.normal());
  }
  return table;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * The {@link Dataset} a synthetic set with these options has (without touching the disk).
 *
 * @example
 * ```ts
 * import { synthDataset } from "./synth.ts";
 * console.assert(synthDataset("data/s", { identities: 2, perIdentity: 3 }).items.length === 6);
 * ```
 */
export function synthDataset(dir: string, options: SynthOptions = {}): Dataset {
  const o = resolve(options);
  const ds: Dataset = { root: dir, identities: [], items: [] };
  for (let i = 0; i < o.identities; i++) {
    const name = synthIdentityName(i, o.identities);
    ds.identities.push(name);
    for (let j = 0; j < o.perIdentity; j++) {
      ds.items.push({
        path: `${name}/${synthImageName(j, o.perIdentity, o.format)}`,
        identity: name,
        label: i,
      });
    }
  }
  return ds;
}

/**
 * Writes a synthetic set into `outDir` (see the module doc). Existing image files are kept
 * (resume); `pairs.csv` and `synth.json` are rewritten at the end.
 *
 * @example
 * ```ts
 * import { generateSynth } from "./synth.ts";
 * const dir = await Deno.makeTempDir();
 * await generateSynth(dir, { identities: 2, perIdentity: 2, size: 48, seed: 3, difficulty: 0.5 });
 * ```
 */
export async function generateSynth(
  outDir: string,
  options: SynthOptions = {},
): Promise<SynthResult> {
  const o = resolve(options);
  const ds = synthDataset(outDir, options);
  const start = performance.now();
  await Deno.mkdir(outDir, { recursive: true });
  await claimFolder(outDir, o);
  for (const name of ds.identities) await Deno.mkdir(`${outDir}/${name}`, { recursive: true });
  const todo: { path: string; i: number; j: number }[] = [];
  const present = await mapPool(ds.items, (it) => exists(`${outDir}/${it.path}`), {
    concurrency: 16,
  });
  ds.items.forEach((it, n) => {
    if (!present[n]) todo.push({ path: it.path, i: it.label, j: n % o.perIdentity });
  });
  const skipped = ds.items.length - todo.length;
  const progress = typeof options.progress === "function"
    ? options.progress(ds.items.length, skipped)
    : options.progress;
  let written = 0;
  try {
    await mapPool(todo, async (t) => {
      const bytes = await renderSynthImage(o.seed, t.i, t.j, o);
      const slash = t.path.lastIndexOf("/");
      const tmp = `${outDir}/${t.path.slice(0, slash)}/.${t.path.slice(slash + 1)}.tmp${Deno.pid}`;
      await Deno.writeFile(tmp, bytes);
      await Deno.rename(tmp, `${outDir}/${t.path}`);
      written++;
      progress?.tick(1);
    }, { concurrency: o.concurrency, signal: options.signal });
  } finally {
    progress?.done();
  }
  if (o.pairs > 0) {
    await writePairsCsv(`${outDir}/pairs.csv`, makePairs(ds, { count: o.pairs, seed: o.seed }));
  }
  const meta = {
    generator: "faces-synth",
    version: SYNTH_VERSION,
    ...metaOptions(o),
    complete: true,
  };
  await Deno.writeTextFile(`${outDir}/synth.json`, JSON.stringify(meta, null, 2) + "\n");
  const seconds = (performance.now() - start) / 1000;
  return {
    dir: outDir,
    written,
    skipped,
    seconds,
    imagesPerSecond: written / seconds,
    dataset: ds,
  };
}

/** Keys of synth.json whose values decide the image bytes. */
const IMAGE_KEYS = ["version", "identities", "perIdentity", "size", "seed", "difficulty", "format"];

/**
 * Refuses a folder that holds a set made with other options or by another generator version (a
 * resume would mix two sets), then records these options with `complete: false`.
 */
async function claimFolder(outDir: string, o: Resolved): Promise<void> {
  const file = `${outDir}/synth.json`;
  const mine: Record<string, unknown> = { version: SYNTH_VERSION, ...metaOptions(o) };
  let have: Record<string, unknown> | undefined;
  try {
    have = JSON.parse(await Deno.readTextFile(file));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new Error(`generateSynth: cannot read '${file}': ${(e as Error).message}`);
    }
  }
  if (have) {
    const diff = IMAGE_KEYS.filter((k) => have[k] !== mine[k]);
    if (diff.length > 0) {
      throw new Error(
        `generateSynth: '${outDir}' holds a synthetic set made with other options (` +
          diff.map((k) => `${k} ${JSON.stringify(have[k])} there, ${JSON.stringify(mine[k])} asked`)
            .join("; ") +
          `); remove the folder or choose another`,
      );
    }
  }
  const meta = { generator: "faces-synth", ...mine, complete: false };
  await Deno.writeTextFile(file, JSON.stringify(meta, null, 2) + "\n");
}

function metaOptions(o: Resolved) {
  const { concurrency: _, ...rest } = o;
  return rest;
}

/**
 * Generates the set only if `dir/synth.json` is missing or records other options (or an older
 * generator); otherwise returns at once. Experiments use it to cache their data under `data/`.
 *
 * @example
 * ```ts
 * import { ensureSynth } from "./synth.ts";
 * const dir = await Deno.makeTempDir();
 * const first = await ensureSynth(dir, { identities: 2, perIdentity: 2, size: 32 });
 * const again = await ensureSynth(dir, { identities: 2, perIdentity: 2, size: 32 });
 * console.assert(first.written === 4 && again.written === 0);
 * ```
 */
export async function ensureSynth(dir: string, options: SynthOptions = {}): Promise<SynthResult> {
  const o = resolve(options);
  const want = JSON.stringify({ version: SYNTH_VERSION, ...metaOptions(o) });
  try {
    const have = JSON.parse(await Deno.readTextFile(`${dir}/synth.json`));
    const { generator: _g, complete, ...rest } = have;
    if (complete && JSON.stringify(rest) === want) {
      return {
        dir,
        written: 0,
        skipped: o.identities * o.perIdentity,
        seconds: 0,
        imagesPerSecond: 0,
        dataset: synthDataset(dir, options),
      };
    }
    // Different options: the old files would be mixed in; start clean.
    if (JSON.stringify(rest) !== want) await Deno.remove(dir, { recursive: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound) && !(e instanceof SyntaxError)) throw e;
  }
  return generateSynth(dir, options);
}

/**
 * A cache folder name under `base` that encodes the options, e.g.
 * `data/synth/n100-k20-s96-seed0-d1-png-v1`, so different sets never share a folder.
 *
 * @example
 * ```ts
 * import { synthCacheDir } from "./synth.ts";
 * console.assert(synthCacheDir("data/synth", { identities: 10 }).startsWith("data/synth/n10-"));
 * ```
 */
export function synthCacheDir(base: string, options: SynthOptions = {}): string {
  const o = resolve(options);
  return `${base}/n${o.identities}-k${o.perIdentity}-s${o.size}-seed${o.seed}-d${o.difficulty}-${o.format}-v${SYNTH_VERSION}`;
}
