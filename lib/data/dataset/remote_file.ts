/**
 * A file a dataset is downloaded as: its official name and the hashes published for it.
 * @module
 */

/** One file to fetch, under its official name, with what it is checked against. */
export interface RemoteFile {
  /** The official file name (no folders), e.g. "lfw.tgz". */
  name: string;
  /** Published SHA-256 (64 hex digits). */
  sha256?: string;
  /** Published MD5 (32 hex digits), checked too when given (the only check where no SHA-256 is known). */
  md5?: string;
  /** Size in bytes, when published (shown as the progress total when the server sends none). */
  bytes?: number;
  /** A gzipped tar archive to unpack into the output folder once verified. Default false. */
  extract?: boolean;
}
