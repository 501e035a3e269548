import assert from "node:assert/strict";
import { detectFaces } from "../../lib/api/mod.ts";
import { assertNoLeak, devFacesDir, useTestBackend } from "../_helpers/leak.ts";

const knn = devFacesDir() ? `${devFacesDir()}face_recognition-knn_examples` : undefined;
if (!knn) {
  console.warn("detect_faces_test: ../shared/faces/dev is absent: photo checks are skipped");
}

Deno.test({
  name: "detectFaces() finds both faces of a two-person photo, with 68 landmarks inside each box",
  ignore: !knn,
  async fn() {
    await useTestBackend();
    const photo = `${knn}/_multi_person/obama_and_biden.jpg`;
    await detectFaces(`${knn}/biden/biden.jpg`); // loads the nets (kept): outside the leak check
    const faces = await assertNoLeak(() => detectFaces(photo));
    assert.equal(faces.length, 2);
    for (const f of faces) {
      assert.ok(f.score >= 0.5 && f.box.width > 20 && f.box.height > 20);
      assert.equal(f.landmarks.length, 68);
      const inside = f.landmarks.filter(([x, y]) =>
        x >= f.box.x - 0.1 * f.box.width && x <= f.box.x + 1.1 * f.box.width &&
        y >= f.box.y - 0.1 * f.box.height && y <= f.box.y + 1.1 * f.box.height
      );
      assert.ok(inside.length >= 60, `${inside.length} of 68 landmarks near the box`);
    }
    assert.ok(faces[0].score >= faces[1].score, "best score first");
  },
});

Deno.test("detectFaces() names the file it cannot read and rejects bad options", async () => {
  await assert.rejects(
    () => detectFaces("/nonexistent/face.png"),
    (e: Error) =>
      e.message.startsWith("detectFaces:") && e.message.includes("/nonexistent/face.png"),
  );
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => detectFaces("x.jpg", { detector: "mtcnn" as any }), /'detector'/);
  await assert.rejects(() => detectFaces("x.jpg", { minConfidence: 2 }), /'minConfidence'/);
});
