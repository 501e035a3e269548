import assert from "node:assert/strict";

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) yield* tsFiles(p);
    else if (e.name.endsWith(".ts")) yield p;
  }
}

Deno.test("lib/ never reads tensors synchronously (dataSync/arraySync break WebGPU)", async () => {
  const root = new URL("../../lib", import.meta.url).pathname;
  const offenders: string[] = [];
  for await (const f of tsFiles(root)) {
    const lines = (await Deno.readTextFile(f)).split("\n");
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, "");
      if (/\b(dataSync|arraySync)\s*\(/.test(code) && !/^\s*\*/.test(code)) {
        offenders.push(`${f}:${i + 1}`);
      }
    });
  }
  assert.deepEqual(offenders, [], `synchronous tensor reads in lib/: ${offenders.join(", ")}`);
});
