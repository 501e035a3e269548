/**
 * `deno task bench <name> [flags]`: runs bench/<name>.ts, whose default export takes the remaining
 * arguments. Each benchmark prints its ratios measured in one run, as a table and as JSON.
 * @module
 */
const BENCHES = ["backend", "model", "losses", "data", "train"] as const;
const [name, ...rest] = Deno.args;
if (!name || !(BENCHES as readonly string[]).includes(name)) {
  console.error(`usage: deno task bench <${BENCHES.join("|")}> [flags]`);
  Deno.exit(name ? 2 : 0);
}
const mod = await import(`./${name}.ts`);
await mod.default(rest);
