/**
 * Facts about where a run's embedding went, from lib/train's forensics snapshots (last against
 * first): the outputs' pairwise cosine, the growth of the pre-L2 norm and of the first layer's
 * gradient.
 * @module
 */
import type { Forensics } from "../../train/mod.ts";

/** Facts from the forensics snapshots (last against first). */
export interface OutputGeometry {
  /** Mean pairwise cosine of the outputs at the last snapshot. */
  cosine: number;
  /** Last / first mean pre-L2 norm. */
  normGrowth: number;
  /** Last / first gradient norm of the first layer. */
  gradRatio: number;
  /** lib/train's diagnosis of the last snapshot says collapsed. */
  collapsed?: boolean;
}

/**
 * The geometry of the last forensics snapshot against the first (NaN when there are none).
 *
 * @example
 * ```ts
 * import { outputGeometry } from "./output_geometry.ts";
 * console.assert(Number.isNaN(outputGeometry([]).cosine));
 * ```
 */
export function outputGeometry(forensics: readonly Forensics[]): OutputGeometry {
  const f0 = forensics[0], f1 = forensics[forensics.length - 1];
  if (!f0 || !f1) return { cosine: NaN, normGrowth: NaN, gradRatio: NaN };
  const g0 = f0.gradNorms ? Object.values(f0.gradNorms)[0] : NaN;
  const g1 = f1.gradNorms ? Object.values(f1.gradNorms)[0] : NaN;
  return {
    cosine: f1.cosine.mean,
    normGrowth: f1.preL2.norm.mean / f0.preL2.norm.mean,
    gradRatio: g1 / g0,
  };
}

/**
 * One clause stating the geometry's numbers.
 *
 * @example
 * ```ts
 * import { geometrySentence } from "./output_geometry.ts";
 * console.assert(geometrySentence({ cosine: 1, normGrowth: 20, gradRatio: 1e-3 }).includes("×20.0"));
 * ```
 */
export function geometrySentence(g: OutputGeometry): string {
  return `pre-L2 norm ×${g.normGrowth.toPrecision(3)}, output pairwise cosine ${
    g.cosine.toFixed(6)
  } (one shared direction), first-layer gradient ×${g.gradRatio.toExponential(2)}`;
}
