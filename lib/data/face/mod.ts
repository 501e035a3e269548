/** Faces in photos: the one face-api adapter (detection, landmarks, descriptors) and alignment. @module */
export * from "./face_api.ts";
export * from "./align_face.ts";
export * from "./pick_face.ts";
