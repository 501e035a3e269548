/** The embedded synthetic face dataset: identities rendered from SVG, cached. @module */
export * from "./synth.ts";
export * from "./synth_face.ts";
