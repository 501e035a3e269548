/**
 * Which embedder the one-line API uses: face-api's pretrained FaceRecognitionNet ("faceapi", the
 * default), a trained or fine-tuned run folder (a `saveModel` directory: `DIR/model.json`, or a run
 * folder holding `DIR/model/model.json`), or any {@link Embedder}. Each named embedder loads once
 * per process (a run folder and its `model/` are one), on first use, and stays cached (see {@link releaseEmbedders}).
 *
 * A run folder's same-person threshold comes from `threshold.json` beside its `model.json`
 * (written by `tools/calibrate_threshold.ts --save`); face-api's is {@link FACEAPI_THRESHOLD}.
 *
 * @example
 * ```ts
 * import { resolveEmbedder } from "./resolve_embedder.ts";
 * const err = await resolveEmbedder("runs/none/model", "verify").catch((e) => e as Error);
 * console.assert(err instanceof Error && err.message.includes("runs/none/model"));
 * ```
 * @module
 */
import { type Embedder, faceApiEmbedder, modelEmbedder } from "../eval/mod.ts";
import { disposeModel, loadModel } from "../model/mod.ts";
import { FACEAPI_THRESHOLD } from "./faceapi_threshold.ts";

/** "faceapi" (default), a run or model folder path, or an {@link Embedder} object. */
export type EmbedderChoice = "faceapi" | string | Embedder;

/** An embedder ready to use, with the threshold calibrated for it, when one is known. */
export interface ResolvedEmbedder {
  /** The embedder. */
  embedder: Embedder;
  /** "faceapi": photos go to face-api's own pipeline; "model": detect, align, crop first. */
  kind: "faceapi" | "model";
  /** Same-person Euclidean-distance threshold calibrated for this embedder, if known. */
  threshold?: number;
  /** Where `threshold` came from (a constant's name or a file). */
  thresholdSource?: string;
}

const cache = new Map<string, Promise<ResolvedEmbedder>>();

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function readThreshold(dir: string): Promise<number | undefined> {
  const file = `${dir}/threshold.json`;
  if (!(await isFile(file))) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(await Deno.readTextFile(file))?.threshold;
  } catch (e) {
    throw new Error(`cannot read '${file}': ${(e as Error).message}`);
  }
  if (typeof value !== "number" || !(value > 0)) {
    throw new Error(
      `'${file}' must hold {"threshold": <number > 0>}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** The folder holding model.json: `path` itself or its `model/` (a run folder). */
async function findModelDir(path: string): Promise<string> {
  const dir = path.replace(/\/+$/, "");
  if (await isFile(`${dir}/model.json`)) return dir;
  if (await isFile(`${dir}/model/model.json`)) return `${dir}/model`;
  throw new Error(
    `embedder '${path}' holds no model.json (nor model/model.json); expected "faceapi", a run folder or a saveModel directory`,
  );
}

async function loadRunEmbedder(modelDir: string): Promise<ResolvedEmbedder> {
  const model = await loadModel(modelDir).catch((e) => {
    throw new Error(`cannot load the model in '${modelDir}': ${(e as Error).message}`);
  });
  const threshold = await readThreshold(modelDir);
  return {
    // The API loaded the model, so it owns it: releaseEmbedders() disposes it.
    embedder: {
      ...modelEmbedder(model, { name: `model:${modelDir}` }),
      dispose: () => disposeModel(model),
    },
    kind: "model",
    ...(threshold === undefined ? {} : {
      threshold,
      thresholdSource: `${modelDir}/threshold.json`,
    }),
  };
}

/**
 * The embedder for a choice (loaded once per name and cached). Errors start with `caller`.
 *
 * @param choice "faceapi", a run/model folder, or an {@link Embedder}
 * @param caller the function name errors start with, e.g. "embed"
 *
 * @example
 * ```ts
 * import { resolveEmbedder } from "./resolve_embedder.ts";
 * const r = await resolveEmbedder("faceapi", "embed");
 * console.assert(r.kind === "faceapi" && r.embedder.inputSize === 150 && r.threshold! > 0);
 * ```
 */
export async function resolveEmbedder(
  choice: EmbedderChoice,
  caller: string,
): Promise<ResolvedEmbedder> {
  if (typeof choice !== "string") {
    if (!choice || typeof choice.embed !== "function" || !(choice.inputSize > 0)) {
      throw new Error(
        `${caller}: 'embedder' must be "faceapi", a run folder or an Embedder ({ name, inputSize, embed }), got ${
          JSON.stringify(choice)
        }`,
      );
    }
    return { embedder: choice, kind: "model" };
  }
  if (choice.length === 0) throw new Error(`${caller}: 'embedder' is an empty string`);
  let key = choice;
  if (choice !== "faceapi") {
    try {
      key = await findModelDir(choice);
    } catch (e) {
      throw new Error(`${caller}: ${(e as Error).message}`, { cause: e });
    }
  }
  let entry = cache.get(key);
  if (!entry) {
    entry = key === "faceapi"
      ? Promise.resolve({
        embedder: faceApiEmbedder(),
        kind: "faceapi" as const,
        threshold: FACEAPI_THRESHOLD,
        thresholdSource: "FACEAPI_THRESHOLD",
      })
      : loadRunEmbedder(key);
    cache.set(key, entry);
    entry.catch(() => cache.delete(key));
  }
  try {
    return await entry;
  } catch (e) {
    throw new Error(`${caller}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Forgets the cached embedders and disposes the models loaded from run folders (face-api keeps its
 * own nets loaded for the process).
 *
 * @example
 * ```ts
 * import { releaseEmbedders } from "./resolve_embedder.ts";
 * await releaseEmbedders();
 * ```
 */
export async function releaseEmbedders(): Promise<void> {
  const entries = [...cache.values()];
  cache.clear();
  for (const entry of entries) {
    const r = await entry.catch(() => undefined);
    r?.embedder.dispose?.();
  }
}
