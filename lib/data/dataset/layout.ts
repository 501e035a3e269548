/**
 * The face-set layouts {@link scanDataset} recognises, all identity-per-folder underneath:
 *
 * - `folders`: `root/<identity>/<image>` (LFW `lfw/Aaron_Guiel/Aaron_Guiel_0001.jpg`, CASIA-WebFace
 *   `CASIA-WebFace/0000045/001.jpg`, VGGFace2's `train/` or `test/` folder itself, the synthetic set).
 * - `vggface2`: a VGGFace2 root as distributed, `root/train_list.txt` and/or `root/test_list.txt`
 *   listing `n000002/0001_01.jpg` paths relative to `root/train/` and `root/test/`. One split is read.
 * - `list`: any list file of relative paths `<identity>/<image>`, one a line; text after the first
 *   space is ignored and `\` is read as `/` (so CASIA-WebFace's cleaned lists,
 *   `0000045\001.jpg 0`, work too).
 *
 * Preprocessing a VGGFace2 root (`deno task preprocess --in ROOT --out OUT`) mirrors its tree, so
 * `OUT/train` and `OUT/test` are then plain `folders` sets (the lists stay with the originals, as
 * photos without a detected face are left out of OUT).
 *
 * @example
 * ```ts
 * import { detectLayout } from "./layout.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/train_list.txt`, "n000002/0001_01.jpg\n");
 * const layout = await detectLayout(dir);
 * console.assert(layout.kind === "vggface2" && layout.splits.join() === "train");
 * ```
 * @module
 */

/** What {@link detectLayout} found at a dataset root. */
export type DatasetLayout =
  | { kind: "folders" }
  | { kind: "vggface2"; splits: VggFace2Split[] };

/** The two splits of VGGFace2 (9,131 identities: 8,631 train, 500 test; no identity in both). */
export type VggFace2Split = "train" | "test";

const VGGFACE2_SPLITS: readonly VggFace2Split[] = ["train", "test"];

/**
 * Tells a VGGFace2 root (a `train_list.txt` or `test_list.txt` at the root) from a plain
 * identity-per-folder set.
 *
 * @example
 * ```ts
 * import { detectLayout } from "./layout.ts";
 * console.assert((await detectLayout(await Deno.makeTempDir())).kind === "folders");
 * ```
 */
export async function detectLayout(root: string): Promise<DatasetLayout> {
  const splits: VggFace2Split[] = [];
  for (const split of VGGFACE2_SPLITS) {
    try {
      if ((await Deno.stat(`${root}/${split}_list.txt`)).isFile) splits.push(split);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return splits.length > 0 ? { kind: "vggface2", splits } : { kind: "folders" };
}

/** One `<identity>/<image>` entry of a list file. */
export interface ListEntry {
  identity: string;
  /** File name inside the identity folder. */
  file: string;
  /** 1-based line in the list file, for error messages. */
  line: number;
}

/**
 * Parses a list file's text: one relative path `<identity>/<image>` a line, optionally followed by
 * a space and anything (a label); `\` separators read as `/`; blank lines and `#` comments skipped.
 * Throws, naming the file and line, on an absolute path, `..`, a path that is not exactly two
 * segments, or a duplicate.
 *
 * @example
 * ```ts
 * import { parseListFile } from "./layout.ts";
 * const e = parseListFile("n000002/0001_01.jpg\n0000045\\001.jpg 0\n", "list.txt");
 * console.assert(e[1].identity === "0000045" && e[1].file === "001.jpg");
 * ```
 */
export function parseListFile(text: string, name: string): ListEntry[] {
  const out: ListEntry[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const path = raw.split(/\s+/)[0].replaceAll("\\", "/");
    const parts = path.split("/");
    if (
      path.startsWith("/") || parts.length !== 2 || parts.some((p) =>
        p === "" || p === "." ||
        p === ".."
      )
    ) {
      throw new Error(
        `${name}:${i + 1}: expected a relative path <identity>/<image>, got '${raw}'`,
      );
    }
    if (seen.has(path)) throw new Error(`${name}:${i + 1}: '${path}' is listed twice`);
    seen.add(path);
    out.push({ identity: parts[0], file: parts[1], line: i + 1 });
  }
  return out;
}
