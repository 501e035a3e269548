/**
 * One image with boxes and points drawn over it (face detections with landmarks), in image pixel
 * coordinates (y down).
 * @module
 */
import { baseLayout, type Figure, type FigureOptions, PALETTE } from "./figure.ts";
import { pngDataUrl, type RawImage } from "./png.ts";

/** A box in image pixels, with an optional label drawn above it. */
export interface ImageBox {
  x: number;
  y: number;
  width: number;
  height: number;
  label?: string;
}

/** Boxes and point sets to draw. */
export interface ImageAnnotations {
  boxes?: ImageBox[];
  /** Point sets (e.g. the 68 landmarks of each face), each drawn as one marker trace. */
  points?: [number, number][][];
}

/** An encoded image (data or http URL) with its pixel size. */
export interface EncodedImage {
  src: string;
  width: number;
  height: number;
}

/**
 * `data:` URL of encoded image bytes (e.g. a JPEG file as read), for {@link annotatedImageFigure}.
 *
 * @example
 * ```ts
 * import { bytesDataUrl } from "./annotated_image_figure.ts";
 * console.assert(bytesDataUrl(new Uint8Array([1, 2, 3]), "image/jpeg") === "data:image/jpeg;base64,AQID");
 * ```
 */
export function bytesDataUrl(bytes: Uint8Array, mime: string): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:${mime};base64,${btoa(s)}`;
}

/**
 * An image with boxes (rectangle shapes, labels above) and point sets (markers) over it.
 *
 * @example
 * ```ts
 * import { annotatedImageFigure } from "./annotated_image_figure.ts";
 * const img = { width: 4, height: 4, channels: 1 as const, data: new Uint8Array(16) };
 * const fig = await annotatedImageFigure(img, { boxes: [{ x: 1, y: 1, width: 2, height: 2, label: "0.99" }] });
 * console.assert(fig.data[0].type === "image" && (fig.layout.shapes as unknown[]).length === 1);
 * ```
 */
export async function annotatedImageFigure(
  image: RawImage | EncodedImage,
  annotations: ImageAnnotations = {},
  options: FigureOptions & { width?: number } = {},
): Promise<Figure> {
  const src = "src" in image ? image.src : await pngDataUrl(image);
  const { width, height } = image;
  const shownWidth = options.width ?? 640;
  const boxes = annotations.boxes ?? [];
  const data: Figure["data"] = [{
    type: "image",
    source: src,
    x0: 0,
    y0: 0,
    dx: 1,
    dy: 1,
    hoverinfo: "skip",
  }];
  (annotations.points ?? []).forEach((pts, i) => {
    data.push({
      type: "scatter",
      mode: "markers",
      name: `points ${i}`,
      x: pts.map((p) => p[0]),
      y: pts.map((p) => p[1]),
      marker: { size: 3, color: PALETTE[(i + 2) % PALETTE.length] },
    });
  });
  return {
    data,
    layout: baseLayout({
      ...options,
      height: options.height ?? Math.round((shownWidth * height) / width) + 60,
    }, {
      width: shownWidth + 40,
      margin: { l: 20, r: 20, t: options.title ? 40 : 10, b: 20 },
      xaxis: { visible: false, range: [0, width] },
      yaxis: { visible: false, range: [height, 0], scaleanchor: "x" },
      showlegend: false,
      shapes: boxes.map((b) => ({
        type: "rect",
        x0: b.x,
        y0: b.y,
        x1: b.x + b.width,
        y1: b.y + b.height,
        line: { color: PALETTE[1], width: 2 },
      })),
      annotations: boxes.filter((b) => b.label).map((b) => ({
        x: b.x,
        y: b.y,
        text: b.label,
        xanchor: "left",
        yanchor: "bottom",
        showarrow: false,
        font: { color: "white", size: 11 },
        bgcolor: PALETTE[1],
      })),
    }),
  };
}
