import { describe, expect, it } from "vitest";
import { serverForFile } from "../test/harness.ts";

const server = serverForFile();

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
}

describe("the OpenAPI document", () => {
  it("lists every REST route with its method", async () => {
    const res = await server.http.get<Doc>("/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const routes = Object.entries(res.body.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const crud = (path: string) => [
      `POST /admin/${path}`,
      `PATCH /admin/${path}/{id}`,
      `DELETE /admin/${path}/{id}`,
    ];
    expect(routes.sort()).toEqual(
      [
        "GET /admin/users/{id}",
        "GET /users/me",
        "PATCH /users/me",
        "POST /auth/login",
        "POST /auth/logout",
        "POST /auth/otp/request",
        "POST /auth/refresh",
        "POST /auth/register",
        "GET /movies",
        "GET /movies/{id}",
        "GET /showtimes",
        "GET /showtimes/{id}",
        "GET /theaters",
        "GET /theaters/{id}",
        ...crud("theaters"),
        ...crud("screens"),
        ...crud("movies"),
        ...crud("showtimes"),
        "POST /seats/hold",
        "PATCH /seats/hold/{holdId}/refresh",
        "DELETE /seats/hold/{holdId}",
        "GET /seats/availability",
        "POST /payments/create-order",
        "POST /payments/create-intent",
        "GET /payments/orders/{orderId}",
        "POST /payments/webhook",
        "POST /payments/webhook/{provider}",
        "GET /payments/dev/pay/{orderId}",
        "POST /payments/dev/pay/{orderId}",
        "POST /bookings/confirm",
        "GET /bookings/my",
        "GET /bookings/{id}",
        "GET /bookings/{id}/cancellation",
        "POST /bookings/{id}/cancel",
        "GET /bookings/{id}/ticket.pdf",
      ].sort(),
    );
  });

  it("documents query parameters and the seat layout schema", async () => {
    const { body: doc } = await server.http.get<
      Doc & { paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>> }
    >("/api/openapi.json");
    const params = doc.paths["/movies"]?.get?.parameters?.map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(["title", "genre", "date", "limit", "offset"]));
    expect(JSON.stringify(doc.paths["/admin/screens"])).toContain("ScreenLayout");
  });

  it("describes errors with the body the API really sends, creation with 201, and which routes need a token", async () => {
    const { body: doc } = await server.http.get<Doc>("/api/openapi.json");
    const register = doc.paths["/auth/register"]!.post!;
    expect(Object.keys(register.responses)).toContain("201");
    expect(Object.keys(register.responses)).not.toContain("200");
    expect(register.security ?? []).toEqual([]);
    expect(JSON.stringify(register.responses["400"])).toContain("#/components/schemas/ErrorBody");
    expect(doc.components.schemas.ErrorBody).toBeTruthy();
    expect(doc.paths["/users/me"]!.get!.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.paths["/auth/register"]!.post!.responses)).toEqual(
      expect.arrayContaining(["201", "400", "401", "409", "413", "429", "500"]),
    );
    expect(Object.keys(doc.paths["/admin/showtimes/{id}"]!.patch!.responses)).toEqual(
      expect.arrayContaining(["200", "400", "401", "403", "404", "409"]),
    );
  });
});

describe("what the document declares, from the contracts", () => {
  type Op = {
    operationId?: string;
    description?: string;
    security?: unknown[];
    parameters?: Array<{ name: string; in: string }>;
    responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  };
  const operations = async () => {
    const { body: doc } = await server.http.get<Doc & { tags: Array<{ name: string; description: string }> }>(
      "/api/openapi.json",
    );
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        route: `${method.toUpperCase()} ${path}`,
        op: op as Op,
      })),
    );
    return { doc, ops, op: (route: string) => ops.find((o) => o.route === route)?.op as Op };
  };
  const codesOf = (op: Op, status: string) =>
    JSON.stringify(op.responses[status]?.content?.["application/json"]?.schema).match(
      /"enum":\[([^\]]*)\]/,
    )?.[1];

  it("lists the statuses real answers have: 410 on create-order and refresh, 422 and 429 on holds, 402 on confirm, 503 everywhere", async () => {
    const { ops, op } = await operations();
    expect(codesOf(op("POST /payments/create-order"), "410")).toContain("HOLD_EXPIRED");
    expect(codesOf(op("PATCH /seats/hold/{holdId}/refresh"), "410")).toContain("GONE");
    expect(codesOf(op("POST /seats/hold"), "422")).toBe('"IDEMPOTENCY_KEY_REUSED"');
    expect(codesOf(op("POST /seats/hold"), "429")).toBe('"RATE_LIMITED"');
    expect(codesOf(op("POST /bookings/confirm"), "402")).toBe('"PAYMENT_FAILED"');
    expect(op("POST /seats/hold").responses["409"]?.description).toContain("`SEATS_TAKEN`: ");
    expect(ops.filter(({ op }) => !codesOf(op, "503")?.includes("UNAVAILABLE")).map((o) => o.route)).toEqual(
      [],
    );
    const devPay = op("POST /payments/dev/pay/{orderId}").responses["200"];
    expect(Object.keys(devPay?.content ?? {})).toEqual(["application/json", "text/html"]);
  });

  it("names each operation after its contract, describes it, and says which need a token, which take one, and which need none", async () => {
    const { doc, ops, op } = await operations();
    expect(op("POST /seats/hold").operationId).toBe("createHold");
    expect(op("GET /admin/users/{id}").operationId).toBe("getUserById");
    expect(ops.filter(({ op }) => !op.operationId || !op.description).map((o) => o.route)).toEqual([]);
    expect(new Set(ops.map(({ op }) => op.operationId)).size).toBe(ops.length);
    expect(op("GET /movies").security).toEqual([]);
    expect(op("GET /seats/availability").security).toEqual([{}, { bearerAuth: [] }]);
    expect(op("POST /seats/hold").parameters).toContainEqual(
      expect.objectContaining({ name: "Idempotency-Key", in: "header" }),
    );
    expect(op("POST /payments/create-order").parameters ?? []).not.toContainEqual(
      expect.objectContaining({ name: "Idempotency-Key" }),
    );
    expect(doc.tags.map((t) => t.name).sort()).toEqual(
      ["admin", "auth", "bookings", "catalog", "payments", "seats", "users"].sort(),
    );
  });

  it("says money is never negative", async () => {
    const { doc } = await operations();
    const schemas = doc.components.schemas as Record<
      string,
      { properties: Record<string, { minimum?: number }> }
    >;
    expect(schemas.Hold?.properties.total?.minimum).toBe(0);
    expect(schemas.Booking?.properties.amount?.minimum).toBe(0);
    expect(schemas.PaymentOrder?.properties.amount?.minimum).toBe(0);
    expect(schemas.Showtime?.properties.basePrice?.minimum).toBe(0);
  });
});

describe("the error schema", () => {
  it("ErrorBody resolves to { error: ErrorObject } with the codes of the one table, and every $ref resolves", async () => {
    const { body: doc } = await server.http.get<Doc>("/api/openapi.json");
    const schemas = doc.components.schemas as Record<
      string,
      { $ref?: string; properties?: Record<string, unknown> }
    >;
    const body = schemas.ErrorBody!;
    expect(body.$ref).toBeUndefined();
    expect(body.properties?.error).toEqual({ $ref: "#/components/schemas/ErrorObject" });
    const object = schemas.ErrorObject!;
    expect(Object.keys(object.properties ?? {})).toEqual(["code", "message", "details", "requestId"]);
    expect(JSON.stringify(object.properties?.code)).toContain("VALIDATION_FAILED");
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(
      refs.filter((name) => !schemas[name] || schemas[name]?.$ref === `#/components/schemas/${name}`),
    ).toEqual([]);
  });
});

describe("the docs page", () => {
  it("serves Swagger UI and its assets locally, pointing at the document", async () => {
    const page = await server.http.get<string>("/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.body).toContain("/docs/assets/swagger-ui-bundle.js");
    const init = await server.http.get<string>("/docs/init.js");
    expect(init.body).toContain("/api/openapi.json");
    const bundle = await fetch(`${server.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    // Encoded, so the client cannot normalise the traversal away before it reaches the server.
    expect((await fetch(`${server.url}/docs/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/docs/assets/index.html`)).status).toBe(404);
    // Names every object has (its prototype's) are not files of the docs package either.
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const res = await fetch(`${server.url}/docs/assets/${name}`);
      expect(res.status, name).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    }
  });
});

describe("the root page", () => {
  it("is a small page linking the docs, the document and the health checks, and /docs/ leads to the docs", async () => {
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toContain("text/html");
    const links = [...(await home.text()).matchAll(/href="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(links).toEqual(["/docs", "/api/openapi.json", "/healthz", "/readyz"]);
    for (const link of links) {
      expect((await fetch(`${server.url}${link}`)).status).toBe(200);
    }
    const slash = await fetch(`${server.url}/docs/`, { redirect: "manual" });
    expect(slash.status).toBe(301);
    expect(slash.headers.get("location")).toBe("/docs");
    expect((await fetch(`${server.url}/docs/`)).status).toBe(200);
  });
});
