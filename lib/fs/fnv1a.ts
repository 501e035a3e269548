/**
 * FNV-1a, 32 bits, of a string's UTF-8 bytes: the one short content hash the toolkit names things
 * by (run folders per resolved config, crop caches, dataset shards, patched worker files).
 *
 * @example
 * ```ts
 * import { fnv1a32, fnv1aHex } from "./fnv1a.ts";
 * console.assert(fnv1a32("") === 0x811c9dc5);
 * console.assert(fnv1aHex("a") === "e40c292c");
 * ```
 * @module
 */

/** The hash as an unsigned 32-bit number. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The hash as 8 lower-case hex digits. */
export function fnv1aHex(text: string): string {
  return fnv1a32(text).toString(16).padStart(8, "0");
}
