import assert from "node:assert/strict";
import { scanImages } from "../../../lib/data/preprocess/scan_images.ts";
import { symlink } from "../_symlink.ts";

Deno.test("scanImages() lists images sorted, skips hidden and _ names, and never lets outputs collide", async () => {
  const dir = await Deno.makeTempDir();
  const files = [
    "b/1.JPG",
    "a/x.png",
    "a/x.jpg",
    "a/y.pgm",
    "a/.hidden.jpg",
    "_cache/z.jpg",
    "a/readme.txt",
    "root.bmp",
    "out/already.jpg",
  ];
  for (const f of files) {
    await Deno.mkdir(`${dir}/${f.slice(0, f.lastIndexOf("/") + 1) || "."}`, { recursive: true });
    await Deno.writeFile(`${dir}/${f}`, new Uint8Array([1]));
  }
  await symlink(`${dir}/gone.jpg`, `${dir}/a/dangling.jpg`);
  const jobs = await scanImages(dir, { exclude: [`${dir}/out`] });
  assert.deepEqual(jobs, [
    { path: "a/dangling.jpg", output: "a/dangling.jpg" },
    { path: "a/x.jpg", output: "a/x.jpg.jpg" },
    { path: "a/x.png", output: "a/x.png.jpg" },
    { path: "a/y.pgm", output: "a/y.jpg" },
    { path: "b/1.JPG", output: "b/1.jpg" },
    { path: "root.bmp", output: "root.jpg" },
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("scanImages() names a missing input folder", async () => {
  await assert.rejects(
    () => scanImages("/nonexistent/faces"),
    /cannot read input folder '\/nonexistent\/faces'/,
  );
});
