/**
 * Preprocesses one image: decode, detect, pick, align, crop, resize, write JPEG atomically, and
 * describe what happened as a manifest entry. Never throws for a bad image: every failure becomes
 * an entry with status "error" and a reason.
 * @module
 */
import { loadSharp } from "../decode/load_sharp.ts";
import { decodeImage, ImageDecodeError } from "../decode/decode_image.ts";
import { detectFacesInImage, type FaceDetectorName } from "../face/face_api.ts";
import { alignFace, centreCrop } from "../face/align_face.ts";
import { pickFace } from "../face/pick_face.ts";
import type { ManifestEntry } from "./manifest.ts";
import type { PreprocessJob } from "./scan_images.ts";

/** Per-image settings of preprocessing (all have defaults; see {@link preprocessImage}). */
export interface PreprocessImageOptions {
  /** Output side. Default 224. */
  size?: number;
  /** Fraction of the face side added on each side. Default 0.15. */
  margin?: number;
  /** Default "tiny". */
  detector?: FaceDetectorName;
  /** Minimum detector score. Default 0.5. */
  minConfidence?: number;
  /** No face found: "center" (default) writes the largest centred square; "skip" writes nothing. */
  onNoFace?: "center" | "skip";
  /** JPEG quality. Default 95. */
  quality?: number;
  /** Decompression-bomb limit in pixels. Default 100 000 000. */
  maxPixels?: number;
  /** Smallest accepted side. Default 16. */
  minSide?: number;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

function identityOf(path: string): string {
  const i = path.indexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

const madeDirs = new Set<string>();

async function writeAtomic(file: string, bytes: Uint8Array, tmpDir: string): Promise<void> {
  const dir = file.slice(0, file.lastIndexOf("/"));
  if (!madeDirs.has(dir)) {
    await Deno.mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  }
  if (!madeDirs.has(tmpDir)) {
    await Deno.mkdir(tmpDir, { recursive: true });
    madeDirs.add(tmpDir);
  }
  const tmp = `${tmpDir}/${crypto.randomUUID()}.jpg`;
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, file);
}

/**
 * Processes `job` (paths relative to `inRoot` / `outRoot`). The JPEG is written to `tmpDir` (which
 * must be on the same file system as `outRoot`) and renamed into place, so no reader ever sees a
 * half-written crop. Returns the manifest entry.
 *
 * @example
 * ```ts
 * import { preprocessImage } from "./preprocess_image.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/empty.jpg`, new Uint8Array(0));
 * const e = await preprocessImage({ path: "empty.jpg", output: "empty.jpg" }, { inRoot: dir, outRoot: `${dir}/out`, tmpDir: `${dir}/out/.tmp` });
 * console.assert(e.status === "error" && e.reason === "empty");
 * ```
 */
export async function preprocessImage(
  job: PreprocessJob,
  where: { inRoot: string; outRoot: string; tmpDir: string },
  options: PreprocessImageOptions = {},
): Promise<ManifestEntry> {
  const size = options.size ?? 224;
  const detector = options.detector ?? "tiny";
  const onNoFace = options.onNoFace ?? "center";
  const base: ManifestEntry = { path: job.path, identity: identityOf(job.path), status: "error" };
  try {
    const image = await decodeImage(`${where.inRoot}/${job.path}`, {
      maxPixels: options.maxPixels,
      minSide: options.minSide,
    });
    const entry: ManifestEntry = {
      ...base,
      format: image.format,
      width: image.width,
      height: image.height,
    };
    const faces = await detectFacesInImage(image, {
      detector,
      minConfidence: options.minConfidence,
    });
    const chosen = pickFace(faces, image.width, image.height);
    let aligned;
    if (chosen >= 0) {
      const face = faces[chosen];
      aligned = alignFace(image, face, { size, margin: options.margin });
      const b = face.box;
      Object.assign(entry, {
        status: "ok",
        box: [r2(b.x), r2(b.y), r2(b.width), r2(b.height)],
        score: Math.round(face.score * 1e4) / 1e4,
        landmarks: face.landmarks.map(([x, y]) => [r2(x), r2(y)]),
        angle: r2(aligned.angle),
      });
    } else {
      entry.status = "no-face";
      if (onNoFace === "skip") {
        entry.reason = "no face found; skipped (--on-no-face skip)";
        return { ...entry, faces: 0, detector };
      }
      entry.reason = "no face found; whole image used (--on-no-face center)";
      aligned = centreCrop(image, { size });
    }
    const c = aligned.crop;
    entry.crop = {
      cx: r2(c.cx),
      cy: r2(c.cy),
      side: r2(c.side),
      angle: r2((c.angle * 180) / Math.PI),
    };
    entry.faces = faces.length;
    entry.detector = detector;
    const sharp = await loadSharp();
    const jpeg = await sharp(aligned.image.data, {
      raw: { width: size, height: size, channels: 3 },
    })
      .jpeg({ quality: options.quality ?? 95 })
      .toBuffer();
    await writeAtomic(`${where.outRoot}/${job.output}`, new Uint8Array(jpeg), where.tmpDir);
    entry.output = job.output;
    entry.size = size;
    return entry;
  } catch (e) {
    if (e instanceof ImageDecodeError) {
      return { ...base, reason: e.reason, detail: e.message.split("\n")[0] };
    }
    return {
      ...base,
      reason: "internal",
      detail: String((e as Error)?.message ?? e).split("\n")[0],
    };
  }
}
