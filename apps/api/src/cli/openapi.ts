import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { API_VERSION } from "../app.ts";
import { buildOpenApiDocument } from "../http/openapi.ts";
import { appRouter } from "../trpc/router.ts";

// Writes the OpenAPI document the API serves at /api/openapi.json (with the dev provider's routes, so
// the linters see every route there is), to `--out` or stdout.
const { values } = parseArgs({ options: { out: { type: "string" } } });
const json = `${JSON.stringify(buildOpenApiDocument(appRouter, API_VERSION, { devPayments: true }), null, 2)}\n`;
if (values.out) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, json);
} else {
  process.stdout.write(json);
}
