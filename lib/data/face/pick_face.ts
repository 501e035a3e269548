/**
 * Which face of a photo is "the" face: the documented policy of the preprocessing step.
 * @module
 */
import type { FaceDetection } from "./face_api.ts";

/**
 * Picks one face — largest and most central. Each face scores
 * `sqrt(box area) · (1 − d / D)`, where `d` is the distance from its box centre to the image
 * centre and `D` half the image diagonal; the highest score wins (ties: the earlier, i.e. higher
 * detector score). A face twice as wide wins unless it sits far off-centre; a face at a corner
 * scores near zero, so bystanders at the edges of press photos (LFW) lose to the centred subject.
 * Returns the index, or -1 for an empty list.
 *
 * @example
 * ```ts
 * import { pickFace } from "./pick_face.ts";
 * const f = (x: number, y: number, s: number) => ({ box: { x, y, width: s, height: s }, score: 1, landmarks: [] });
 * console.assert(pickFace([f(0, 0, 40), f(40, 40, 20)], 100, 100) === 1); // corner face loses
 * ```
 */
export function pickFace(faces: readonly FaceDetection[], width: number, height: number): number {
  const halfDiag = Math.hypot(width, height) / 2;
  let best = -1, bestScore = -Infinity;
  faces.forEach((f, i) => {
    const cx = f.box.x + f.box.width / 2, cy = f.box.y + f.box.height / 2;
    const d = Math.hypot(cx - width / 2, cy - height / 2);
    const s = Math.sqrt(Math.max(0, f.box.width * f.box.height)) * Math.max(0, 1 - d / halfDiag);
    if (s > bestScore) {
      bestScore = s;
      best = i;
    }
  });
  return best;
}
