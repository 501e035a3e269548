/**
 * Figures as plain Plotly specs, and their display in notebooks and HTML pages.
 * @module
 */
export * from "./figure.ts";
export * from "./line_figure.ts";
export * from "./histogram_figure.ts";
export * from "./bar_figure.ts";
export * from "./scatter_figure.ts";
export * from "./png.ts";
export * from "./image_grid_figure.ts";
export * from "./annotated_image_figure.ts";
export * from "./heatmap_figure.ts";
export * from "./smooth.ts";
export * from "./variant_colors.ts";
export * from "./small_multiples_figure.ts";
export * from "./plotly_html.ts";
export * from "./static_image.ts";
export * from "./display.ts";
