import assert from "node:assert/strict";
import {
  describeFigure,
  display,
  figureHtml,
  figureMimeBundle,
  plotlyCompressedLibraryHtml,
  plotlyLibraryHtml,
  plotlySource,
  resetPlotlyInjection,
} from "../../lib/plot/mod.ts";

const fig = {
  data: [{ type: "scatter", y: [1, 2] }],
  layout: { title: { text: "a </script> b" } },
};

Deno.test("plotlySource() reads the pinned plotly.js bundle from node_modules", async () => {
  const src = await plotlySource();
  assert.ok(src.length > 1_000_000);
  assert.match(src.slice(0, 2000), /plotly\.js v\d+\.\d+\.\d+/);
});

Deno.test("figureHtml() embeds the spec safely: '</script>' in a title cannot close the script", () => {
  const html = figureHtml(fig, { id: "f" });
  assert.ok(html.startsWith('<div id="f"'));
  assert.equal(html.match(/<\/script>/g)?.length, 1);
  assert.ok(html.includes("\\u003c/script>"));
});

Deno.test("plotlyCompressedLibraryHtml() carries gzip of exactly the bundle's source", async () => {
  const html = await plotlyCompressedLibraryHtml();
  const b64 = html.match(/atob\("([^"]+)"\)/)![1];
  const gz = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const text = await new Response(
    new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip")),
  ).text();
  assert.equal(text, await plotlySource());
  assert.ok((await plotlyLibraryHtml()).includes("window.define = undefined"));
});

Deno.test("figureMimeBundle() includes the library only in the first figure of a session", async () => {
  resetPlotlyInjection();
  const first = await figureMimeBundle(fig);
  const second = await figureMimeBundle(fig);
  assert.ok((first["text/html"] as string).includes("DecompressionStream"));
  assert.ok(!(second["text/html"] as string).includes("DecompressionStream"));
  assert.deepEqual((second["application/vnd.plotly.v1+json"] as { data: unknown }).data, fig.data);
  assert.equal(second["text/plain"], describeFigure(fig));
  resetPlotlyInjection();
});

Deno.test("display() sends nothing and does not throw outside Jupyter", async () => {
  resetPlotlyInjection();
  assert.equal(await display(fig), undefined);
  // Nothing was sent, so the next bundle still carries the library.
  assert.ok(((await figureMimeBundle(fig))["text/html"] as string).includes("DecompressionStream"));
  resetPlotlyInjection();
});
