/**
 * The preprocessing manifest: one JSON object per line (JSONL), one line per source image, appended
 * as each image finishes so that a killed run loses at most the images in flight.
 *
 * A line that was cut off by a kill (no final newline) is ignored when the manifest is read and
 * removed when it is reopened for appending; files are streamed, never read into one string. Shards write `manifest.shard-K-of-N.jsonl`;
 * {@link mergeManifests} joins them into one, sorted by path.
 *
 * @example
 * ```ts
 * import { appendManifest, readManifest } from "./manifest.ts";
 * const file = await Deno.makeTempFile({ suffix: ".jsonl" });
 * const w = await appendManifest(file);
 * w.append({ path: "a/1.jpg", identity: "a", status: "ok", output: "a/1.jpg" });
 * w.close();
 * console.assert((await readManifest(file))[0].status === "ok");
 * ```
 * @module
 */

/**
 * What happened to one image:
 * - "ok": a face was found, aligned and written to `output`;
 * - "no-face": no face was found: with `--on-no-face center` the whole image was written to
 *   `output`, with `skip` nothing was written (see `reason`);
 * - "error": the image could not be used; `reason` is a DecodeFailure code ("empty", "truncated",
 *   "not-an-image", "unsupported", "too-large", "too-small", "unreadable") or "internal", and
 *   `detail` the message.
 */
export type ManifestStatus = "ok" | "no-face" | "error";

/** One manifest line. Coordinates are in the decoded (EXIF-oriented) source image's pixels. */
export interface ManifestEntry {
  /** Source path relative to the input root, "/"-separated. */
  path: string;
  /** Identity: the first folder of `path` ("" for files at the root). */
  identity: string;
  status: ManifestStatus;
  /** Short reason for "no-face" and "error". */
  reason?: string;
  /** The error message, for "error". */
  detail?: string;
  /** Written crop, relative to the output root (absent when nothing was written). */
  output?: string;
  /** Source format as decoded ("jpeg", "png", "bmp", "pgm", …). */
  format?: string;
  /** Decoded source width and height. */
  width?: number;
  height?: number;
  /** Side of the written square crop. */
  size?: number;
  /** Detector box of the chosen face: [x, y, width, height]. */
  box?: [number, number, number, number];
  /** Detector score of the chosen face. */
  score?: number;
  /** The chosen face's 68 landmarks. */
  landmarks?: [number, number][];
  /** Roll angle removed by alignment, degrees. */
  angle?: number;
  /** The crop square: centre, side (source pixels), angle (degrees). */
  crop?: { cx: number; cy: number; side: number; angle: number };
  /** How many faces the detector found. */
  faces?: number;
  /** Detector used ("tiny" or "ssd"). */
  detector?: string;
}

/** One line of a manifest file, with where its bytes are. */
export interface ManifestLine {
  /** Byte offset of the line in the file. */
  offset: number;
  /** Byte length, without the newline. */
  length: number;
  /** The parsed entry, or undefined for a blank or unusable line. */
  entry?: ManifestEntry;
  /** False for a last line with no newline (cut off by a kill). */
  complete: boolean;
}

/**
 * Streams a manifest's lines in 1 MiB chunks, so that a VGGFace2-size manifest (millions of
 * lines, gigabytes) never has to fit in one string. Yields nothing when the file does not exist.
 *
 * @example
 * ```ts
 * import { streamManifest } from "./manifest.ts";
 * for await (const l of streamManifest("/nonexistent.jsonl")) console.log(l.entry?.path);
 * ```
 */
export async function* streamManifest(file: string): AsyncGenerator<ManifestLine> {
  let handle: Deno.FsFile;
  try {
    handle = await Deno.open(file, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw new Error(`streamManifest: cannot read '${file}': ${(e as Error).message}`);
  }
  const dec = new TextDecoder();
  const parse = (bytes: Uint8Array): ManifestEntry | undefined => {
    const text = dec.decode(bytes);
    if (text.trim() === "") return undefined;
    try {
      const v = JSON.parse(text);
      return v && typeof v.path === "string" && typeof v.status === "string" ? v : undefined;
    } catch {
      return undefined;
    }
  };
  try {
    let pending = new Uint8Array(0);
    let pendingOffset = 0;
    const chunk = new Uint8Array(1 << 20);
    for (;;) {
      const n = await handle.read(chunk);
      if (n === null) break;
      const buf = new Uint8Array(pending.length + n);
      buf.set(pending);
      buf.set(chunk.subarray(0, n), pending.length);
      let start = 0;
      for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
        const bytes = buf.subarray(start, nl);
        yield {
          offset: pendingOffset + start,
          length: nl - start,
          entry: parse(bytes),
          complete: true,
        };
        start = nl + 1;
      }
      pending = buf.slice(start);
      pendingOffset += start;
    }
    if (pending.length > 0) {
      yield { offset: pendingOffset, length: pending.length, entry: undefined, complete: false };
    }
  } finally {
    handle.close();
  }
}

/**
 * Reads a manifest file's entries (empty list when it does not exist). For very large manifests
 * prefer {@link streamManifest}.
 *
 * @example
 * ```ts
 * import { readManifest } from "./manifest.ts";
 * console.assert((await readManifest("/nonexistent/manifest.jsonl")).length === 0);
 * ```
 */
export async function readManifest(file: string): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  for await (const l of streamManifest(file)) if (l.entry && l.complete) entries.push(l.entry);
  return entries;
}

/** An open manifest, appending one line per entry. */
export interface ManifestWriter {
  /** Paths already recorded when the file was opened (only paths: millions fit in memory). */
  readonly finished: Set<string>;
  /** Appends one entry as one line, in a single write. */
  append(entry: ManifestEntry): void;
  close(): void;
}

/**
 * Opens a manifest for appending (creating it), first cutting off a partial last line left by a
 * killed run. Lines that are not valid entries are left in place and ignored.
 *
 * @example
 * ```ts
 * import { appendManifest } from "./manifest.ts";
 * const file = await Deno.makeTempFile();
 * await Deno.writeTextFile(file, '{"path":"a","identity":"","status":"ok"}\n{"path":"b","ide');
 * const w = await appendManifest(file);
 * console.assert(w.finished.has("a") && !w.finished.has("b"));
 * w.close();
 * console.assert((await Deno.readTextFile(file)).endsWith("}\n"));
 * ```
 */
export async function appendManifest(file: string): Promise<ManifestWriter> {
  const finished = new Set<string>();
  let cut: number | undefined;
  for await (const l of streamManifest(file)) {
    if (!l.complete) cut = l.offset;
    else if (l.entry) finished.add(l.entry.path);
  }
  if (cut !== undefined) await Deno.truncate(file, cut);
  const handle = await Deno.open(file, { append: true, create: true });
  const enc = new TextEncoder();
  return {
    finished,
    append(entry) {
      const bytes = enc.encode(JSON.stringify(entry) + "\n");
      let off = 0;
      while (off < bytes.length) off += handle.writeSync(bytes.subarray(off));
    },
    close() {
      handle.close();
    },
  };
}

/** Result of {@link mergeManifests}. */
export interface MergeResult {
  /** Entries in the merged manifest. */
  count: number;
  /** The merged entries, sorted by path — only when no `outFile` was given. */
  entries?: ManifestEntry[];
  /** Files read. */
  sources: string[];
  /** Paths that appeared more than once with identical content. */
  duplicates: number;
  /** Paths that appeared more than once with different content (the last one read is kept). */
  conflicts: string[];
}

const SHARD_MANIFEST = /^manifest(\.shard-\d+-of-\d+)?\.jsonl$/;

async function readRange(handle: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  await handle.seek(offset, Deno.SeekMode.Start);
  let got = 0;
  while (got < length) {
    const n = await handle.read(buf.subarray(got));
    if (n === null) {
      throw new Error(`mergeManifests: file shrank while merging (at byte ${offset})`);
    }
    got += n;
  }
  return buf;
}

/**
 * Merges manifests — files, or folders whose `manifest.shard-K-of-N.jsonl` files (or, if there are
 * none, `manifest.jsonl`) are read — into one, sorted by path. With `outFile` the result is written
 * there atomically and only an index (path and byte range per line) is held in memory, so shard
 * manifests of a 3.3M-photo set merge in a few hundred MB; without it the entries are returned.
 * Shards partition the paths, so a clean merge has no duplicates and no conflicts.
 *
 * @example
 * ```ts
 * import { appendManifest, mergeManifests } from "./manifest.ts";
 * const dir = await Deno.makeTempDir();
 * for (const [k, p] of [[1, "b.jpg"], [2, "a.jpg"]] as const) {
 *   const w = await appendManifest(`${dir}/manifest.shard-${k}-of-2.jsonl`);
 *   w.append({ path: p, identity: "", status: "ok" });
 *   w.close();
 * }
 * const m = await mergeManifests([dir]);
 * console.assert(m.entries!.map((e) => e.path).join() === "a.jpg,b.jpg");
 * ```
 */
export async function mergeManifests(
  sources: string[],
  options: { outFile?: string } = {},
): Promise<MergeResult> {
  const files: string[] = [];
  for (const s of sources) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(s);
    } catch (e) {
      throw new Error(`mergeManifests: cannot read '${s}': ${(e as Error).message}`);
    }
    if (info.isDirectory) {
      const names: string[] = [];
      for await (const d of Deno.readDir(s)) {
        if (d.isFile && SHARD_MANIFEST.test(d.name)) names.push(d.name);
      }
      names.sort();
      // A merged manifest.jsonl beside shard manifests is an earlier merge: read only the shards.
      const shards = names.filter((n) => n !== "manifest.jsonl");
      files.push(...(shards.length ? shards : names).map((n) => `${s}/${n}`));
    } else {
      files.push(s);
    }
  }
  interface Ref {
    file: number;
    offset: number;
    length: number;
  }
  const byPath = new Map<string, Ref>();
  const handles = await Promise.all(files.map((f) => Deno.open(f, { read: true })));
  try {
    const lineOf = (r: Ref) => readRange(handles[r.file], r.offset, r.length);
    const same = (a: Uint8Array, b: Uint8Array) =>
      a.length === b.length && a.every((v, i) => v === b[i]);
    let duplicates = 0;
    const conflicts: string[] = [];
    for (let f = 0; f < files.length; f++) {
      const pending: [string, Ref][] = [];
      for await (const l of streamManifest(files[f])) {
        if (l.entry && l.complete) {
          pending.push([l.entry.path, { file: f, offset: l.offset, length: l.length }]);
        }
      }
      for (const [path, ref] of pending) {
        const prev = byPath.get(path);
        if (prev) {
          if (same(await lineOf(prev), await lineOf(ref))) duplicates++;
          else conflicts.push(path);
        }
        byPath.set(path, ref);
      }
    }
    const keys = [...byPath.keys()].sort();
    const result: MergeResult = { count: keys.length, sources: files, duplicates, conflicts };
    if (options.outFile) {
      const tmp = `${options.outFile}.tmp-${Deno.pid}`;
      const out = await Deno.open(tmp, { write: true, create: true, truncate: true });
      try {
        const nl = new Uint8Array([10]);
        for (const k of keys) {
          const bytes = await lineOf(byPath.get(k)!);
          for (const part of [bytes, nl]) {
            let off = 0;
            while (off < part.length) off += await out.write(part.subarray(off));
          }
        }
      } finally {
        out.close();
      }
      await Deno.rename(tmp, options.outFile);
    } else {
      const dec = new TextDecoder();
      result.entries = [];
      for (const k of keys) {
        result.entries.push(JSON.parse(dec.decode(await lineOf(byPath.get(k)!))));
      }
    }
    return result;
  } finally {
    for (const h of handles) h.close();
  }
}
