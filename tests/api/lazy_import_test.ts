/**
 * Importing the package's entry points loads no heavy native dependency: sharp (libvips through
 * Node-API, needing ffi), face-api (its nets and a 1 MB bundle) and tfjs-node load on first use.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const ENTRIES = ["mod.ts", "lib/api/mod.ts", "lib/eval/mod.ts"];
const HEAVY = /^npm:\/?(sharp|@vladmandic\/face-api|@tensorflow\/tfjs-node(-gpu)?)(@|\/|$)/;

interface GraphModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
}

/** The heavy npm modules reachable from `entry` through static imports, with one path to each. */
async function staticHeavyImports(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: GraphModule[];
    redirects: Record<string, string>;
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const via = new Map<string, string>(info.roots.map((r) => [r, ""]));
  const queue = [...info.roots];
  const heavy: string[] = [];
  while (queue.length > 0) {
    const s = queue.shift()!;
    for (const dep of bySpecifier.get(s)?.dependencies ?? []) {
      if (dep.isDynamic || !dep.code) continue;
      const target = info.redirects[dep.code.specifier] ?? dep.code.specifier;
      if (via.has(target)) continue;
      via.set(target, s);
      if (HEAVY.test(target)) {
        heavy.push(`${target} (imported by ${s.replace(ROOT.href, "")})`);
      } else queue.push(target);
    }
  }
  return heavy;
}

for (const entry of ENTRIES) {
  Deno.test(`importing ${entry} statically imports no sharp, face-api or tfjs-node`, async () => {
    assert.deepEqual(await staticHeavyImports(entry), []);
  });

  Deno.test(`importing ${entry} needs no ffi, chooses no backend and prints nothing`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      // No --allow-ffi: sharp's native addon (loaded by `import sharp`) would fail to load.
      args: [
        "run",
        "--no-prompt",
        "--allow-read",
        "--allow-env",
        "tests/api/_import_probe.ts",
        new URL(entry, ROOT).href,
      ],
      cwd: ROOT.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, `import failed without ffi:\n${stderr.slice(-2000)}`);
    assert.equal(new TextDecoder().decode(out.stdout), "", "nothing printed at import");
    assert.match(stderr, /backend=(undefined|null)$/, "no backend chosen at import");
  });
}
