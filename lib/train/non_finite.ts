/**
 * The NaN/Inf guard's error: names the step, what went non-finite and the likely cause.
 *
 * @example
 * ```ts
 * import { likelyNonFiniteCause, NonFiniteError } from "./non_finite.ts";
 * const cause = likelyNonFiniteCause({ distance: "euclidean", minDistance: 0 });
 * const e = new NonFiniteError({ step: 7, what: "gradient", cause });
 * console.assert(e.message.includes("step 7") && e.message.includes("square root"));
 * ```
 * @module
 */

/** Facts the guard knows when something went non-finite. */
export interface NonFiniteFacts {
  /** Distance name used by the loss. */
  distance?: string;
  /** Smallest pairwise distance between embeddings of the batch (0: coincident embeddings). */
  minDistance?: number;
  /** Loss value of the step (may be NaN). */
  loss?: number;
  /** Global gradient norm of the previous good step. */
  previousGradNorm?: number;
  /** Learning rate of the step. */
  lr?: number;
  /** Whether the input batch itself held non-finite values. */
  inputNonFinite?: boolean;
  /** Whether the loss value was finite (so only the gradient broke). */
  lossFinite?: boolean;
}

/** Best guess at why a loss or gradient became NaN/Inf. */
export function likelyNonFiniteCause(facts: NonFiniteFacts): string {
  if (facts.inputNonFinite) {
    return "the input batch contains NaN/Inf pixels (a bad image or decoder)";
  }
  if (facts.distance === "euclidean" && (facts.minDistance ?? 1) <= 1e-12) {
    return "a square root at zero distance: plain 'euclidean' has an infinite derivative at d = 0, " +
      "and some embeddings coincide (including each row with itself in the distance matrix); use " +
      "'squaredEuclidean' (FaceNet's) or 'euclideanEps'";
  }
  if (facts.lossFinite && facts.distance === "euclidean") {
    return "the gradient of the square root in plain 'euclidean' distance (finite loss, infinite " +
      "derivative near d = 0); use 'squaredEuclidean' or 'euclideanEps'";
  }
  if ((facts.lr ?? 0) >= 1 || (facts.previousGradNorm ?? 0) > 1e6) {
    return `exploding updates (learning rate ${facts.lr}, previous gradient norm ` +
      `${facts.previousGradNorm?.toExponential(2)}); lower the learning rate or clip gradients`;
  }
  return "overflow or an undefined operation in the model or loss (e.g. log/division at zero); " +
    "try a lower learning rate, gradient clipping, or a distance with an epsilon";
}

/** Thrown by the training loop when the loss or a gradient is NaN/Inf. */
export class NonFiniteError extends Error {
  readonly step: number;
  readonly what: "loss" | "gradient";
  readonly likelyCause: string;
  /** Checkpoint left intact, if any. */
  readonly lastCheckpoint?: string;
  constructor(
    args: {
      step: number;
      what: "loss" | "gradient";
      cause: string;
      lastCheckpoint?: string;
      detail?: string;
    },
  ) {
    super(
      `Training stopped at step ${args.step}: the ${args.what} is NaN/Inf${
        args.detail ? ` (${args.detail})` : ""
      }. Likely cause: ${args.cause}.` +
        (args.lastCheckpoint
          ? ` Last good checkpoint: ${args.lastCheckpoint}`
          : " No checkpoint was written yet."),
    );
    this.name = "NonFiniteError";
    this.step = args.step;
    this.what = args.what;
    this.likelyCause = args.cause;
    this.lastCheckpoint = args.lastCheckpoint;
  }
}
