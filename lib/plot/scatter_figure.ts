/**
 * Scatter of embeddings projected to 2-D by PCA, coloured by identity.
 * @module
 */
import { baseLayout, type Figure, type FigureOptions, PALETTE } from "./figure.ts";
import { pcaProject } from "../eval/pca.ts";

/**
 * PCA scatter of `embeddings` ([N][D]) with one trace per label (legend = identity).
 *
 * @example
 * ```ts
 * import { pcaScatterFigure } from "./scatter_figure.ts";
 * const fig = pcaScatterFigure([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 1, 1]], [0, 0, 1, 1]);
 * console.assert(fig.data.length === 2 && fig.data[0].mode === "markers");
 * ```
 */
export function pcaScatterFigure(
  embeddings: ArrayLike<number>[],
  labels: ArrayLike<number | string>,
  options: FigureOptions & { maxLabels?: number } = {},
): Figure {
  if (labels.length !== embeddings.length) {
    throw new Error(
      `pcaScatterFigure: ${labels.length} labels for ${embeddings.length} embeddings`,
    );
  }
  const { points, variances } = pcaProject(embeddings, {
    dims: Math.min(2, embeddings[0]?.length ?? 2),
  });
  const groups = new Map<string, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const key = String(labels[i]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  const maxLabels = options.maxLabels ?? 20;
  const data = [...groups.entries()].slice(0, maxLabels).map(([label, idx], i) => ({
    type: "scatter",
    mode: "markers",
    name: label,
    x: idx.map((j) => points[j][0]),
    y: idx.map((j) => points[j][1] ?? 0),
    marker: { color: PALETTE[i % PALETTE.length], size: 7 },
  }));
  return {
    data,
    layout: baseLayout({ height: 420, ...options }, {
      xaxis: { title: { text: `PC1 (var ${variances[0].toExponential(2)})` } },
      yaxis: { title: { text: `PC2 (var ${(variances[1] ?? 0).toExponential(2)})` } },
    }),
  };
}
