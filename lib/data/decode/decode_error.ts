/**
 * Why an image could not be decoded: a short reason code plus a message naming what and where.
 * @module
 */

/**
 * Reason codes of {@link ImageDecodeError}, as recorded in the preprocessing manifest:
 * - "empty": zero bytes
 * - "truncated": the data ends early
 * - "not-an-image": no known image signature, or a corrupt header
 * - "unsupported": an image format or variant this toolkit cannot decode
 * - "too-large": more pixels than the decompression-bomb limit
 * - "too-small": a side shorter than the minimum
 * - "unreadable": the file cannot be read (permissions, dangling link, not a file)
 */
export type DecodeFailure =
  | "empty"
  | "truncated"
  | "not-an-image"
  | "unsupported"
  | "too-large"
  | "too-small"
  | "unreadable";

/**
 * An image that could not be decoded, with a {@link DecodeFailure} reason.
 *
 * @example
 * ```ts
 * import { ImageDecodeError } from "./decode_error.ts";
 * const e = new ImageDecodeError("empty", "a.jpg: zero bytes");
 * console.assert(e.reason === "empty");
 * ```
 */
export class ImageDecodeError extends Error {
  /** The reason code. */
  readonly reason: DecodeFailure;
  constructor(reason: DecodeFailure, message: string) {
    super(message);
    this.name = "ImageDecodeError";
    this.reason = reason;
  }
}
