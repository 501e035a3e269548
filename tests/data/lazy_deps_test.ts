/**
 * Importing lib/data/mod.ts loads neither sharp (native libvips) nor @vladmandic/face-api: a
 * subprocess imports it under an import map that sends both to modules that throw when loaded, then
 * calls one function needing each, to show the stubs were really in the way.
 */
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url);

const PROBE = `
const report = { imported: false, importError: "", nativeSharp: [], sharpCall: "", faceApiCall: "" };
try {
  const data = await import(${JSON.stringify(new URL("lib/data/mod.ts", root).href)});
  report.imported = true;
  try {
    report.nativeSharp = Deno.readTextFileSync("/proc/self/maps").split("\\n")
      .filter((l) => /sharp-|libvips/.test(l)).map((l) => l.split(/\\s+/).pop());
  } catch { /* not Linux */ }
  const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"), (c) => c.charCodeAt(0));
  await data.decodeImage(png, { minSide: 1 }).catch((e) => (report.sharpCall = e.message));
  await data.preloadFaceApi().catch((e) => (report.faceApiCall = e.message));
} catch (e) {
  report.importError = e.message;
}
console.log(JSON.stringify(report));
`;

Deno.test("importing lib/data/mod.ts loads neither sharp nor face-api until a function needs them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lazy_deps_test_" });
  try {
    const stub = `${dir}/stub.js`;
    await Deno.writeTextFile(stub, `throw new Error("stub loaded: " + import.meta.url);\n`);
    await Deno.mkdir(`${dir}/face-api/dist`, { recursive: true });
    await Deno.copyFile(stub, `${dir}/face-api/dist/face-api.node-wasm.js`);
    const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
    const imports: Record<string, string> = {};
    for (const [k, v] of Object.entries(config.imports as Record<string, string>)) {
      imports[k] = v.startsWith("./") ? new URL(v, root).href : v;
    }
    imports["sharp"] = `file://${stub}`;
    imports["@vladmandic/face-api/"] = `file://${dir}/face-api/`;
    await Deno.writeTextFile(`${dir}/map.json`, JSON.stringify({ imports }));
    await Deno.writeTextFile(`${dir}/probe.ts`, PROBE);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-env",
        "--allow-sys",
        "--no-check",
        "--import-map",
        `${dir}/map.json`,
        `${dir}/probe.ts`,
      ],
      cwd: root.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `probe failed:\n${stderr}`);
    const report = JSON.parse(stdout.trim().split("\n").pop()!);
    assert.equal(report.importError, "", "importing lib/data/mod.ts loaded a stubbed dependency");
    assert.ok(report.imported);
    assert.deepEqual(report.nativeSharp, [], "sharp's native library is mapped after the import");
    // The stubs were in the way: the first function needing each dependency hit its stub.
    assert.match(report.sharpCall, /stub loaded: .*stub\.js/);
    assert.match(report.faceApiCall, /stub loaded: .*face-api\.node-wasm\.js/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
