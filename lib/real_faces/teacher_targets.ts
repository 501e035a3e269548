/**
 * Teacher targets for embedding distillation: wraps a {@link BatchLoader} so that each batch
 * carries `targets`, a frozen teacher's embeddings of its images (inference mode, no gradients).
 * Put it before {@link degradeBatches}: the teacher then sees the clean photos, and the student
 * (trained with lib/train's `distillWeight`) learns to embed the degraded ones where the teacher
 * put the clean ones.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { teacherTargets } from "./teacher_targets.ts";
 * const input = tf.input({ shape: [8, 8, 3] });
 * const out = tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor;
 * const teacher = tf.model({ inputs: input, outputs: out });
 * const inner = { next: () => Promise.resolve({ images: tf.ones([4, 8, 8, 3]) as tf.Tensor4D, labels: [0, 0, 1, 1] }) };
 * const b = (await teacherTargets(inner, teacher).next())!;
 * console.assert(b.targets!.shape[0] === 4 && b.targets!.shape[1] === 2);
 * tf.dispose([b.images, b.targets!]);
 * teacher.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BatchLoader, TrainBatch } from "../train/mod.ts";

/**
 * The loader's batches with `targets` = `teacher.predict(images)`. Throws, naming both shapes,
 * when the teacher's input does not fit the batch's images; the batch is then disposed.
 */
export function teacherTargets(loader: BatchLoader, teacher: tf.LayersModel): BatchLoader {
  const want = teacher.inputs[0].shape;
  return {
    async next(): Promise<TrainBatch | undefined> {
      const batch = await loader.next();
      if (!batch) return undefined;
      const got = batch.images.shape;
      if (want.slice(1).some((v, i) => v !== null && v !== got[i + 1])) {
        tf.dispose([batch.images, ...(batch.targets ? [batch.targets] : [])]);
        throw new Error(
          `teacherTargets: the teacher takes [${want}] but the batch's images are [${got}]`,
        );
      }
      batch.targets?.dispose();
      const targets = tf.tidy(() => teacher.predict(batch.images) as tf.Tensor2D);
      return { ...batch, targets };
    },
    state: loader.state ? () => loader.state!() : undefined,
    restore: loader.restore ? (s: never) => loader.restore!(s) : undefined,
    close: loader.close ? () => loader.close!() : undefined,
  };
}
