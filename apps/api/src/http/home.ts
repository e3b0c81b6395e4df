import { Hono } from "hono";
import type { AppEnv } from "./app-env.ts";

// Until the booking page is served here, `/` says what this server is and where to go next.
const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>boxoffice</title>
  <style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }</style>
</head>
<body>
  <h1>boxoffice</h1>
  <p>A movie-ticket booking API. This server speaks tRPC at <code>/trpc</code> and REST under <code>/api</code>.</p>
  <ul>
    <li><a href="/docs">API documentation</a> (Swagger UI: try every operation)</li>
    <li><a href="/api/openapi.json">OpenAPI document</a> (generate a client in any language)</li>
    <li><a href="/healthz">/healthz</a> (the process is up) and <a href="/readyz">/readyz</a> (its database answers)</li>
  </ul>
</body>
</html>`;

export function homeRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", (c) => c.html(page));
  // Hono's routes are strict about a trailing slash; people type one.
  app.get("/docs/", (c) => c.redirect("/docs", 301));
  return app;
}
