/**
 * sharp (libvips, a native library), loaded on the first call that needs it and cached, so that
 * importing lib/data loads no native code.
 *
 * @example
 * ```ts
 * import { loadSharp } from "./load_sharp.ts";
 * const sharp = await loadSharp();
 * const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: "#000" } }).png().toBuffer();
 * console.assert(png.length > 0);
 * ```
 * @module
 */
import type SharpDefault from "sharp";

/** sharp's default export (the `sharp(input, options)` factory). */
export type SharpFactory = typeof SharpDefault;

let cached: Promise<SharpFactory> | undefined;

/** Imports sharp once per process (or Worker) and returns its factory. */
export function loadSharp(): Promise<SharpFactory> {
  cached ??= import("sharp").then((m) => (m.default ?? m) as SharpFactory).catch((e) => {
    cached = undefined;
    throw new Error(`cannot load sharp (npm:sharp, native libvips): ${(e as Error).message}`);
  });
  return cached;
}
