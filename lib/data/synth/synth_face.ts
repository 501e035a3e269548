/**
 * The synthetic face model behind {@link generateSynth}: identity parameters, per-image nuisance,
 * and an SVG drawing of one face. Pure functions of a seeded {@link Rng}; rendering to pixels is in
 * `synth.ts`.
 *
 * An identity is a point in a ~30-dimensional space (face shape, skin tone, eye spacing, size and
 * colour, brows, nose, mouth, hair style and colour, ears, facial hair, glasses, a mole). A nuisance
 * draw moves one image of that identity: pose (yaw/pitch as feature shifts, in-plane roll), scale
 * and shift, lighting (a directional gradient plus global brightness/contrast/colour cast),
 * expression (smile, open mouth, eyelids, raised brows), background (colour plus clutter shapes),
 * blur, pixel noise and partial occlusion. Every nuisance amplitude is multiplied by `difficulty`
 * (0: all images of an identity are the same picture; 1: the default; 2: hard).
 *
 * @example
 * ```ts
 * import { createRng } from "../../random/mod.ts";
 * import { faceSvg, sampleIdentity, sampleNuisance } from "./synth_face.ts";
 * const id = sampleIdentity(createRng(1));
 * const svg = faceSvg(id, sampleNuisance(createRng(2), { difficulty: 1 }), { size: 96 });
 * console.assert(svg.startsWith("<svg"));
 * ```
 * @module
 */
import type { Rng } from "../../random/mod.ts";

/** The fixed appearance of one synthetic person (units: a 100×100 canvas). */
export interface SynthIdentity {
  faceW: number;
  faceH: number;
  /** Jaw width relative to cheek width (0.45 pointed … 0.95 square). */
  jaw: number;
  skin: [number, number, number];
  eyeSpacing: number;
  eyeY: number;
  eyeW: number;
  eyeH: number;
  iris: [number, number, number];
  browThick: number;
  browAngle: number;
  browArch: number;
  browLen: number;
  browGap: number;
  noseLen: number;
  noseW: number;
  noseStyle: 0 | 1 | 2;
  mouthY: number;
  mouthW: number;
  lipThick: number;
  smile: number;
  lip: [number, number, number];
  hairStyle: 0 | 1 | 2 | 3 | 4 | 5;
  hair: [number, number, number];
  hairline: number;
  earSize: number;
  facialHair: 0 | 1 | 2;
  glasses: boolean;
  mole: [number, number] | null;
}

/** Per-image variation of {@link SynthIdentity}'s rendering. */
export interface SynthNuisance {
  yaw: number;
  pitch: number;
  roll: number;
  scale: number;
  dx: number;
  dy: number;
  lightAngle: number;
  lightStrength: number;
  brightness: number;
  contrast: number;
  cast: [number, number, number];
  smile: number;
  mouthOpen: number;
  eyeOpen: number;
  browRaise: number;
  background: [number, number, number];
  /** Clothing colour (changes per image, so it is no identity cue). */
  clothes: [number, number, number];
  clutter: { kind: "rect" | "circle"; x: number; y: number; w: number; h: number; c: string }[];
  blur: number;
  noise: number;
  occlusion:
    | null
    | { kind: "band" | "lower" | "side"; pos: number; extent: number; color: string };
}

/** Options of {@link sampleNuisance}. */
export interface NuisanceOptions {
  /** Scales every nuisance amplitude: 0 none, 1 default, 2 hard. Default 1. */
  difficulty?: number;
}

const SKIN_TONES: [number, number, number][] = [
  [255, 224, 196],
  [241, 194, 160],
  [224, 172, 130],
  [198, 134, 86],
  [161, 102, 64],
  [114, 72, 44],
  [80, 50, 32],
];
const HAIR_COLOURS: [number, number, number][] = [
  [20, 16, 14],
  [60, 40, 28],
  [110, 72, 40],
  [170, 120, 70],
  [225, 190, 120],
  [160, 70, 35],
  [150, 150, 150],
  [230, 228, 220],
];
const IRIS_COLOURS: [number, number, number][] = [
  [70, 45, 25],
  [110, 75, 40],
  [60, 110, 160],
  [80, 130, 90],
  [120, 120, 130],
  [30, 30, 30],
];

const uni = (rng: Rng, a: number, b: number) => a + (b - a) * rng.next();
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const mix = (
  a: [number, number, number],
  b: [number, number, number],
  t: number,
): [number, number, number] =>
  [0, 1, 2].map((i) => a[i] + (b[i] - a[i]) * t) as [
    number,
    number,
    number,
  ];
const jitter = (c: [number, number, number], rng: Rng, amount: number): [number, number, number] =>
  c.map((v) => clamp(v + (rng.next() * 2 - 1) * amount, 0, 255)) as [number, number, number];
const pick = <T>(rng: Rng, xs: T[]): T => xs[rng.int(xs.length)];
const hex = (c: readonly number[]) =>
  "#" + c.map((v) => Math.round(clamp(v, 0, 255)).toString(16).padStart(2, "0")).join("");
const f = (v: number) => (Math.round(v * 100) / 100).toString();

/**
 * Draws the parameters of one identity.
 *
 * @example
 * ```ts
 * import { createRng } from "../../random/mod.ts";
 * import { sampleIdentity } from "./synth_face.ts";
 * console.assert(sampleIdentity(createRng(1)).faceH > 0);
 * ```
 */
export function sampleIdentity(rng: Rng): SynthIdentity {
  const t = rng.next() * (SKIN_TONES.length - 1);
  const skin = jitter(mix(SKIN_TONES[Math.floor(t)], SKIN_TONES[Math.ceil(t)], t % 1), rng, 12);
  const hairIdx = rng.int(HAIR_COLOURS.length);
  const hair = jitter(HAIR_COLOURS[hairIdx], rng, 18);
  const faceW = uni(rng, 16, 23);
  const faceH = faceW * uni(rng, 1.15, 1.45);
  const eyeW = uni(rng, 2.6, 4.4);
  const eyeY = uni(rng, -0.35, -0.05) * faceH;
  const mouthY = uni(rng, 0.38, 0.62) * faceH;
  return {
    faceW,
    faceH,
    jaw: uni(rng, 0.45, 0.95),
    skin,
    eyeSpacing: Math.max(eyeW + 1.8, uni(rng, 0.3, 0.5) * faceW),
    eyeY,
    eyeW,
    eyeH: eyeW * uni(rng, 0.38, 0.7),
    iris: jitter(pick(rng, IRIS_COLOURS), rng, 15),
    browThick: uni(rng, 0.8, 2.8),
    browAngle: uni(rng, -14, 14),
    browArch: uni(rng, -1, 2.5),
    browLen: uni(rng, 5, 10),
    browGap: uni(rng, 1.5, 4.5),
    noseLen: uni(rng, 0.45, 0.9) * Math.max(2, mouthY - eyeY - 6),
    noseW: uni(rng, 3, 8),
    noseStyle: rng.int(3) as 0 | 1 | 2,
    mouthY,
    mouthW: Math.min(faceW * 1.1, uni(rng, 8, 18)),
    lipThick: uni(rng, 0.8, 3),
    smile: uni(rng, -2, 3.5),
    lip: jitter(mix(skin, [170, 60, 70], uni(rng, 0.35, 0.8)), rng, 10),
    hairStyle: rng.int(6) as 0 | 1 | 2 | 3 | 4 | 5,
    hair,
    hairline: uni(rng, 0.18, 0.42),
    earSize: uni(rng, 3, 7),
    facialHair: (rng.next() < 0.25 ? 1 + rng.int(2) : 0) as 0 | 1 | 2,
    glasses: rng.next() < 0.15,
    mole: rng.next() < 0.3 ? [uni(rng, -0.7, 0.7), uni(rng, -0.2, 0.7)] : null,
  };
}

/**
 * Draws one image's nuisance; amplitudes scale with `difficulty`.
 *
 * @example
 * ```ts
 * import { createRng } from "../../random/mod.ts";
 * import { sampleNuisance } from "./synth_face.ts";
 * console.assert(sampleNuisance(createRng(1), { difficulty: 0 }).roll === 0);
 * ```
 */
export function sampleNuisance(rng: Rng, options: NuisanceOptions = {}): SynthNuisance {
  const d = options.difficulty ?? 1;
  if (!(d >= 0) || !Number.isFinite(d)) {
    throw new Error(`sampleNuisance: 'difficulty' must be a finite number ≥ 0, got ${d}`);
  }
  const sym = (a: number) => (rng.next() * 2 - 1) * a * d;
  const bgBase: [number, number, number] = [rng.int(256), rng.int(256), rng.int(256)];
  const bg = mix([128, 128, 128], bgBase, Math.min(1, 0.85 * d));
  const clutter: SynthNuisance["clutter"] = [];
  const nClutter = Math.round(rng.next() * 4 * Math.min(d, 1.5));
  for (let i = 0; i < nClutter; i++) {
    clutter.push({
      kind: rng.next() < 0.5 ? "rect" : "circle",
      x: uni(rng, 0, 100),
      y: uni(rng, 0, 100),
      w: uni(rng, 8, 40),
      h: uni(rng, 8, 40),
      c: hex([rng.int(256), rng.int(256), rng.int(256)]),
    });
  }
  const occluded = rng.next() < Math.min(0.5, 0.15 * d);
  const kinds = ["band", "lower", "side"] as const;
  return {
    yaw: sym(0.35),
    pitch: sym(0.25),
    roll: sym(12),
    scale: 1 + sym(0.1),
    dx: sym(5),
    dy: sym(5),
    lightAngle: rng.next() * 360,
    lightStrength: clamp(Math.abs(sym(0.45)), 0, 0.9),
    brightness: sym(30),
    contrast: 1 + sym(0.2),
    cast: [sym(12), sym(12), sym(12)],
    smile: sym(3),
    mouthOpen: rng.next() < 0.25 * Math.min(d, 2) ? uni(rng, 0.5, 3.5) : 0,
    eyeOpen: clamp(1 + sym(0.35), 0.15, 1.3),
    browRaise: sym(2),
    background: bg,
    clothes: mix([110, 110, 120], [rng.int(256), rng.int(256), rng.int(256)], Math.min(1, d)),
    clutter,
    blur: Math.max(0, sym(1)),
    noise: Math.abs(sym(9)),
    occlusion: occluded
      ? {
        kind: pick(rng, [...kinds]),
        pos: rng.next(),
        extent: uni(rng, 0.15, 0.3 + 0.1 * Math.min(d, 2)),
        color: hex([rng.int(256), rng.int(256), rng.int(256)]),
      }
      : null,
  };
}

/** Options of {@link faceSvg}. */
export interface FaceSvgOptions {
  /** Output width and height in pixels. */
  size: number;
}

function hairSvg(id: SynthIdentity, yawShift: number, front: boolean): string {
  const W = id.faceW, H = id.faceH, c = hex(id.hair);
  const top = -H - 3, line = -H + id.hairline * H;
  const x0 = -W - 2 + yawShift * 0.5, x1 = W + 2 + yawShift * 0.5;
  if (id.hairStyle === 0) return front ? "" : ""; // bald
  if (!front) {
    if (id.hairStyle === 4) {
      return `<path d="M${f(x0 - 3)} ${f(-H * 0.2)} C${f(x0 - 6)} ${f(H * 0.8)} ${f(x1 + 6)} ${
        f(H * 0.8)
      } ${f(x1 + 3)} ${f(-H * 0.2)} Z" fill="${c}"/>`;
    }
    return "";
  }
  switch (id.hairStyle) {
    case 1: // short cap
      return `<path d="M${f(x0)} ${f(line + 6)} C${f(x0)} ${f(top - 4)} ${f(x1)} ${f(top - 4)} ${
        f(x1)
      } ${f(line + 6)} C${f(x1 - 6)} ${f(line)} ${f(x0 + 6)} ${f(line)} ${f(x0)} ${
        f(line + 6)
      } Z" fill="${c}"/>`;
    case 2: // fringe, straight across
      return `<path d="M${f(x0)} ${f(line + 10)} C${f(x0)} ${f(top - 6)} ${f(x1)} ${f(top - 6)} ${
        f(x1)
      } ${f(line + 10)} L${f(x1)} ${f(line + 3)} L${f(x0)} ${f(line + 3)} Z" fill="${c}"/>`;
    case 3: // side part
      return `<path d="M${f(x0)} ${f(line + 14)} C${f(x0)} ${f(top - 5)} ${f(x1)} ${f(top - 5)} ${
        f(x1)
      } ${f(line + 4)} C${f(x1 * 0.2)} ${f(line - 2)} ${f(x0 * 0.6)} ${f(line + 2)} ${f(x0)} ${
        f(line + 14)
      } Z" fill="${c}"/>`;
    case 4: // long: cap plus side locks
      return `<path d="M${f(x0 - 2)} ${f(H * 0.5)} C${f(x0 - 3)} ${f(top - 6)} ${f(x1 + 3)} ${
        f(top - 6)
      } ${f(x1 + 2)} ${f(H * 0.5)} L${f(x1 - 3)} ${f(H * 0.5)} L${f(x1 - 4)} ${f(line + 5)} C${
        f(x1 * 0.3)
      } ${f(line)} ${f(x0 * 0.3)} ${f(line)} ${f(x0 + 4)} ${f(line + 5)} L${f(x0 + 3)} ${
        f(H * 0.5)
      } Z" fill="${c}"/>`;
    case 5: { // curly: a crown of circles
      let s = "";
      const n = 9;
      for (let i = 0; i < n; i++) {
        const a = Math.PI * (1.05 + (0.9 * i) / (n - 1));
        const cx = Math.cos(a) * (W + 1) + yawShift * 0.5;
        const cy = Math.sin(a) * (H - id.hairline * H * 0.6) + line * 0.1 - 2;
        s += `<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(W * 0.3)}" fill="${c}"/>`;
      }
      return s;
    }
  }
  return "";
}

/**
 * Draws one face as an SVG document of `size`×`size` pixels (viewBox 100×100), nuisance applied
 * except blur, noise, brightness/contrast and colour cast, which `synth.ts` applies to the pixels.
 *
 * @example
 * ```ts
 * import { createRng } from "../../random/mod.ts";
 * import { faceSvg, sampleIdentity, sampleNuisance } from "./synth_face.ts";
 * const svg = faceSvg(sampleIdentity(createRng(1)), sampleNuisance(createRng(2)), { size: 64 });
 * console.assert(svg.includes('width="64"'));
 * ```
 */
export function faceSvg(id: SynthIdentity, nz: SynthNuisance, options: FaceSvgOptions): string {
  const size = options.size;
  const W = id.faceW * (1 - 0.12 * Math.abs(nz.yaw)), H = id.faceH;
  const fx = nz.yaw * W * 0.45; // features move sideways with yaw
  const fy = nz.pitch * 6;
  const skin = hex(id.skin);
  const shade = hex(id.skin.map((v) => v * 0.78));
  const parts: string[] = [];
  // background and clutter
  parts.push(`<rect width="100" height="100" fill="${hex(nz.background)}"/>`);
  for (const c of nz.clutter) {
    parts.push(
      c.kind === "rect"
        ? `<rect x="${f(c.x - c.w / 2)}" y="${f(c.y - c.h / 2)}" width="${f(c.w)}" height="${
          f(c.h)
        }" fill="${c.c}" opacity="0.8"/>`
        : `<circle cx="${f(c.x)}" cy="${f(c.y)}" r="${f(c.w / 2)}" fill="${c.c}" opacity="0.8"/>`,
    );
  }
  const g: string[] = [];
  g.push(hairSvg(id, fx, false));
  // neck and shoulders
  g.push(
    `<rect x="${f(-W * 0.45)}" y="${f(H * 0.5)}" width="${f(W * 0.9)}" height="${
      f(H * 0.8)
    }" fill="${shade}"/>`,
  );
  g.push(
    `<ellipse cx="0" cy="${f(H * 1.5)}" rx="${f(W * 1.9)}" ry="${f(H * 0.45)}" fill="${
      hex(nz.clothes)
    }"/>`,
  );
  // ears (the far ear hides as the head turns)
  const earL = id.earSize * (1 - Math.max(0, nz.yaw) * 1.5);
  const earR = id.earSize * (1 - Math.max(0, -nz.yaw) * 1.5);
  if (earL > 0.5) {
    g.push(
      `<ellipse cx="${f(-W + fx * 0.3)}" cy="${f(-H * 0.05 + fy)}" rx="${f(earL * 0.6)}" ry="${
        f(earL)
      }" fill="${shade}"/>`,
    );
  }
  if (earR > 0.5) {
    g.push(
      `<ellipse cx="${f(W + fx * 0.3)}" cy="${f(-H * 0.05 + fy)}" rx="${f(earR * 0.6)}" ry="${
        f(earR)
      }" fill="${shade}"/>`,
    );
  }
  // face outline
  const j = id.jaw;
  g.push(
    `<path d="M0 ${f(-H)} C${f(W * 0.6)} ${f(-H)} ${f(W)} ${f(-H * 0.55)} ${f(W)} ${f(-H * 0.1)} C${
      f(W)
    } ${f(H * 0.35)} ${f(W * j)} ${f(H * 0.8)} ${f(fx * 0.3)} ${f(H)} C${f(-W * j)} ${f(H * 0.8)} ${
      f(-W)
    } ${f(H * 0.35)} ${f(-W)} ${f(-H * 0.1)} C${f(-W)} ${f(-H * 0.55)} ${f(-W * 0.6)} ${f(-H)} 0 ${
      f(-H)
    } Z" fill="${skin}"/>`,
  );
  // facial hair
  const my = id.mouthY + fy;
  if (id.facialHair === 2) {
    g.push(
      `<path d="M${f(-W * 0.9 + fx * 0.5)} ${f(my - 4)} C${f(-W * 0.8)} ${f(H * 1.05)} ${
        f(W * 0.8)
      } ${f(H * 1.05)} ${f(W * 0.9 + fx * 0.5)} ${f(my - 4)} L${f(fx + id.mouthW * 0.7)} ${
        f(my + 3)
      } L${f(fx - id.mouthW * 0.7)} ${f(my + 3)} Z" fill="${hex(id.hair)}" opacity="0.9"/>`,
    );
  }
  if (id.facialHair >= 1) {
    g.push(
      `<path d="M${f(fx - id.mouthW * 0.6)} ${f(my - 1.5)} Q${f(fx)} ${f(my - 6)} ${
        f(fx + id.mouthW * 0.6)
      } ${f(my - 1.5)} Q${f(fx)} ${f(my - 3.5)} ${f(fx - id.mouthW * 0.6)} ${
        f(my - 1.5)
      } Z" fill="${hex(id.hair)}"/>`,
    );
  }
  // eyes
  const ey = id.eyeY + fy;
  const eyeOpen = nz.eyeOpen;
  for (const side of [-1, 1]) {
    const near = 1 - 0.25 * Math.max(0, side * -nz.yaw); // the far eye narrows
    const ex = side * id.eyeSpacing + fx;
    const ew = id.eyeW * near, eh = Math.max(0.3, id.eyeH * eyeOpen);
    g.push(
      `<ellipse cx="${f(ex)}" cy="${f(ey)}" rx="${f(ew)}" ry="${f(eh)}" fill="#f4f2ee"/>`,
      `<circle cx="${f(ex + nz.yaw * 1.5)}" cy="${f(ey)}" r="${f(Math.min(eh, ew * 0.55))}" fill="${
        hex(id.iris)
      }"/>`,
      `<circle cx="${f(ex + nz.yaw * 1.5)}" cy="${f(ey)}" r="${
        f(Math.min(eh, ew * 0.55) * 0.45)
      }" fill="#101010"/>`,
    );
    // brow
    const by = ey - id.eyeH - id.browGap - nz.browRaise;
    const bl = id.browLen * near;
    const a = (id.browAngle * Math.PI) / 180;
    const dxb = Math.cos(a) * bl / 2, dyb = Math.sin(a) * bl / 2;
    g.push(
      `<path d="M${f(ex - side * dxb)} ${f(by + dyb)} Q${f(ex)} ${f(by - id.browArch)} ${
        f(ex + side * dxb)
      } ${f(by - dyb)}" stroke="${hex(id.hair.map((v) => v * 0.8))}" stroke-width="${
        f(id.browThick)
      }" fill="none" stroke-linecap="round"/>`,
    );
  }
  // nose
  const ny = ey + 3, nl = id.noseLen, nw = id.noseW / 2, nx = fx * 1.15;
  if (id.noseStyle === 0) {
    g.push(
      `<path d="M${f(nx)} ${f(ny)} L${f(nx - nw)} ${f(ny + nl)} L${f(nx + nw)} ${
        f(ny + nl)
      }" stroke="${shade}" stroke-width="1.2" fill="none"/>`,
    );
  } else if (id.noseStyle === 1) {
    g.push(
      `<path d="M${f(nx)} ${f(ny)} L${f(nx)} ${f(ny + nl)}" stroke="${shade}" stroke-width="1.4"/>`,
      `<ellipse cx="${f(nx)}" cy="${f(ny + nl)}" rx="${f(nw)}" ry="${
        f(nw * 0.45)
      }" fill="${shade}"/>`,
    );
  } else {
    g.push(
      `<path d="M${f(nx - nw * 0.3)} ${f(ny)} Q${f(nx - nw * 1.3)} ${f(ny + nl)} ${f(nx)} ${
        f(ny + nl)
      } Q${f(nx + nw * 1.3)} ${f(ny + nl)} ${f(nx + nw * 0.3)} ${f(ny)}" fill="${shade}"/>`,
    );
  }
  // mouth
  const mw = id.mouthW / 2, curve = id.smile + nz.smile, mx = fx * 1.05;
  if (nz.mouthOpen > 0) {
    g.push(
      `<ellipse cx="${f(mx)}" cy="${f(my + 1)}" rx="${f(mw * 0.75)}" ry="${
        f(nz.mouthOpen)
      }" fill="#3a1010"/>`,
    );
  }
  g.push(
    `<path d="M${f(mx - mw)} ${f(my)} Q${f(mx)} ${f(my + curve)} ${f(mx + mw)} ${f(my)}" stroke="${
      hex(id.lip)
    }" stroke-width="${f(id.lipThick)}" fill="none" stroke-linecap="round"/>`,
  );
  if (id.mole) {
    g.push(
      `<circle cx="${f(id.mole[0] * W + fx)}" cy="${
        f(id.mole[1] * H + fy)
      }" r="0.9" fill="#3a2418"/>`,
    );
  }
  g.push(hairSvg(id, fx, true));
  if (id.glasses) {
    const r = id.eyeW * 1.35;
    g.push(
      `<g stroke="#202020" stroke-width="1.1" fill="none"><circle cx="${
        f(fx - id.eyeSpacing)
      }" cy="${f(ey)}" r="${f(r)}"/><circle cx="${f(fx + id.eyeSpacing)}" cy="${f(ey)}" r="${
        f(r)
      }"/><path d="M${f(fx - id.eyeSpacing + r)} ${f(ey)} L${f(fx + id.eyeSpacing - r)} ${
        f(ey)
      }"/></g>`,
    );
  }
  parts.push(
    `<g transform="translate(${f(50 + nz.dx)} ${f(47 + nz.dy)}) rotate(${f(nz.roll)}) scale(${
      f(nz.scale * 1.3)
    })">${g.join("")}</g>`,
  );
  // occlusion
  const o = nz.occlusion;
  if (o) {
    const e = o.extent * 100;
    if (o.kind === "band") {
      const y = 30 + o.pos * 30;
      parts.push(
        `<rect x="0" y="${f(y - e / 4)}" width="100" height="${f(e / 2)}" fill="${o.color}"/>`,
      );
    } else if (o.kind === "lower") {
      parts.push(
        `<ellipse cx="${f(30 + o.pos * 40)}" cy="${f(100 - e / 2)}" rx="${f(e)}" ry="${
          f(e * 0.7)
        }" fill="${o.color}"/>`,
      );
    } else {
      const left = o.pos < 0.5;
      parts.push(
        `<rect x="${left ? 0 : f(100 - e)}" y="0" width="${f(e)}" height="100" fill="${o.color}"/>`,
      );
    }
  }
  // directional lighting: a gradient from light to shadow across the picture
  if (nz.lightStrength > 0.01) {
    const a = (nz.lightAngle * Math.PI) / 180;
    const x1 = 50 - Math.cos(a) * 50, y1 = 50 - Math.sin(a) * 50;
    const x2 = 50 + Math.cos(a) * 50, y2 = 50 + Math.sin(a) * 50;
    parts.unshift(
      `<defs><linearGradient id="L" gradientUnits="userSpaceOnUse" x1="${f(x1)}" y1="${
        f(y1)
      }" x2="${f(x2)}" y2="${f(y2)}"><stop offset="0" stop-color="#ffffff" stop-opacity="${
        f(nz.lightStrength * 0.6)
      }"/><stop offset="0.5" stop-color="#808080" stop-opacity="0"/><stop offset="1" stop-color="#000000" stop-opacity="${
        f(nz.lightStrength)
      }"/></linearGradient></defs>`,
    );
    parts.push(`<rect width="100" height="100" fill="url(#L)"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">${
    parts.join("")
  }</svg>`;
}
