/**
 * Image grids (case studies: hardest pairs with their distances; detections and crops).
 * @module
 */
import type { Figure, FigureOptions } from "./figure.ts";
import { pngDataUrl, type RawImage } from "./png.ts";

/** One cell of a grid: an image (raw pixels or a data/HTTP URL) and a caption. */
export interface GridCell {
  image: RawImage | string;
  caption?: string;
}

/** Options of {@link imageGridFigure}. */
export interface ImageGridOptions extends FigureOptions {
  /** Images per row. Default 4. */
  columns?: number;
  /** Pixel size of each cell. Default 160. */
  cellSize?: number;
}

/**
 * A grid of images as Plotly `image` traces (one subplot each), captions as subplot titles.
 * Raw images are PNG-encoded into data URLs, so the figure stays self-contained.
 *
 * @example
 * ```ts
 * import { imageGridFigure } from "./image_grid_figure.ts";
 * const img = { width: 2, height: 2, channels: 1 as const, data: new Uint8Array([0, 255, 255, 0]) };
 * const fig = await imageGridFigure([{ image: img, caption: "a" }, { image: img, caption: "b" }]);
 * console.assert(fig.data.length === 2 && fig.data[0].type === "image");
 * ```
 */
export async function imageGridFigure(
  cells: GridCell[],
  options: ImageGridOptions = {},
): Promise<Figure> {
  if (cells.length === 0) throw new Error("imageGridFigure: 'cells' is empty");
  const columns = Math.max(1, Math.min(options.columns ?? 4, cells.length));
  const rows = Math.ceil(cells.length / columns);
  const cell = options.cellSize ?? 160;
  const layout: Record<string, unknown> = {
    ...(options.title ? { title: { text: options.title } } : {}),
    grid: { rows, columns, pattern: "independent", xgap: 0.05, ygap: 0.2 },
    height: options.height ?? rows * (cell + 40) + (options.title ? 60 : 20),
    width: Math.max(columns * cell + 40, 640),
    margin: { l: 10, r: 10, t: options.title ? 60 : 30, b: 10 },
    showlegend: false,
  };
  const annotations: unknown[] = [];
  const data = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    const axis = i === 0 ? "" : String(i + 1);
    const source = typeof c.image === "string" ? c.image : await pngDataUrl(c.image);
    data.push({
      type: "image",
      source,
      xaxis: `x${axis}`,
      yaxis: `y${axis}`,
      name: c.caption ?? "",
    });
    layout[`xaxis${axis}`] = { visible: false };
    layout[`yaxis${axis}`] = { visible: false, scaleanchor: `x${axis}` };
    if (c.caption) {
      annotations.push({
        text: c.caption,
        xref: `x${axis} domain`,
        yref: `y${axis} domain`,
        x: 0.5,
        y: 1.0,
        yanchor: "bottom",
        showarrow: false,
        font: { size: 11 },
      });
    }
  }
  layout.annotations = annotations;
  return { data, layout };
}
