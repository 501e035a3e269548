/**
 * The Deno Worker of {@link preprocessDataset}: chooses the tfjs backend and loads face-api once,
 * then preprocesses the images it is sent, replying with one manifest entry per image.
 *
 * Protocol: ← {type:"init", backend, detector, where, options} → {type:"ready", summary} |
 * {type:"fatal", error}; ← {type:"job", id, job} → {type:"done", id, entry}.
 * @module
 */
/// <reference lib="deno.worker" />
import { type BackendPreference, initBackend } from "../../backend/mod.ts";
import { preloadFaceApi } from "../face/face_api.ts";
import { preprocessImage, type PreprocessImageOptions } from "./preprocess_image.ts";
import type { PreprocessJob } from "./scan_images.ts";

interface Where {
  inRoot: string;
  outRoot: string;
  tmpDir: string;
}

let where: Where | undefined;
let options: PreprocessImageOptions = {};

self.onmessage = async (ev: MessageEvent) => {
  const msg = ev.data;
  if (msg.type === "init") {
    try {
      const choice = await initBackend(msg.backend as BackendPreference, {
        wasmThreads: msg.wasmThreads,
      });
      await preloadFaceApi({ detector: msg.options.detector });
      where = msg.where;
      options = msg.options;
      self.postMessage({ type: "ready", summary: choice.summary });
    } catch (e) {
      self.postMessage({ type: "fatal", error: String((e as Error)?.message ?? e) });
    }
  } else if (msg.type === "job") {
    const entry = await preprocessImage(msg.job as PreprocessJob, where!, options);
    self.postMessage({ type: "done", id: msg.id, entry });
  }
};
