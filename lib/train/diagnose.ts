/**
 * Names the mechanism of an embedding collapse from forensics snapshots (see forensics.ts):
 *
 * - "dead-units": some ReLU layer has every unit dead over the batch, so everything after it sees a
 *   constant input: the output is independent of the input and no gradient reaches earlier layers.
 * - "shrinking-geometry": all layers alive, but the embeddings before L2 normalisation shrank
 *   together — their norm fell (vs the first snapshot) or their spread relative to their norm
 *   vanished — so the normalised outputs coincide.
 * - "vanishing-gradient": no collapse of the output geometry, but the gradient reaching the first
 *   layers is negligible next to the last layers' (the network stopped learning from the bottom).
 * - "overflow": the pre-L2 embedding's squared norm overflowed float32 (|x| > ~1.8e19): the L2
 *   normalisation x·rsqrt(Σx²) = x·0 maps every input to the zero vector (weights blew up).
 * - "constant-output": output collapsed with live units, a healthy pre-L2 spread history and
 *   gradients — e.g. a bias-dominated final layer; named so it is not mistaken for the others.
 * - "none": no collapse.
 *
 * @example
 * ```ts
 * import { diagnoseCollapse } from "./diagnose.ts";
 * const snap = {
 *   batch: 8,
 *   layers: [{ name: "conv1", className: "Conv2D", units: 4, dead: 4, deadFraction: 1, activationRms: 0, zeroFraction: 1 }],
 *   preL2: { layer: "dense", norm: { mean: 1, std: 0, min: 1, max: 1 }, relativeSpread: 0 },
 *   cosine: { mean: 1, std: 0, min: 1, max: 1 },
 *   outputSpread: 0,
 * };
 * console.assert(diagnoseCollapse(snap).mechanism === "dead-units");
 * ```
 * @module
 */
import type { Forensics } from "./forensics.ts";

/** A collapse mechanism. */
export type CollapseMechanism =
  | "none"
  | "dead-units"
  | "shrinking-geometry"
  | "vanishing-gradient"
  | "overflow"
  | "constant-output";

/** The verdict of {@link diagnoseCollapse}. */
export interface CollapseDiagnosis {
  /** Whether the output embeddings have collapsed (coincide up to the tolerances). */
  collapsed: boolean;
  mechanism: CollapseMechanism;
  /** The layer the mechanism points at, when there is one. */
  layer?: string;
  /** Step of the snapshot the verdict is about. */
  step?: number;
  /** Human-readable facts behind the verdict. */
  evidence: string[];
  /** One sentence. */
  summary: string;
}

/** Tolerances of {@link diagnoseCollapse}. */
export interface DiagnoseOptions {
  /** Output collapsed when the std of pairwise cosines is below this. Default 1e-3. */
  cosineStdTol?: number;
  /** ... and their mean above 1 − this. Default 1e-3. */
  cosineMeanTol?: number;
  /** Output collapsed when the mean pairwise output distance is below this. Default 1e-4. */
  spreadTol?: number;
  /** A layer counts as dead when its dead fraction is ≥ this. Default 1. */
  deadFraction?: number;
  /** Pre-L2 norm shrink factor (first / latest) that counts as shrinking. Default 10. */
  shrinkFactor?: number;
  /** Relative pre-L2 spread below which the geometry counts as shrunk. Default 1e-3. */
  relativeSpreadTol?: number;
  /** First-layer / last-layer gradient ratio below which gradients count as vanishing. Default 1e-4. */
  gradientRatioTol?: number;
}

const fmt = (
  x: number,
) => (Math.abs(x) >= 0.01 && Math.abs(x) < 1e4 ? x.toFixed(3) : x.toExponential(2));

/**
 * Diagnoses the latest snapshot of `history` (one snapshot or a list, oldest first).
 *
 * @example
 * ```ts
 * import { diagnoseCollapse } from "./diagnose.ts";
 * const healthy = {
 *   batch: 8, layers: [],
 *   preL2: { layer: "d", norm: { mean: 3, std: 1, min: 1, max: 5 }, relativeSpread: 0.8 },
 *   cosine: { mean: 0.1, std: 0.4, min: -0.7, max: 0.9 }, outputSpread: 1.2,
 * };
 * console.assert(diagnoseCollapse(healthy).mechanism === "none");
 * ```
 */
export function diagnoseCollapse(
  history: Forensics | Forensics[],
  options: DiagnoseOptions = {},
): CollapseDiagnosis {
  const list = Array.isArray(history) ? history : [history];
  if (list.length === 0) throw new Error("diagnoseCollapse: no forensics snapshot given");
  const first = list[0], last = list[list.length - 1];
  const cosStd = options.cosineStdTol ?? 1e-3, cosMean = options.cosineMeanTol ?? 1e-3;
  const spreadTol = options.spreadTol ?? 1e-4, deadTol = options.deadFraction ?? 1;
  const shrink = options.shrinkFactor ?? 10, relTol = options.relativeSpreadTol ?? 1e-3;
  const ratioTol = options.gradientRatioTol ?? 1e-4;
  const evidence: string[] = [];

  const cosineCollapsed = last.cosine.std < cosStd && last.cosine.mean > 1 - cosMean;
  const spreadCollapsed = last.outputSpread < spreadTol;
  const collapsed = cosineCollapsed || spreadCollapsed || !Number.isFinite(last.cosine.std);
  evidence.push(
    `output: pairwise cosine mean ${fmt(last.cosine.mean)} std ${fmt(last.cosine.std)}, ` +
      `mean pairwise distance ${fmt(last.outputSpread)} over ${last.batch} images`,
  );

  const dead = last.layers.filter((l) => l.units > 0 && l.deadFraction >= deadTol);
  const worst = [...last.layers].sort((a, b) => b.deadFraction - a.deadFraction)[0];
  if (worst) {
    evidence.push(
      `most-dead ReLU layer: ${worst.name} ${worst.dead}/${worst.units} units dead ` +
        `(activation rms ${fmt(worst.activationRms)})`,
    );
  }
  const n0 = first.preL2.norm.mean, n1 = last.preL2.norm.mean;
  evidence.push(
    `pre-L2 (${last.preL2.layer}): norm mean ${fmt(n1)}${
      list.length > 1 ? ` (first ${fmt(n0)})` : ""
    }, ` +
      `relative spread ${fmt(last.preL2.relativeSpread)}${
        list.length > 1 ? ` (first ${fmt(first.preL2.relativeSpread)})` : ""
      }`,
  );
  const grads = last.gradNorms ? Object.entries(last.gradNorms) : [];
  let gradRatio = NaN;
  if (grads.length >= 2) {
    const [firstName, g0] = grads[0], [lastName, g1] = grads[grads.length - 1];
    gradRatio = g1 > 0 ? g0 / g1 : NaN;
    evidence.push(`gradient norm ${firstName} ${fmt(g0)}, ${lastName} ${fmt(g1)}`);
  }
  const done = (
    mechanism: CollapseMechanism,
    summary: string,
    layer?: string,
  ): CollapseDiagnosis => ({
    collapsed,
    mechanism,
    layer,
    step: last.step,
    evidence,
    summary,
  });

  if (collapsed && !Number.isFinite(n1)) {
    return done(
      "overflow",
      `the pre-L2 embeddings overflowed float32 (mean norm ${n1}): the L2 ` +
        `normalisation x·rsqrt(Σx²) turns every one into the zero vector, so all embeddings coincide ` +
        `whatever the input (the weights blew up)`,
      last.preL2.layer,
    );
  }
  if (dead.length > 0) {
    const d = dead[0];
    return done(
      "dead-units",
      `every unit of ${d.name} (${d.units}) is dead over the batch: its output is constant, so the ` +
        `embedding is independent of the input and no gradient reaches the layers before it` +
        (dead.length > 1 ? ` (${dead.length} layers fully dead)` : ""),
      d.name,
    );
  }
  if (!collapsed) {
    if (Number.isFinite(gradRatio) && gradRatio < ratioTol) {
      return done(
        "vanishing-gradient",
        `the gradient reaching ${grads[0][0]} is ${
          fmt(gradRatio)
        } of the last layer's: the bottom of ` +
          `the network has stopped learning`,
        grads[0][0],
      );
    }
    return done("none", "no collapse: the output embeddings are spread");
  }
  const shrankNorm = list.length > 1 && n0 > 0 && n1 * shrink <= n0;
  const shrankSpread = last.preL2.relativeSpread < relTol &&
    (list.length === 1 || first.preL2.relativeSpread >= relTol);
  if (shrankNorm || shrankSpread) {
    return done(
      "shrinking-geometry",
      `all ReLU layers alive, but the pre-L2 embeddings ${
        shrankNorm ? `shrank ${fmt(n0 / Math.max(n1, 1e-30))}× in norm` : "lost their spread"
      } (relative spread ${fmt(last.preL2.relativeSpread)}): the geometry contracted until the ` +
        `normalised embeddings coincide`,
      last.preL2.layer,
    );
  }
  if (Number.isFinite(gradRatio) && gradRatio < ratioTol) {
    return done(
      "vanishing-gradient",
      `output collapsed and the gradient reaching ${grads[0][0]} is ${
        fmt(gradRatio)
      } of the last ` +
        `layer's: the early layers cannot move the embedding`,
      grads[0][0],
    );
  }
  return done(
    "constant-output",
    `the output is constant although units are alive and the pre-L2 spread did not shrink ` +
      `(relative spread ${
        fmt(last.preL2.relativeSpread)
      }): a dominant bias, one runaway feature channel (all embeddings collinear) or a saturated final layer`,
  );
}
