/**
 * Figures as plain Plotly specs, and their display in notebooks and HTML pages.
 * @module
 */
export * from "./figure.ts";
export * from "./line_figure.ts";
export * from "./histogram_figure.ts";
export * from "./bar_figure.ts";
export * from "./pca.ts";
export * from "./scatter_figure.ts";
export * from "./png.ts";
export * from "./image_grid_figure.ts";
export * from "./annotated_image_figure.ts";
export * from "./plotly_html.ts";
export * from "./display.ts";
