/**
 * Local stand-in for the subset of `jsr:@std/cli` this toolkit uses, because JSR is unreachable
 * from our build machines. deno.json maps `@std/cli` here; a user who reaches JSR can switch back by
 * changing that one line to `"@std/cli": "jsr:@std/cli@^1"`.
 *
 * Offered: `parseArgs(args, { string, boolean, collect, alias, default, negatable, unknown })` with
 * the same result shape as @std/cli (`_` for positionals, `--no-x` for negatable booleans,
 * `--key=value` and `--key value`).
 *
 * @example
 * ```ts
 * import { parseArgs } from "./std_cli.ts";
 * const flags = parseArgs(["--size", "96", "-v", "run"], { string: ["size"], boolean: ["v"] });
 * console.assert(flags.size === "96" && flags.v === true && flags._[0] === "run");
 * ```
 * @module
 */

/** Options for {@link parseArgs}, a subset of @std/cli's. */
export interface ParseOptions {
  string?: string[];
  boolean?: string[];
  collect?: string[];
  negatable?: string[];
  alias?: Record<string, string | string[]>;
  default?: Record<string, unknown>;
  /** Called for unknown flags; return false to drop the flag. */
  unknown?: (arg: string, key?: string, value?: unknown) => unknown;
  /** Stop parsing at the first positional argument ("--" always stops). */
  stopEarly?: boolean;
}

/** Parsed arguments: flags by name plus `_` positionals. */
export type Args = { _: Array<string | number>; [key: string]: unknown };

/** Parses command-line arguments like @std/cli's parseArgs (the subset documented above). */
export function parseArgs(args: string[], options: ParseOptions = {}): Args {
  const strings = new Set(options.string ?? []);
  const booleans = new Set(options.boolean ?? []);
  const collect = new Set(options.collect ?? []);
  // Aliases are symmetric, as in @std/cli: `alias: { h: "help" }` makes -h and --help one flag,
  // and the result carries the value under every name of the group.
  const groups = new Map<string, string[]>();
  for (const [k, v] of Object.entries(options.alias ?? {})) {
    const names = [k, ...(Array.isArray(v) ? v : [v])];
    const merged = [...new Set(names.flatMap((n) => groups.get(n) ?? [n]))];
    for (const n of merged) groups.set(n, merged);
  }
  const namesOf = (k: string) => groups.get(k) ?? [k];
  const declared = (k: string) => strings.has(k) || booleans.has(k) || collect.has(k);
  const canon = (k: string) => namesOf(k).find(declared) ?? k;
  const out: Args = { _: [] };
  for (const b of booleans) for (const n of namesOf(b)) out[n] = false;
  for (const c of collect) for (const n of namesOf(c)) out[n] = [];
  for (const [k, v] of Object.entries(options.default ?? {})) {
    for (const n of namesOf(k)) out[n] = v;
  }
  const known = (k: string) => namesOf(k).some(declared);
  const set = (key: string, value: unknown, raw: string) => {
    if (!known(key) && options.unknown && options.unknown(raw, key, value) === false) return;
    for (const n of namesOf(key)) {
      if (collect.has(key)) out[n] = [...((out[n] as unknown[] | undefined) ?? []), value];
      else out[n] = value;
    }
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      out._.push(...args.slice(i + 1));
      break;
    }
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!m || arg === "-" || /^-\d/.test(arg)) {
      out._.push(arg);
      if (options.stopEarly) {
        out._.push(...args.slice(i + 1));
        break;
      }
      continue;
    }
    let key = canon(m[1]);
    let value: unknown = m[2];
    if (value === undefined && key.startsWith("no-") && booleans.has(canon(key.slice(3)))) {
      key = canon(key.slice(3));
      set(key, false, arg);
      continue;
    }
    if (booleans.has(key)) {
      set(key, value === undefined ? true : value !== "false", arg);
      continue;
    }
    if (value === undefined) {
      const nextArg = args[i + 1];
      if (nextArg !== undefined && (!nextArg.startsWith("-") || /^-\d/.test(nextArg))) {
        value = nextArg;
        i++;
      } else value = strings.has(key) || collect.has(key) ? "" : true;
    }
    set(key, value, arg);
  }
  return out;
}
