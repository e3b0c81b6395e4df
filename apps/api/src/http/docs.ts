import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hono } from "hono";
import type { AppEnv } from "./app-env.ts";

// Swagger UI is served from the installed package, so the docs page works with no internet access.
const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
// A Map, not an object literal: a name such as `constructor` or `__proto__` must find nothing.
const assets = new Map<string, string>([
  ["swagger-ui.css", "text/css; charset=utf-8"],
  ["swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
  ["favicon-32x32.png", "image/png"],
]);

const page = () => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>boxoffice API</title>
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const init = (specUrl: string) =>
  `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: "#docs", deepLinking: true, persistAuthorization: true });`;

export function docsRoutes(specUrl: string) {
  const app = new Hono<AppEnv>();
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  app.get("/", (c) => c.html(page()));
  // The initializer is a file rather than inline script, so the strict Content-Security-Policy holds.
  app.get("/init.js", (c) =>
    c.body(init(specUrl), 200, { "content-type": "text/javascript; charset=utf-8" }),
  );
  app.get("/assets/:file", async (c) => {
    const file = c.req.param("file");
    const type = assets.get(file);
    if (!type) {
      return c.notFound();
    }
    let content = cache.get(file);
    if (!content) {
      content = new Uint8Array(await readFile(join(swaggerDir, file)));
      cache.set(file, content);
    }
    return c.body(content, 200, { "content-type": type, "cache-control": "public, max-age=86400" });
  });
  return app;
}
