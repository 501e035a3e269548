/**
 * LFW's files as its authors publish them (http://vis-www.cs.umass.edu/lfw/, the "Download" and
 * "Training, Validation, and Testing" sections), with the hashes published for them elsewhere.
 *
 * Where each hash comes from (none is computed here from a download of ours):
 * - SHA-256 of lfw.tgz: TensorFlow Datasets' `url_checksums/lfw.txt` (for the URL below, size
 *   180,566,744 bytes) and scikit-learn's `sklearn/datasets/_lfw.py` (same value, for its mirror).
 * - SHA-256 of pairsDevTrain.txt, pairsDevTest.txt and pairs.txt: scikit-learn's `_lfw.py`. The
 *   pairsDevTest.txt value also matches the byte-identical copy of the file in the LFW site's own
 *   repository (checked on the copy beside this project, `shared/faces/dev/lfw-deepfunneled/`).
 * - MD5 of lfw.tgz and lfw-deepfunneled.tgz: the LFW download page itself; MD5 of the three pairs
 *   files: torchvision's `datasets/lfw.py`.
 * - lfw-deepfunneled.tgz has no SHA-256 we could verify from a published source: it is checked by
 *   its published MD5, and by SHA-256 only when a `SHA256SUMS` file comes with `--from`.
 *
 * @example
 * ```ts
 * import { LFW_FILES } from "./lfw_files.ts";
 * console.assert(LFW_FILES.some((f) => f.name === "pairs.txt" && f.sha256?.length === 64));
 * ```
 * @module
 */
import type { RemoteFile } from "./remote_file.ts";

/** The LFW download page's folder; files are fetched as `<base><name>`. */
export const LFW_BASE_URL = "http://vis-www.cs.umass.edu/lfw/";

/** LFW's archives and pairs files, with their official names and published hashes. */
export const LFW_FILES: readonly RemoteFile[] = Object.freeze([
  {
    name: "lfw.tgz",
    sha256: "055f7d9c632d7370e6fb4afc7468d40f970c34a80d4c6f50ffec63f5a8d536c0",
    md5: "a17d05bd522c52d84eca14327a23d494",
    bytes: 180_566_744,
    extract: true,
  },
  {
    name: "lfw-deepfunneled.tgz",
    md5: "68331da3eb755a505a502b5aacb3c201",
    extract: true,
  },
  {
    name: "pairsDevTrain.txt",
    sha256: "1d454dada7dfeca0e7eab6f65dc4e97a6312d44cf142207be28d688be92aabfa",
    md5: "4f27cbf15b2da4a85c1907eb4181ad21",
  },
  {
    name: "pairsDevTest.txt",
    sha256: "7cb06600ea8b2814ac26e946201cdb304296262aad67d046a16a7ec85d0ff87c",
    md5: "5132f7440eb68cf58910c8a45a2ac10b",
  },
  {
    name: "pairs.txt",
    sha256: "ea42330c62c92989f9d7c03237ed5d591365e89b3e649747777b70e692dc1592",
    md5: "9f1ba174e4e1c508ff7cdf10ac338a7d",
  },
]);
