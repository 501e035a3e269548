import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as tar from "tar";
import {
  downloadDataset,
  downloadFiles,
  type DownloadFilesOptions,
} from "../../../lib/data/dataset/download.ts";
import { LFW_FILES } from "../../../lib/data/dataset/lfw_files.ts";
import { createProgress } from "../../../lib/cli/mod.ts";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** A small gzipped tar, built here: tiny/Ann/Ann_0001.jpg, tiny/Ann/Ann_0002.jpg, tiny/Bob/Bob_0001.jpg. */
async function tinyArchive(dir: string): Promise<Uint8Array> {
  const src = `${dir}/src`;
  for (const [who, n] of [["Ann", 2], ["Bob", 1]] as const) {
    await Deno.mkdir(`${src}/tiny/${who}`, { recursive: true });
    for (let i = 1; i <= n; i++) {
      // Incompressible-ish bytes so the archive spans many chunks.
      const bytes = new Uint8Array(60_000).map((_, k) => (k * 2654435761 + i * 97) >>> 24);
      await Deno.writeFile(`${src}/tiny/${who}/${who}_000${i}.jpg`, bytes);
    }
  }
  await tar.c({ gzip: true, file: `${dir}/tiny.tgz`, cwd: src }, ["tiny"]);
  return await Deno.readFile(`${dir}/tiny.tgz`);
}

interface Served {
  url: string;
  requests: { path: string; range: string | null }[];
  /** Serve only this many bytes of the next request for a file, then end the connection early. */
  cut: Map<string, number>;
  close(): Promise<void>;
}

/** An HTTP server on the loopback address with Range support, serving `files` by name. */
function serve(files: Map<string, Uint8Array>): Served {
  const requests: Served["requests"] = [];
  const cut = new Map<string, number>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const name = decodeURIComponent(new URL(req.url).pathname.slice(1));
    const range = req.headers.get("range");
    requests.push({ path: name, range });
    const data = files.get(name);
    if (!data) return new Response("not found", { status: 404 });
    let start = 0;
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      start = Number(m[1]);
      if (start >= data.length) {
        return new Response(null, {
          status: 416,
          headers: { "content-range": `bytes */${data.length}` },
        });
      }
    }
    const slice = data.subarray(start);
    const headers: Record<string, string> = { "content-length": String(slice.length) };
    if (m) headers["content-range"] = `bytes ${start}-${data.length - 1}/${data.length}`;
    const limit = cut.get(name);
    cut.delete(name);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(limit === undefined ? slice : slice.subarray(0, limit));
        c.close(); // with a shorter body than content-length, the client sees a broken transfer
      },
    });
    return new Response(body, { status: m ? 206 : 200, headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    requests,
    cut,
    close: () => server.shutdown(),
  };
}

Deno.test("downloadFiles() resumes an interrupted download with Range, verifies and unpacks it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "download_test_" });
  const archive = await tinyArchive(dir);
  const pairs = new TextEncoder().encode("1\nAnn\t1\t2\n");
  const server = serve(new Map([["tiny.tgz", archive], ["pairs.txt", pairs]]));
  const out = `${dir}/out`;
  const files = [
    { name: "tiny.tgz", sha256: sha256(archive), extract: true },
    { name: "pairs.txt", sha256: sha256(pairs) },
  ];
  const lines: string[] = [];
  const bars: string[] = [];
  const options: DownloadFilesOptions = {
    from: server.url,
    out,
    print: (l) => lines.push(l),
    progress: (total, initial, label) => {
      bars.push(`${label} ${initial}/${total}`);
      return createProgress(total, { label, unit: "MB", initial, mode: "silent" });
    },
  };
  try {
    const half = Math.floor(archive.length / 2);
    server.cut.set("tiny.tgz", half);
    await assert.rejects(
      downloadFiles(files, options),
      /tiny\.tgz: stopped after \d+ bytes .*'.*tiny\.tgz\.part' is kept: rerun to resume/,
    );
    const partSize = (await Deno.stat(`${out}/tiny.tgz.part`)).size;
    assert.ok(partSize > 0 && partSize <= half, `part holds ${partSize} of ${half} bytes`);
    await assert.rejects(Deno.stat(`${out}/tiny.tgz`), Deno.errors.NotFound);

    const r = await downloadFiles(files, options);
    const tgz = r.files.find((f) => f.name === "tiny.tgz")!;
    assert.equal(tgz.action, "resumed");
    assert.equal(tgz.resumedFrom, partSize);
    assert.deepEqual(tgz.checkedBy, ["sha256"]);
    assert.deepEqual(tgz.extracted, ["tiny"]);
    assert.deepEqual(
      server.requests.filter((q) => q.path === "tiny.tgz").map((q) => q.range),
      [null, `bytes=${partSize}-`],
    );
    assert.deepEqual(await Deno.readFile(`${out}/tiny.tgz`), archive);
    await assert.rejects(Deno.stat(`${out}/tiny.tgz.part`), Deno.errors.NotFound);
    assert.deepEqual(
      await Deno.readFile(`${out}/tiny/Ann/Ann_0002.jpg`),
      await Deno.readFile(`${dir}/src/tiny/Ann/Ann_0002.jpg`),
    );
    assert.equal((await Deno.stat(`${out}/tiny/Bob/Bob_0001.jpg`)).size, 60_000);
    assert.equal(r.files.find((f) => f.name === "pairs.txt")!.action, "downloaded");
    assert.ok(bars.includes("tiny.tgz 0/1"), bars.join("; "));

    // A third run fetches nothing and unpacks nothing.
    const before = server.requests.length;
    const again = await downloadFiles(files, options);
    assert.deepEqual(again.files.map((f) => f.action), ["present", "present"]);
    assert.deepEqual(again.files[0].extracted, []);
    assert.equal(server.requests.length, before + 1, "only SHA256SUMS was asked for");
    assert.ok(lines.some((l) => l === "tiny.tgz: already unpacked"), lines.join("\n"));

    // A kept file that no longer matches is named, not silently replaced.
    await Deno.writeTextFile(`${out}/pairs.txt`, "edited\n");
    await assert.rejects(
      downloadFiles(files, options),
      /pairs\.txt: SHA-256 of .*\/pairs\.txt \(already there\) is .*; delete it to download again/,
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFiles() fails on a hash mismatch, naming the file, and keeps nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "download_test_" });
  const good = new TextEncoder().encode("10\t300\n");
  const server = serve(new Map([["pairs.txt", new TextEncoder().encode("tampered\n")]]));
  try {
    await assert.rejects(
      downloadFiles([{ name: "pairs.txt", sha256: sha256(good) }], {
        from: server.url,
        out: dir,
      }),
      (e: Error) => {
        assert.match(
          e.message,
          /^download: pairs\.txt: SHA-256 of the file from http:\/\/127\.0\.0\.1:\d+\/ is /,
        );
        assert.match(
          e.message,
          new RegExp(`is ${sha256(new TextEncoder().encode("tampered\n"))}`),
        );
        assert.match(e.message, new RegExp(`expected ${sha256(good)}`));
        return true;
      },
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), []);
    // The real LFW table: a file served under an official name with other bytes is refused.
    await assert.rejects(
      downloadDataset("lfw", { from: server.url, out: dir, only: ["pairs.txt"] }),
      /download: pairs\.txt: SHA-256 of .* is .*, expected ea42330c62c92989f9d7c03237ed5d591365e89b3e649747777b70e692dc1592/,
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFiles() checks a file with no published hash against SHA256SUMS, and refuses it without one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "download_test_" });
  const data = new TextEncoder().encode("some data\n");
  const files = new Map([["extra.txt", data]]);
  const server = serve(files);
  try {
    await assert.rejects(
      downloadFiles([{ name: "extra.txt" }], { from: server.url, out: `${dir}/a` }),
      /no published hash is known for 'extra\.txt' .*refusing/,
    );
    files.set("SHA256SUMS", new TextEncoder().encode(`${sha256(data)}  extra.txt\n`));
    const r = await downloadFiles([{ name: "extra.txt" }], { from: server.url, out: `${dir}/a` });
    assert.deepEqual(r.files[0].checkedBy, ["SHA256SUMS"]);
    files.set("SHA256SUMS", new TextEncoder().encode(`${"0".repeat(64)} *extra.txt\n`));
    await assert.rejects(
      downloadFiles([{ name: "extra.txt" }], { from: server.url, out: `${dir}/b` }),
      /extra\.txt: SHA-256 \(SHA256SUMS\) of .* is .*, expected 0{64}/,
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFiles() copies from a folder and names bad options before any work", async () => {
  const dir = await Deno.makeTempDir({ prefix: "download_test_" });
  const data = new TextEncoder().encode("folder copy\n");
  await Deno.mkdir(`${dir}/src`);
  await Deno.writeFile(`${dir}/src/a.txt`, data);
  try {
    const r = await downloadFiles([{ name: "a.txt", sha256: sha256(data) }], {
      from: `${dir}/src`,
      out: `${dir}/out`,
    });
    assert.equal(r.files[0].action, "copied");
    assert.deepEqual(await Deno.readFile(`${dir}/out/a.txt`), data);
    await assert.rejects(
      downloadFiles([{ name: "a.txt", sha256: sha256(data) }], {
        from: `${dir}/nope`,
        out: `${dir}/out2`,
      }),
      /--from '.*nope' is neither an http\(s\) URL nor a readable folder/,
    );
    await assert.rejects(
      downloadDataset("lfw", { from: `${dir}/src`, out: `${dir}/out3`, only: ["lfw.zip"] }),
      /unknown file 'lfw\.zip'; choose from lfw\.tgz, lfw-deepfunneled\.tgz, pairsDevTrain\.txt, pairsDevTest\.txt, pairs\.txt/,
    );
    // A site that cannot be reached (a closed port on the loopback address) is named, with the way out.
    const closed = serve(new Map());
    await closed.close();
    await assert.rejects(
      downloadDataset("lfw", { from: closed.url, out: `${dir}/out4`, only: ["pairs.txt"] }),
      /cannot reach http:\/\/127\.0\.0\.1:\d+\/: .*--from URL\|DIR/,
    );
    await assert.rejects(Deno.stat(`${dir}/out2`), Deno.errors.NotFound);
    await assert.rejects(Deno.stat(`${dir}/out3`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const officialDevTest = new URL(
  "../../../../shared/faces/dev/lfw-deepfunneled/pairsDevTest.txt",
  import.meta.url,
).pathname;
let haveOfficial = false;
try {
  haveOfficial = Deno.statSync(officialDevTest).isFile;
} catch { /* absent */ }

Deno.test({
  name:
    "the LFW table's pairsDevTest.txt hashes match the official file (the copy beside the project)",
  ignore: !haveOfficial,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "download_test_" });
    try {
      const from = officialDevTest.slice(0, officialDevTest.lastIndexOf("/"));
      const r = await downloadDataset("lfw", { from, out: dir, only: ["pairsDevTest.txt"] });
      assert.deepEqual(r.files[0].checkedBy, ["sha256", "md5"]);
      assert.equal(
        r.files[0].sha256,
        LFW_FILES.find((f) => f.name === "pairsDevTest.txt")!.sha256,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
