/**
 * deno.json's permission sets say what each task does, and the tasks use them: writes only to
 * data/, runs/ and the temp folder, subprocesses only git and python3, ffi only where sharp or
 * oneDNN load, network only for dataset downloads.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
  tasks: Record<string, string>;
  permissions: Record<string, Record<string, unknown>>;
};

/** Task → its permission set, and what that set may hold. */
const TASKS: Record<string, { write: string[]; run: string[]; ffi: boolean; net: boolean }> = {
  model: { write: ["data", "runs", "/tmp"], run: [], ffi: false, net: false },
  experiment: { write: ["data", "runs", "/tmp"], run: ["git"], ffi: true, net: false },
  train: { write: ["data", "runs", "/tmp"], run: ["git"], ffi: true, net: false },
  eval: { write: ["data", "runs", "/tmp"], run: ["git"], ffi: true, net: false },
  data: { write: ["data", "/tmp"], run: [], ffi: true, net: true },
  preprocess: { write: ["data", "/tmp"], run: [], ffi: true, net: false },
};

for (const [task, allowed] of Object.entries(TASKS)) {
  Deno.test(`task '${task}' runs with permission set '${task}', which grants only what it needs`, () => {
    const command = config.tasks[task];
    assert.ok(command, `deno.json has no task '${task}'`);
    assert.match(command, new RegExp(`^deno run -P=${task} `));
    assert.doesNotMatch(command, /--allow-|(^| )-A( |$)/, "no extra flags beside the set");
    const set = config.permissions[task];
    assert.ok(set, `deno.json has no permission set '${task}'`);
    assert.deepEqual(set.write, allowed.write);
    assert.deepEqual(set.run ?? [], allowed.run);
    assert.equal(set.ffi === true, allowed.ffi);
    assert.equal(set.net === true, allowed.net);
    assert.equal(set.read, true); // data sets and photos live wherever the user keeps them
  });
}

Deno.test("no task uses --allow-all, and the test task uses the 'test' set", () => {
  for (const [name, command] of Object.entries(config.tasks)) {
    assert.doesNotMatch(command, /--allow-all|(^| )-A( |$)/, `task '${name}'`);
  }
  assert.match(config.tasks.test, /^deno test -P=test /);
});

Deno.test("the 'model' set refuses writes outside data/, runs/ and /tmp, and ffi", async () => {
  const probe = await Deno.makeTempFile({ dir: new URL("runs", ROOT).pathname, suffix: ".ts" })
    .catch(async () => {
      await Deno.mkdir(new URL("runs", ROOT), { recursive: true });
      return await Deno.makeTempFile({ dir: new URL("runs", ROOT).pathname, suffix: ".ts" });
    });
  await Deno.writeTextFile(
    probe,
    `const q = (d: Deno.PermissionDescriptor) => Deno.permissions.querySync(d).state;
console.log(JSON.stringify({
  runs: q({ name: "write", path: "runs/x" }),
  data: q({ name: "write", path: "data/x" }),
  tmp: q({ name: "write", path: "/tmp/x" }),
  root: q({ name: "write", path: "deno.json" }),
  outside: q({ name: "write", path: "/var/facenet-lab-probe" }),
  ffi: q({ name: "ffi" }),
  git: q({ name: "run", command: "git" }),
  net: q({ name: "net" }),
}));`,
  );
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "-P=model", probe],
      cwd: ROOT.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const r = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.deepEqual(r, {
      runs: "granted",
      data: "granted",
      tmp: "granted",
      // A checkout under /tmp (e.g. a fresh clone in mktemp -d) is writable through the /tmp
      // grant, so the project root is refused only when it lies elsewhere; /var is refused always.
      root: ROOT.pathname.startsWith("/tmp/") ? "granted" : "prompt",
      outside: "prompt",
      ffi: "prompt",
      git: "prompt",
      net: "prompt",
    });
  } finally {
    await Deno.remove(probe);
  }
});
