/**
 * The triplet model's Lambda-like layers: a distance between two embedding batches ([N,1]) and the
 * stacking of two such columns into [N,2,1] (the monograph's pos_dist, neg_dist, stacked_dists).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { PairDistance } from "./pair_distance.ts";
 * const d = new PairDistance().apply([tf.tensor2d([[0, 0]]), tf.tensor2d([[3, 4]])]) as tf.Tensor;
 * console.assert(d.shape[1] === 1);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** A distance between matching rows of two [N,D] batches, returning [N] (or [N,1]). */
export type PairDistanceFn = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor;

/** Anything with a `pairwise` method, e.g. a lib/losses `Distance`. */
export interface PairwiseDistance {
  name?: string;
  pairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor;
}

/**
 * Plain Euclidean distance of matching rows: sqrt(Σ (a − b)²), shape [N].
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { euclideanPairwise } from "./pair_distance.ts";
 * const d = euclideanPairwise(tf.tensor2d([[0, 0]]), tf.tensor2d([[3, 4]]));
 * console.assert(d.shape[0] === 1);
 * ```
 */
export function euclideanPairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sqrt(tf.sum(tf.squaredDifference(a, b), 1)));
}

/** Arguments of {@link PairDistance}. */
export interface PairDistanceArgs {
  /** The distance (a function or an object with `pairwise`). Default: plain Euclidean. */
  distance?: PairDistanceFn | PairwiseDistance;
  /** Name recorded in the config (a deserialised layer falls back to Euclidean). */
  distanceName?: string;
  /** Layer name. */
  name?: string;
}

/** Distance between matching rows of its two inputs, as an [N,1] column. */
export class PairDistance extends tf.layers.Layer {
  /** Registered class name (serialisation). */
  static className = "PairDistance";
  readonly distanceName: string;
  readonly #fn: PairDistanceFn;

  constructor(args: PairDistanceArgs = {}) {
    super({ name: args.name });
    const d = args.distance;
    if (d === undefined && args.distanceName !== undefined && args.distanceName !== "euclidean") {
      throw new Error(
        `PairDistance '${args.name ?? "?"}': distance '${args.distanceName}' is a function and ` +
          `cannot be restored from a saved config; rebuild with createTripletModel(embedder, { distance })`,
      );
    }
    if (d === undefined) {
      this.#fn = euclideanPairwise;
    } else if (typeof d === "function") {
      this.#fn = d;
    } else if (d && typeof d.pairwise === "function") {
      this.#fn = (a, b) => d.pairwise(a, b);
    } else {
      throw new Error(
        `PairDistance: 'distance' must be a function or have a pairwise() method, got ${typeof d}`,
      );
    }
    this.distanceName = args.distanceName ??
      (d === undefined
        ? "euclidean"
        : typeof d === "function"
        ? (d.name || "custom")
        : (d.name ?? "custom"));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) {
      throw new Error(`PairDistance '${this.name}': expects two inputs`);
    }
    return tf.tidy(() => {
      const d = this.#fn(inputs[0] as tf.Tensor2D, inputs[1] as tf.Tensor2D);
      return tf.reshape(d, [-1, 1]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), distanceName: this.distanceName };
  }
}

/** Stacks its [N,1] inputs into [N,k,1] (Keras' K.stack(axis=1)). */
export class StackDistances extends tf.layers.Layer {
  /** Registered class name (serialisation). */
  static className = "StackDistances";

  constructor(args: { name?: string } = {}) {
    super({ name: args.name });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shapes = inputShape as tf.Shape[];
    return [shapes[0][0], shapes.length, ...shapes[0].slice(1)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    return tf.stack(list, 1);
  }
}
