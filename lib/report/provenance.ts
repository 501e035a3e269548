/**
 * Provenance of a run: git revision (and whether the tree had uncommitted changes), tfjs backend,
 * tfjs/Deno versions, platform and command line, so a result can be traced to the code that made it.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** What {@link collectProvenance} records. */
export interface Provenance {
  /** `git rev-parse HEAD`, or "unknown" (see gitError). */
  gitRevision: string;
  /** True when `git status --porcelain` lists changes; null when git could not be asked. */
  gitDirty: boolean | null;
  /** Why git could not be asked, when it could not. */
  gitError?: string;
  /** Active tfjs backend (`tf.getBackend()`), or the one passed in. */
  backend: string;
  versions: { deno: string; v8: string; typescript: string; tfjs: string };
  platform: { os: string; arch: string; cpus: number | null };
  /** Command-line arguments of the process. */
  args: string[];
  /** ISO time the provenance was taken. */
  time: string;
}

async function git(args: string[], cwd?: string): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(new TextDecoder().decode(out.stderr).trim() || `git ${args.join(" ")} failed`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/**
 * Collects provenance. Never throws for a missing git or permission: it records why instead.
 *
 * @example
 * ```ts
 * import { collectProvenance } from "./provenance.ts";
 * const p = await collectProvenance({ backend: "cpu" });
 * console.assert(p.backend === "cpu" && p.versions.deno.length > 0);
 * ```
 */
export async function collectProvenance(
  options: { backend?: string; cwd?: string } = {},
): Promise<Provenance> {
  let gitRevision = "unknown", gitDirty: boolean | null = null, gitError: string | undefined;
  try {
    gitRevision = await git(["rev-parse", "HEAD"], options.cwd);
    gitDirty =
      (await git(["status", "--porcelain", "--untracked-files=no"], options.cwd)).length > 0;
  } catch (e) {
    gitError = e instanceof Error ? e.message : String(e);
  }
  let cpus: number | null = null;
  try {
    cpus = navigator.hardwareConcurrency ?? null;
  } catch { /* not available */ }
  return {
    gitRevision,
    gitDirty,
    ...(gitError ? { gitError } : {}),
    backend: options.backend ?? (tf.getBackend() || "none"),
    versions: {
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
      tfjs: tf.version.tfjs,
    },
    platform: { os: Deno.build.os, arch: Deno.build.arch, cpus },
    args: [...Deno.args],
    time: new Date().toISOString(),
  };
}
