/**
 * Real data as users get it: a dataset's files under their official names, from the official site
 * (or a mirror URL, or a folder holding a copy), each checked against its published hashes before
 * it is kept, with resume of a partial download (HTTP Range) and unpacking of the archives (npm
 * `tar`, loaded on first use).
 *
 * Files go to `<out>/<name>.part` while they arrive and take their name only once every known hash
 * matches; a file that fails is deleted and the error names it. Rerunning the same call resumes a
 * `.part` where it stopped, skips files already verified, and skips archives already unpacked.
 *
 * @example
 * ```ts
 * import { downloadDataset } from "./download.ts";
 * // `deno task data download lfw` does this: the five files into data/lfw, checked and unpacked.
 * // Here from an empty folder, so it stops at once, naming the missing file.
 * const err = await downloadDataset("lfw", { from: await Deno.makeTempDir(), only: ["pairs.txt"] })
 *   .catch((e) => e);
 * console.assert(/pairs\.txt/.test(err.message));
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import type { Progress } from "../../cli/mod.ts";
import type { RemoteFile } from "./remote_file.ts";
import { LFW_BASE_URL, LFW_FILES } from "./lfw_files.ts";

/** Datasets {@link downloadDataset} knows: where they are published and their files. */
export const DOWNLOADABLE_DATASETS: Readonly<
  Record<"lfw", { from: string; files: readonly RemoteFile[]; out: string }>
> = Object.freeze({
  lfw: { from: LFW_BASE_URL, files: LFW_FILES, out: "data/lfw" },
});

/** A name of {@link DOWNLOADABLE_DATASETS}. */
export type DownloadableDataset = keyof typeof DOWNLOADABLE_DATASETS;

/** Options of {@link downloadFiles}. */
export interface DownloadFilesOptions {
  /** Where the files are: a base URL (`http(s)://…/`, files at `<from><name>`), or a folder. */
  from: string;
  /** Folder the files (and unpacked archives) go to; made if missing. */
  out: string;
  /** Only these files (official names). Default all. */
  only?: readonly string[];
  /** Unpack archives marked `extract`. Default true. */
  extract?: boolean;
  /**
   * Also read `<from>/SHA256SUMS` (sha256sum's format) when it exists, and check every file it
   * names against it. Files with no published SHA-256 are checked this way. Default true.
   */
  hashFile?: boolean;
  /** Stops the download; the `.part` file stays, to be resumed. */
  signal?: AbortSignal;
  /** Makes a progress display per file (`total` and `initial` in MB; `label` the file name). */
  progress?: (total: number, initial: number, label: string) => Progress;
  /** One line per step (what was fetched, verified, unpacked). Default: silent. */
  print?: (line: string) => void;
}

/** What happened to one file. */
export interface DownloadedFile {
  name: string;
  /** Where it is now. */
  path: string;
  bytes: number;
  /** Its SHA-256 as computed here. */
  sha256: string;
  /** The checks it passed: the published SHA-256, the published MD5, the SHA256SUMS of `from`. */
  checkedBy: ("sha256" | "md5" | "SHA256SUMS")[];
  /** "present": already there and verified; "resumed": continued from `resumedFrom` bytes. */
  action: "downloaded" | "resumed" | "copied" | "present";
  resumedFrom: number;
  /** Top-level entries unpacked from it (archives only; empty when already unpacked). */
  extracted?: string[];
}

/** Result of {@link downloadFiles}. */
export interface DownloadResult {
  out: string;
  files: DownloadedFile[];
  seconds: number;
}

const MB = 1e6;

/**
 * Downloads (or copies) `files` from `options.from` into `options.out`, verifying each against
 * every hash known for it (the published SHA-256 and MD5, and `SHA256SUMS` beside the files when
 * present); a file with none of these is refused before anything is fetched.
 *
 * @example
 * ```ts
 * import { downloadFiles } from "./download.ts";
 * const src = await Deno.makeTempDir(), out = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${src}/a.txt`, "hello\n");
 * const sha256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
 * const r = await downloadFiles([{ name: "a.txt", sha256 }], { from: src, out });
 * console.assert(r.files[0].action === "copied" && r.files[0].checkedBy[0] === "sha256");
 * ```
 */
export async function downloadFiles(
  files: readonly RemoteFile[],
  options: DownloadFilesOptions,
): Promise<DownloadResult> {
  const t0 = performance.now();
  const { from, out } = options;
  if (!from) throw new Error("download: 'from' must be a URL or a folder, got ''");
  if (!out) throw new Error("download: 'out' must be a folder, got ''");
  for (const f of files) {
    if (!f.name || /[\/\\]/.test(f.name) || f.name === "." || f.name === "..") {
      throw new Error(`download: '${f.name}' is not a plain file name`);
    }
  }
  let chosen = files;
  if (options.only) {
    const names = new Set(files.map((f) => f.name));
    const unknown = options.only.filter((n) => !names.has(n));
    if (unknown.length > 0) {
      throw new Error(
        `download: unknown file ${unknown.map((n) => `'${n}'`).join(", ")}; choose from ${
          [...names].join(", ")
        }`,
      );
    }
    chosen = files.filter((f) => options.only!.includes(f.name));
  }
  const source = await openSource(from);
  const sums = options.hashFile === false ? new Map<string, string>() : await source.hashFile();
  for (const f of chosen) {
    if (!f.sha256 && !f.md5 && !sums.has(f.name)) {
      throw new Error(
        `download: no published hash is known for '${f.name}' and ${source.describe} has no ` +
          `SHA256SUMS naming it; refusing to keep an unverified file`,
      );
    }
  }
  await Deno.mkdir(out, { recursive: true });
  const print = options.print ?? (() => {});
  const done: DownloadedFile[] = [];
  for (const f of chosen) {
    const path = `${out}/${f.name}`;
    const checks = { sha256: f.sha256, md5: f.md5, sums: sums.get(f.name) };
    let result: DownloadedFile;
    if (await isFile(path)) {
      const h = await hashFile(path);
      const checkedBy = verify(
        f.name,
        h,
        checks,
        `${path} (already there)`,
        "delete it to download again",
      );
      result = {
        name: f.name,
        path,
        bytes: h.bytes,
        sha256: h.sha256,
        checkedBy,
        action: "present",
        resumedFrom: 0,
      };
      print(`${f.name}: already there, ${checkedBy.join(" + ")} ok`);
    } else {
      const part = `${path}.part`;
      const got = await source.fetch(f, part, options);
      const h = await hashFile(part);
      let checkedBy: DownloadedFile["checkedBy"];
      try {
        checkedBy = verify(
          f.name,
          h,
          checks,
          `the file from ${source.describe}`,
          "it was deleted; rerun to fetch it again, or check --from",
        );
      } catch (e) {
        await Deno.remove(part).catch(() => {});
        throw e;
      }
      await Deno.rename(part, path);
      result = {
        name: f.name,
        path,
        bytes: h.bytes,
        sha256: h.sha256,
        checkedBy,
        action: got.action,
        resumedFrom: got.resumedFrom,
      };
      print(
        `${f.name}: ${got.action}${got.resumedFrom ? ` from byte ${got.resumedFrom}` : ""}, ` +
          `${(h.bytes / MB).toFixed(1)} MB, ${checkedBy.join(" + ")} ok`,
      );
    }
    if (f.extract && options.extract !== false) {
      result.extracted = await extractOnce(path, out, result.sha256, print);
    }
    done.push(result);
  }
  return { out, files: done, seconds: (performance.now() - t0) / 1000 };
}

/** Options of {@link downloadDataset}: those of {@link downloadFiles}, with defaults. */
export interface DownloadDatasetOptions extends Partial<DownloadFilesOptions> {
  /** Default: the dataset's official site (LFW: http://vis-www.cs.umass.edu/lfw/). */
  from?: string;
  /** Default `data/<name>`. */
  out?: string;
}

/**
 * Downloads a dataset of {@link DOWNLOADABLE_DATASETS} (LFW: lfw.tgz, lfw-deepfunneled.tgz,
 * pairsDevTrain.txt, pairsDevTest.txt, pairs.txt) into `data/<name>` and unpacks its archives
 * (`data/lfw/lfw/`, `data/lfw/lfw-deepfunneled/`).
 *
 * @example
 * ```ts
 * import { downloadDataset } from "./download.ts";
 * await downloadDataset("nope" as "lfw").catch((e) => console.assert(/choose from lfw/.test(e.message)));
 * ```
 */
export async function downloadDataset(
  name: DownloadableDataset,
  options: DownloadDatasetOptions = {},
): Promise<DownloadResult> {
  const spec = DOWNLOADABLE_DATASETS[name];
  if (!spec || !Object.hasOwn(DOWNLOADABLE_DATASETS, name)) {
    throw new Error(
      `download: unknown dataset '${name}'; choose from ${
        Object.keys(DOWNLOADABLE_DATASETS).join(", ")
      }`,
    );
  }
  return await downloadFiles(spec.files, {
    ...options,
    from: options.from ?? spec.from,
    out: options.out ?? spec.out,
  });
}

interface Hashes {
  sha256: string;
  md5: string;
  bytes: number;
}

/** Both hashes of a file in one streaming pass. */
async function hashFile(path: string): Promise<Hashes> {
  const sha = createHash("sha256"), md5 = createHash("md5");
  let bytes = 0;
  using file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) {
    sha.update(chunk);
    md5.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: sha.digest("hex"), md5: md5.digest("hex"), bytes };
}

function verify(
  name: string,
  h: Hashes,
  expected: { sha256?: string; md5?: string; sums?: string },
  what: string,
  then: string,
): DownloadedFile["checkedBy"] {
  const passed: DownloadedFile["checkedBy"] = [];
  const check = (
    kind: DownloadedFile["checkedBy"][number],
    want: string | undefined,
    got: string,
  ) => {
    if (want === undefined) return;
    if (want.toLowerCase() !== got) {
      const label = kind === "md5" ? "MD5" : kind === "sha256" ? "SHA-256" : "SHA-256 (SHA256SUMS)";
      throw new Error(
        `download: ${name}: ${label} of ${what} is ${got}, expected ${want.toLowerCase()} ` +
          `(${h.bytes} bytes); ${then}`,
      );
    }
    passed.push(kind);
  };
  check("sha256", expected.sha256, h.sha256);
  check("SHA256SUMS", expected.sums, h.sha256);
  check("md5", expected.md5, h.md5);
  return passed;
}

interface Source {
  describe: string;
  hashFile(): Promise<Map<string, string>>;
  fetch(
    file: RemoteFile,
    part: string,
    options: DownloadFilesOptions,
  ): Promise<{ action: DownloadedFile["action"]; resumedFrom: number }>;
}

async function openSource(from: string): Promise<Source> {
  if (/^https?:\/\//i.test(from)) return httpSource(from.endsWith("/") ? from : `${from}/`);
  const dir = from.startsWith("file://") ? decodeURIComponent(new URL(from).pathname) : from;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (e) {
    throw new Error(
      `download: --from '${from}' is neither an http(s) URL nor a readable folder: ${
        (e as Error).message
      }`,
    );
  }
  if (!info.isDirectory) throw new Error(`download: --from '${from}' is not a folder`);
  return folderSource(dir);
}

/** Parses sha256sum output: `<64 hex>  <name>` or `<64 hex> *<name>` per line. */
function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2].replace(/^\.\//, ""), m[1].toLowerCase());
  }
  return sums;
}

function httpSource(base: string): Source {
  return {
    describe: base,
    async hashFile() {
      let res: Response;
      try {
        res = await fetch(new URL("SHA256SUMS", base));
      } catch (e) {
        throw new Error(
          `download: cannot reach ${base}: ${(e as Error).message}; ` +
            `give a mirror or a folder holding the files with --from URL|DIR`,
        );
      }
      if (!res.ok) {
        await res.body?.cancel();
        return new Map();
      }
      return parseSums(await res.text());
    },
    async fetch(file, part, options) {
      const url = new URL(file.name, base).href;
      let have = (await sizeOf(part)) ?? 0;
      const headers: Record<string, string> = have > 0 ? { Range: `bytes=${have}-` } : {};
      let res = await fetch(url, { headers, signal: options.signal });
      if (res.status === 416 && have > 0) {
        // The part is already whole (the interruption came after the last byte).
        await res.body?.cancel();
        return { action: "resumed", resumedFrom: have };
      }
      let append = false;
      if (res.status === 206) {
        const m = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
        if (m && Number(m[1]) === have) {
          append = true;
        } else {
          await res.body?.cancel();
          have = 0;
          res = await fetch(url, { signal: options.signal });
        }
      } else if (res.ok) {
        have = 0; // the server ignored Range: start again
      }
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        throw new Error(`download: ${url}: HTTP ${res.status} ${res.statusText}`.trimEnd());
      }
      const length = Number(res.headers.get("content-length") ?? NaN);
      const total = Number.isFinite(length) ? have + length : file.bytes;
      await writeStream(res.body, part, {
        append,
        have,
        total,
        label: file.name,
        what: url,
        options,
      });
      return { action: append ? "resumed" : "downloaded", resumedFrom: append ? have : 0 };
    },
  };
}

function folderSource(dir: string): Source {
  return {
    describe: `folder '${dir}'`,
    async hashFile() {
      try {
        return parseSums(await Deno.readTextFile(`${dir}/SHA256SUMS`));
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) return new Map();
        throw e;
      }
    },
    async fetch(file, part, options) {
      const src = `${dir}/${file.name}`;
      let input: Deno.FsFile;
      try {
        input = await Deno.open(src, { read: true });
      } catch (e) {
        throw new Error(`download: cannot read '${src}': ${(e as Error).message}`);
      }
      const total = (await input.stat()).size;
      await writeStream(input.readable, part, {
        append: false,
        have: 0,
        total,
        label: file.name,
        what: src,
        options,
      });
      return { action: "copied", resumedFrom: 0 };
    },
  };
}

async function writeStream(
  body: ReadableStream<Uint8Array>,
  part: string,
  o: {
    append: boolean;
    have: number;
    total?: number;
    label: string;
    what: string;
    options: DownloadFilesOptions;
  },
): Promise<void> {
  const bar = o.options.progress?.(
    o.total ? Math.ceil(o.total / MB) : 0,
    Math.floor(o.have / MB),
    o.label,
  );
  let written = o.have, shown = Math.floor(o.have / MB);
  using file = await Deno.open(part, {
    write: true,
    create: true,
    append: o.append,
    truncate: !o.append,
  });
  try {
    for await (const chunk of body) {
      for (let off = 0; off < chunk.length;) off += await file.write(chunk.subarray(off));
      written += chunk.length;
      const now = Math.floor(written / MB);
      if (now > shown) bar?.tick(now - shown), (shown = now);
    }
  } catch (e) {
    throw new Error(
      `download: ${o.label}: stopped after ${written} bytes of ${o.what} (${
        (e as Error).message
      }); '${part}' is kept: rerun to resume`,
    );
  } finally {
    bar?.done();
  }
}

async function extractOnce(
  archive: string,
  out: string,
  sha256: string,
  print: (line: string) => void,
): Promise<string[]> {
  const name = archive.slice(archive.lastIndexOf("/") + 1);
  const marker = `${out}/.${name}.extracted`;
  try {
    if ((await Deno.readTextFile(marker)).trim() === sha256) {
      print(`${name}: already unpacked`);
      return [];
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const tar = await import("tar");
  const tops = new Set<string>();
  let entries = 0;
  try {
    await tar.x({
      file: archive,
      cwd: out,
      strict: true,
      filter: (path: string) => {
        entries++;
        tops.add(path.replace(/^\.\//, "").split("/")[0]);
        return true;
      },
    });
  } catch (e) {
    throw new Error(`download: cannot unpack '${archive}': ${(e as Error).message}`);
  }
  await Deno.writeTextFile(marker, `${sha256}\n`);
  const list = [...tops].filter((t) => t !== "").sort();
  print(`${name}: unpacked ${entries} entries into ${out}/ (${list.join(", ")})`);
  return list;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).size;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}
