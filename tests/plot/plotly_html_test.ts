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

Deno.test("plotlySource() reads the pinned minified cartesian plotly.js bundle (heatmaps included)", async () => {
  const src = await plotlySource();
  assert.ok(src.length > 1_000_000 && src.length < 2_000_000, `${src.length} characters`);
  assert.ok(src.includes("heatmap"));
  assert.match(src.slice(0, 2000), /plotly\.js \(cartesian - minified\) v\d+\.\d+\.\d+/);
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
  const first = await figureMimeBundle(fig, { staticImage: false });
  const second = await figureMimeBundle(fig, { staticImage: false });
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
  assert.ok(
    ((await figureMimeBundle(fig, { staticImage: false }))["text/html"] as string).includes(
      "DecompressionStream",
    ),
  );
  resetPlotlyInjection();
});

Deno.test("figureMimeBundle() carries a given PNG as image/png and as the div's content until Plotly draws", async () => {
  const b = await figureMimeBundle(fig, { includeLibrary: false, png: "iVBORw0KGgo=" });
  assert.equal(b["image/png"], "iVBORw0KGgo=");
  const html = b["text/html"] as string;
  assert.match(
    html,
    /<div id="[^"]+" class="facenet-figure"[^>]*><img src="data:image\/png;base64,iVBORw0KGgo="/,
  );
  assert.ok(html.includes('el.innerHTML=""'), "the image is replaced when the plot is drawn");
});

Deno.test("figureMimeBundle() says why there is no static image when none could be made", async () => {
  const b = await figureMimeBundle(fig, {
    includeLibrary: false,
    staticError: "no Chromium found",
  });
  assert.equal(b["image/png"], undefined);
  assert.match(b["text/plain"] as string, /static image not rendered \(no Chromium found\)/);
  assert.match(b["text/html"] as string, /static image not rendered \(no Chromium found\)/);
});
