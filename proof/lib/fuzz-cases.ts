/**
 * The requests the fuzz scenario sends, generated with fast-check from each operation of the live
 * OpenAPI document: valid ones (real ids, values the schemas accept), the same with one hostile change
 * (wrong types, missing and extra fields, huge strings, unicode with lone surrogates and NUL, odd
 * numbers), bad JSON and wrong content types, malformed ids, odd query strings, bad tokens and headers,
 * and for webhooks correctly signed garbage. Also the fixed edge cases every operation gets: each wrong
 * method (405 with Allow), a body over the limit (413), no body, JSON that is not an object.
 */
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { type AccessRule, type Caller, callerThatPasses } from "./access-table.ts";
import type { World } from "./fixtures.ts";
import type { ProbeRequest } from "./http-probe.ts";
import { type ApiOperation, fillPath, type JsonSchema } from "./openapi-ops.ts";
import {
  EVIL_STRINGS,
  mutationArb,
  RAW_NUMBER_LITERALS,
  type ValueHints,
  valueArb,
} from "./schema-arbitrary.ts";
import { type IdKind, idKindOf, missingId, worldIds } from "./world-ids.ts";

export interface FuzzCase {
  request: ProbeRequest;
  /** The statuses this case must get, besides the universal rules, and why. */
  expect?: { statuses: number[]; why: string; allow?: string[] };
}

export interface FuzzEnv {
  world: World;
  ruleOf(op: ApiOperation): AccessRule | undefined;
  /** The documented methods of each URL template. */
  methods: Map<string, string[]>;
  bodyLimit: number;
  /** The dev provider's webhook signature over a body (it signs with a key derived from the server's). */
  signWebhook(body: string): string;
  /** The dev provider's checkout signature for an order and payment id. */
  signCheckout(orderId: string, paymentId: string): string;
  accessSecretTokens: Array<{ label: string; header: string }>;
}

/** The dev provider's key: HMAC of the server's refresh secret (packages/core/src/payments/dev-provider.ts). */
export function devSigners(jwtRefreshSecret: string) {
  const secret = createHmac("sha256", jwtRefreshSecret).update("boxoffice dev payments").digest("hex");
  return {
    signWebhook: (body: string) => createHmac("sha256", secret).update(body).digest("hex"),
    signCheckout: (orderId: string, paymentId: string) =>
      createHmac("sha256", secret).update(`${orderId}|${paymentId}`).digest("hex"),
  };
}

/** Path values that are not ids, each a different way to break a parser or a query. */
export const MALFORMED_IDS = [
  "not-a-uuid",
  "1",
  "-1",
  "0",
  "null",
  "undefined",
  "true",
  "{id}",
  "00000000-0000-0000-0000-00000000000g",
  "00000000000000000000000000000000",
  "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}",
  "6ba7b810-9dad-11d1-80b4-00c04fd430c8x",
  "6BA7B810-9DAD-11D1-80B4-00C04FD430C8",
  "' OR 1=1 --",
  "%00",
  "%ZZ",
  "%E0%A4%A",
  "%C0%AF",
  "%2e%2e%2f",
  "a%2Fb",
  "%F0%9F%98%80",
  "%ED%A0%80",
  "x".repeat(2000),
  "dev_order_' OR '1'='1",
  "dev_order_%00",
];

const ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

const WRONG_CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/xml",
  "application/jsonp",
  "application/json; charset=utf-16",
  "application/vnd.api+json",
  "APPLICATION/JSON",
  "*/*",
];

const BAD_JSON = [
  "{",
  "}",
  "{'a': 1}",
  '{"a": 1,}',
  '{"a" 1}',
  "[1, 2",
  "NaN",
  "undefined",
  "\ufeff{}",
  "{}garbage",
  '{"a": "\u0000"}',
  '{"a": "\\ud800"}',
  '{"a": "\\uZZZZ"}',
  "01",
  "--1",
  `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
  `${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`,
  "null",
  "[]",
  '"just a string"',
  "0",
  "true",
];

function tokenOf(world: World, caller: Caller): string | undefined {
  return caller === "anonymous"
    ? undefined
    : { owner: world.owner, other: world.other, staff: world.staff, admin: world.admin }[caller].accessToken;
}

export function hintsFor(op: ApiOperation, world: World): ValueHints {
  const ids = worldIds(world);
  return {
    idsFor(name: string) {
      const kind: IdKind = idKindOf(name, op.path);
      const real = kind === "unknown" ? [] : ids[kind];
      return [...real, ...real, missingId(kind === "unknown" ? "theater" : kind)];
    },
    knownFor(name: string) {
      if (name === "refreshToken") {
        // Not the accounts' own: a fuzzed logout or reuse would sign out the sessions the cases run as.
        return [...world.spareRefreshTokens, ...world.usedRefreshTokens];
      }
      return undefined;
    },
  };
}

interface Parts {
  path: Record<string, string>;
  query: Array<[string, string]>;
  body: unknown;
  hasBody: boolean;
}

function validParts(op: ApiOperation, world: World): fc.Arbitrary<Parts> {
  const hints = hintsFor(op, world);
  const pathArb = fc.record(
    Object.fromEntries(
      op.pathParams.map((p) => {
        const kind = idKindOf(p.name, op.path);
        const real = kind === "unknown" ? [] : worldIds(world)[kind];
        return [
          p.name,
          real.length > 0
            ? fc.constantFrom(...real)
            : (valueArb(p.schema, p.name, hints) as fc.Arbitrary<unknown>).map(String),
        ];
      }),
    ) as Record<string, fc.Arbitrary<string>>,
  );
  const queryArb = fc
    .tuple(
      ...op.queryParams.map((p) =>
        p.required
          ? valueArb(p.schema, p.name, hints)
          : fc.option(valueArb(p.schema, p.name, hints), { nil: undefined, freq: 2 }),
      ),
    )
    .map((values) =>
      values.flatMap((v, i): Array<[string, string]> => {
        const name = op.queryParams[i]?.name ?? "";
        return v === undefined ? [] : [[name, typeof v === "string" ? v : JSON.stringify(v)]];
      }),
    );
  const bodyArb: fc.Arbitrary<unknown> = op.body
    ? valueArb(op.body.schema, "", hints)
    : fc.constant(undefined);
  return fc
    .record({ path: pathArb, query: queryArb, body: bodyArb })
    .map((p) => ({ ...p, hasBody: op.body !== undefined }));
}

function urlOf(
  op: ApiOperation,
  path: Record<string, string>,
  query: Array<[string, string]>,
  rawPath = false,
): string {
  const qs = new URLSearchParams(query).toString();
  return `${fillPath(op.urlTemplate, path, rawPath)}${qs ? `?${qs}` : ""}`;
}

function authHeaders(world: World, caller: Caller): Record<string, string> {
  const token = tokenOf(world, caller);
  return token ? { authorization: `Bearer ${token}` } : {};
}

interface Who {
  caller: Caller;
  world: World;
  kind: string;
  note?: string | undefined;
}

/** A request sent as `who.caller` (with their Bearer token), with `body` as JSON when given. */
function probe(
  target: Pick<ProbeRequest, "method" | "url" | "shape">,
  body: string | undefined,
  who: Who,
): ProbeRequest {
  const headers = authHeaders(who.world, who.caller);
  const request: ProbeRequest = { ...target, headers, as: who.caller, kind: who.kind };
  if (who.note) {
    request.note = who.note;
  }
  if (body !== undefined) {
    request.body = body;
    headers["content-type"] = "application/json";
  }
  return request;
}

function jsonRequest(
  op: ApiOperation,
  parts: Parts,
  caller: Caller,
  world: World,
  kind: string,
  note?: string,
): ProbeRequest {
  const body = parts.hasBody && parts.body !== undefined ? JSON.stringify(parts.body) : undefined;
  return probe({ method: op.method, url: urlOf(op, parts.path, parts.query) }, body, {
    caller,
    world,
    kind,
    note,
  });
}

/** A request's body is over the limit: whatever else it is, the answer is 413. */
export function oversize(request: ProbeRequest, limit: number): boolean {
  const body = request.body;
  return body !== undefined && (typeof body === "string" ? Buffer.byteLength(body) : body.byteLength) > limit;
}

/** The sampled cases of one operation. */
export function caseArb(op: ApiOperation, env: FuzzEnv): fc.Arbitrary<FuzzCase> {
  const { world } = env;
  const rule = env.ruleOf(op);
  const passing: Caller = (rule && callerThatPasses(rule.access)) ?? (rule ? "anonymous" : "admin");
  const callerArb: fc.Arbitrary<Caller> = fc.oneof(
    { weight: 8, arbitrary: fc.constant(passing) },
    { weight: 2, arbitrary: fc.constantFrom<Caller>("anonymous", "owner", "other", "staff", "admin") },
  );
  const protectedOp = op.secured;
  const procedure = op.procedure !== undefined;
  const webhook = rule?.access.kind === "webhook";
  const valid = validParts(op, world);
  const hugeLength = Math.floor(env.bodyLimit * 0.8);

  const cases: Array<{ weight: number; arbitrary: fc.Arbitrary<FuzzCase> }> = [];

  cases.push({
    weight: 3,
    arbitrary: fc.tuple(valid, callerArb).map(([parts, caller]) => ({
      request: jsonRequest(op, parts, caller, world, "valid"),
    })),
  });

  if (op.body) {
    cases.push({
      weight: 5,
      arbitrary: fc.tuple(valid, callerArb).chain(([parts, caller]) =>
        mutationArb(parts.body ?? {}, hugeLength).map((m) => ({
          request: jsonRequest(op, { ...parts, body: m.value }, caller, world, "mutated body", m.what),
        })),
      ),
    });
    cases.push({
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.nat(), fc.constantFrom(...BAD_JSON, ...RAW_NUMBER_LITERALS), fc.nat())
        .map(([parts, cut, garbage, pick]) => {
          const request = jsonRequest(op, parts, passing, world, "bad JSON");
          const text = JSON.stringify(parts.body ?? {});
          const variants = [
            garbage,
            text.slice(0, cut % Math.max(text.length, 1)),
            // A number literal JavaScript reads as Infinity or loses precision, where a value goes.
            text.replace(/:(-?\d[\d.eE+-]*|"[^"]*"|true|false|null)/, `:${garbage}`),
            `${text}${garbage}`,
          ];
          const body = variants[pick % variants.length] ?? garbage;
          request.body = body;
          request.note = `body ${JSON.stringify(body).slice(0, 60)}`;
          return {
            request,
            ...(procedure && body.trim() !== "" && !parses(body)
              ? {
                  expect: {
                    statuses: [400, 413],
                    why: "a body that is not JSON is INVALID_JSON (or 413 when too big)",
                  },
                }
              : {}),
          };
        }),
    });
    cases.push({
      weight: 1,
      arbitrary: fc.tuple(valid, fc.constantFrom(...WRONG_CONTENT_TYPES)).map(([parts, type]) => {
        const request = jsonRequest(op, parts, passing, world, "content type", type);
        request.headers = { ...request.headers, "content-type": type };
        const json = /^application\/(.+\+)?json\b/i.test(type);
        return {
          request,
          ...(procedure && !json && request.body !== undefined && request.body !== ""
            ? { expect: { statuses: [415], why: "a body that is not declared JSON is 415" } }
            : {}),
        };
      }),
    });
    cases.push({
      weight: 1,
      arbitrary: fc.tuple(valid, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([parts, bytes]) => {
        const request = jsonRequest(op, parts, passing, world, "bytes that are not UTF-8");
        // `{"k":"<bytes>"}` with raw bytes, most of them not valid UTF-8.
        const invalid = Uint8Array.from([...bytes].map((b) => b | 0x80));
        request.body = Buffer.concat([Buffer.from('{"name":"'), invalid, Buffer.from('"}')]);
        request.headers = { ...request.headers, "content-type": "application/json" };
        return { request };
      }),
    });
  }

  if (op.queryParams.length > 0 || op.method === "GET") {
    const names = op.queryParams.map((p) => p.name);
    cases.push({
      weight: 3,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom(...names, "unknown", "__proto__", "limit[]"),
          fc.oneof(
            fc.constantFrom(...EVIL_STRINGS),
            fc.string({ unit: "binary", maxLength: 30 }),
            fc.integer().map(String),
          ),
          fc.boolean(),
        )
        .map(([parts, name, value, twice]) => {
          const query: Array<[string, string]> = [...parts.query.filter(([k]) => k !== name), [name, value]];
          if (twice) {
            query.push([name, value]);
          }
          return {
            request: jsonRequest(
              op,
              { ...parts, query },
              passing,
              world,
              "odd query",
              `${name}=${JSON.stringify(value).slice(0, 40)}${twice ? " twice" : ""}`,
            ),
          };
        }),
    });
  }

  if (op.pathParams.length > 0) {
    cases.push({
      weight: 3,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom(...op.pathParams),
          fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom(...MALFORMED_IDS) },
            {
              weight: 1,
              arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).map(encodeURIComponent),
            },
            { weight: 1, arbitrary: fc.uuid() },
          ),
        )
        .map(([parts, param, value]) => {
          const path = Object.fromEntries(
            Object.entries(parts.path).map(([k, v]) => [k, encodeURIComponent(v)]),
          );
          path[param.name] = value;
          const request = jsonRequest(
            op,
            parts,
            passing,
            world,
            "malformed id",
            `${param.name}=${value.slice(0, 40)}`,
          );
          request.url = urlOf(op, path, parts.query, true);
          const uuidParam = param.schema.format === "uuid";
          const plainMalformed = /^[\w' =-]+$/.test(value) && !/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(value);
          return {
            request,
            ...(uuidParam && plainMalformed && !protectedOpWithoutPass(protectedOp, passing)
              ? { expect: { statuses: [400], why: "an id that is not a UUID is a validation error" } }
              : {}),
          };
        }),
    });
  }

  cases.push({
    weight: 2,
    arbitrary: fc
      .tuple(
        valid,
        fc.oneof(
          fc.constantFrom(...env.accessSecretTokens),
          fc
            .string({ maxLength: 60 })
            .map((s) => ({ label: "random bearer", header: `Bearer ${s.replace(/[^\x20-\x7e]/g, "")}` })),
          fc
            .string({ maxLength: 60 })
            .map((s) => ({ label: "random header", header: s.replace(/[^\x20-\x7e]/g, "") })),
        ),
      )
      .map(([parts, bad]) => {
        const request = jsonRequest(op, parts, "anonymous", world, "bad token", bad.label);
        request.headers = { ...request.headers, authorization: bad.header };
        request.as = bad.label;
        return {
          request,
          ...(protectedOp && !oversize(request, env.bodyLimit)
            ? { expect: { statuses: [401], why: "a protected route refuses any token it cannot verify" } }
            : {}),
        };
      }),
  });

  cases.push({
    weight: 1,
    arbitrary: fc
      .tuple(
        valid,
        fc.constantFrom(
          ["idempotency-key", "x".repeat(4000)],
          ["idempotency-key", ""],
          ["idempotency-key", "\u00ff\u00fe"],
          ["idempotency-key", "' OR 1=1"],
          ["x-request-id", "../../etc/passwd"],
          ["x-request-id", "a".repeat(129)],
          ["x-request-id", "\u00e9t\u00e9"],
          ["accept", "text/html"],
          ["accept", "application/xml"],
          ["cookie", "boxoffice_refresh=%00%ZZ; boxoffice_refresh=x"],
          ["cookie", `boxoffice_refresh=${world.usedRefreshTokens[0] ?? "x"}`],
          ["origin", "https://evil.example"],
          ["x-forwarded-for", "1.2.3.4, not an address"],
        ),
      )
      .map(([parts, [name, value]]) => {
        const request = jsonRequest(
          op,
          parts,
          passing,
          world,
          "odd header",
          `${name}: ${value.slice(0, 30)}`,
        );
        request.headers = { ...request.headers, [name]: value };
        return { request };
      }),
  });

  if (webhook) {
    cases.push({
      weight: 6,
      arbitrary: fc
        .tuple(
          fc
            .constantFrom(JSON.parse(world.signedWebhook.body) as unknown, refundNotice(world))
            .chain((event) => mutationArb(event, hugeLength)),
          fc.uuid(),
          fc.constantFrom("dev", "razorpay", "stripe"),
        )
        .map(([m, eventId, provider]) => {
          const body = JSON.stringify(m.value);
          const request: ProbeRequest = {
            method: op.method,
            url: fillPath(op.urlTemplate, { provider }),
            headers: {
              "content-type": "application/json",
              "x-razorpay-signature": env.signWebhook(body),
              "x-razorpay-event-id": `evt_fuzz_${eventId}`,
            },
            body,
            as: "the provider",
            kind: "signed garbage event",
            note: m.what,
          };
          return { request };
        }),
    });
  }

  if (op.key === "POST /bookings/confirm") {
    // Checkout fields signed with the dev key: reaches the payment verification and confirmation.
    cases.push({
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.constantFrom(world.order.orderId, world.booking.orderId, missingId("order")),
          fc.constantFrom("x1", "zz"),
          fc.oneof(
            fc.constantFrom(0, 1, 39_999, 40_000, 999_999_999).map(String),
            fc.constantFrom("-1", "1e3", "0x10", "", "99999999999"),
          ),
          fc.constantFrom("INR", "USD", "inr", "", "XXXX"),
          fc.constantFrom("", ".failed", ".other"),
          fc.constantFrom<Caller>("owner", "owner", "other"),
        )
        .map(([orderId, nonce, amount, currency, suffix, caller]) => {
          const paymentId = `dev_pay_${nonce}.${amount}.${currency}${suffix}`;
          const parts: Parts = {
            path: {},
            query: [],
            body: { orderId, paymentId, signature: env.signCheckout(orderId, paymentId) },
            hasBody: true,
          };
          return { request: jsonRequest(op, parts, caller, world, "signed checkout", paymentId) };
        }),
    });
  }

  return fc.oneof(...cases);
}

/** A refund notice for the owner's booking, as Razorpay (and the dev provider) would sign it. */
function refundNotice(world: World): unknown {
  return {
    entity: "event",
    event: "refund.processed",
    contains: ["refund"],
    payload: {
      refund: {
        entity: { id: "rfnd_fuzz1", payment_id: world.booking.paymentId, amount: 10_000, notes: [] },
      },
    },
  };
}

function parses(text: string): boolean {
  try {
    // The API reads bodies as UTF-8 text, which drops a leading byte-order mark.
    JSON.parse(text.replace(/^\ufeff/, ""));
    return true;
  } catch {
    return false;
  }
}

function protectedOpWithoutPass(protectedOp: boolean, passing: Caller): boolean {
  return protectedOp && passing === "anonymous";
}

/** The fixed cases of one operation: the rules that hold for every route. */
export function edgeCases(op: ApiOperation, env: FuzzEnv, sample: ProbeRequest): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const withBody = (kind: string, body: string | undefined, extra: Record<string, string> = {}): FuzzCase => {
    const request: ProbeRequest = { ...sample, headers: { ...sample.headers, ...extra }, kind };
    if (body === undefined) {
      delete request.body;
      if (request.headers) {
        delete request.headers["content-type"];
      }
    } else {
      request.body = body;
    }
    return { request };
  };
  if (op.body) {
    const big = JSON.stringify({ padding: "p".repeat(env.bodyLimit + 1024) });
    cases.push({
      ...withBody("over the body limit", big, { "content-type": "application/json" }),
      expect: { statuses: [413], why: `a body over ${env.bodyLimit} bytes is 413` },
    });
    cases.push(withBody("no body", undefined));
    cases.push(withBody("empty JSON body", "", { "content-type": "application/json" }));
    for (const text of ["null", "[]", '"text"', "0", "{}"]) {
      cases.push(withBody("JSON that is not an object", text, { "content-type": "application/json" }));
    }
  }
  const extra: ProbeRequest = {
    ...sample,
    url: `${sample.url.split("?")[0]}/extra`,
    kind: "unknown sub-path",
  };
  cases.push({ request: extra, ...routingExpectation(env, extra) });
  return cases;
}

/**
 * The methods the documented routes allow at a concrete URL: the union over every template it fits, as
 * the API routes it (`/bookings/confirm` also fits `/bookings/{id}`).
 */
export function routeMethods(env: FuzzEnv, url: string): string[] {
  const raw = url.split("?")[0] ?? "";
  let path = raw;
  try {
    path = decodeURI(raw);
  } catch {
    // not valid percent-encoding: match it as it is
  }
  const methods = new Set<string>();
  for (const [template, listed] of env.methods) {
    const source = template
      .split("/")
      .map((segment) => (/^\{\w+\}$/.test(segment) ? "[^/]+" : segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
      .join("/");
    if (new RegExp(`^${source}/?$`).test(path)) {
      for (const m of listed) {
        methods.add(m);
      }
    }
  }
  return [...methods];
}

/** What routing alone decides: 404 where no route fits, 405 with Allow where none takes this method. */
function routingExpectation(env: FuzzEnv, request: ProbeRequest): Pick<FuzzCase, "expect"> {
  const methods = routeMethods(env, request.url);
  if (methods.length === 0) {
    return { expect: { statuses: [404], why: "no documented route fits this path" } };
  }
  if (!methods.includes(request.method)) {
    // Wherever GET is served HEAD is too (RFC 9110, 9.3.2) and Allow names it; an OpenAPI document lists
    // GET only. So Allow must be exactly the document's methods, plus HEAD where GET is one of them.
    const allow = methods.includes("GET") ? [...methods, "HEAD"] : methods;
    return { expect: { statuses: [405], why: `the path exists (${methods.join(", ")})`, allow } };
  }
  return {};
}

/** Each method the document does not list for a path: 405, with Allow naming the ones it does. */
export function wrongMethodCases(env: FuzzEnv, samples: Map<string, ProbeRequest>): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const [template, methods] of env.methods) {
    const sample = samples.get(template);
    if (!sample) {
      continue;
    }
    for (const method of ALL_METHODS.filter((m) => !methods.includes(m))) {
      const request: ProbeRequest = { ...sample, method, kind: "wrong method" };
      if (method === "GET") {
        delete request.body;
      }
      const routing = routingExpectation(env, request);
      // Another route may take this method at this URL (GET /bookings/confirm is GET /bookings/{id}).
      if (routing.expect) {
        cases.push({ request, ...routing });
      }
    }
  }
  return cases;
}

/** Unknown paths and odd URLs: 404 in the one shape. */
export function unknownPathCases(world: World): FuzzCase[] {
  const token = world.admin.accessToken;
  const urls = [
    "/api/nope",
    "/api/",
    "/api",
    "/api//movies",
    "/api/movies/",
    "/api/movies//",
    "/api/admin",
    "/api/%ZZ",
    "/api/%00",
    "/api/movies%2F..%2Fusers%2Fme",
    "/api/openapi.json/x",
    "/api/bookings/my/extra",
    `/api/${"a/".repeat(200)}`,
  ];
  return urls.map((url) => ({
    request: {
      method: "GET",
      url,
      headers: { authorization: `Bearer ${token}` },
      as: "admin",
      kind: "unknown path",
    },
  }));
}

export type { JsonSchema };

/** A procedure's input as tRPC takes it: path, query and body fields in one object. */
function trpcInput(parts: Parts): unknown {
  const fields = { ...parts.path, ...Object.fromEntries(parts.query) };
  if (parts.body === undefined) {
    return Object.keys(fields).length > 0 ? fields : undefined;
  }
  return typeof parts.body === "object" && parts.body !== null && !Array.isArray(parts.body)
    ? { ...(parts.body as object), ...fields }
    : parts.body;
}

/** A tRPC call of `procedure`: a GET with `?input=` for a query, a POST with a JSON body otherwise. */
function trpcRequest(call: Who & { procedure: string; query: boolean; input: unknown }): ProbeRequest {
  const text = call.input === undefined ? undefined : JSON.stringify(call.input);
  const url = `/trpc/${call.procedure}`;
  return call.query
    ? probe(
        {
          method: "GET",
          url: text === undefined ? url : `${url}?input=${encodeURIComponent(text)}`,
          shape: "trpc",
        },
        undefined,
        call,
      )
    : probe({ method: "POST", url, shape: "trpc" }, text, call);
}

/** The same procedures over tRPC: valid and mutated inputs. */
export function trpcCaseArb(op: ApiOperation, env: FuzzEnv, procedure: string): fc.Arbitrary<FuzzCase> {
  const rule = env.ruleOf(op);
  const passing: Caller = (rule && callerThatPasses(rule.access)) ?? (rule ? "anonymous" : "admin");
  const query = op.method === "GET";
  const hugeLength = Math.floor(env.bodyLimit * 0.8);
  return validParts(op, env.world).chain((parts) => {
    const input = trpcInput(parts);
    return fc.oneof(
      fc.constant({
        request: trpcRequest({
          procedure,
          query,
          input,
          caller: passing,
          world: env.world,
          kind: "tRPC valid",
        }),
      }),
      // A query's input travels in the URL: keep it short enough for one.
      mutationArb(input ?? {}, query ? 2000 : hugeLength).map((m) => ({
        request: trpcRequest({
          procedure,
          query,
          input: m.value,
          caller: passing,
          world: env.world,
          kind: "tRPC mutated",
          note: m.what,
        }),
      })),
    );
  });
}

/** Fixed tRPC cases of a procedure: the wrong verb, input that is not JSON, a batch with garbage. */
export function trpcEdgeCases(op: ApiOperation, env: FuzzEnv, procedure: string): FuzzCase[] {
  const query = op.method === "GET";
  const headers = {
    authorization: `Bearer ${env.world.admin.accessToken}`,
    "content-type": "application/json",
  };
  const base = { headers, as: "admin", shape: "trpc" as const };
  return [
    {
      request: {
        ...base,
        method: query ? "POST" : "GET",
        url: `/trpc/${procedure}`,
        ...(query ? { body: "{}" } : {}),
        kind: "tRPC wrong verb",
      },
      expect: { statuses: [405], why: `a ${query ? "query" : "mutation"} sent the other way` },
    },
    {
      request: query
        ? { ...base, method: "GET", url: `/trpc/${procedure}?input=%7B%22a%22`, kind: "tRPC bad JSON" }
        : { ...base, method: "POST", url: `/trpc/${procedure}`, body: '{"a"', kind: "tRPC bad JSON" },
      expect: { statuses: [400], why: "input that is not JSON" },
    },
    {
      request: query
        ? {
            ...base,
            method: "GET",
            url: `/trpc/${procedure},${procedure}?batch=1&input=${encodeURIComponent('{"0":{"id":"x"},"1":"\\u0000"}')}`,
            kind: "tRPC batch",
          }
        : {
            ...base,
            method: "POST",
            url: `/trpc/${procedure},${procedure}?batch=1`,
            body: '{"0":{"x":1},"1":[null]}',
            kind: "tRPC batch",
          },
    },
    {
      request: {
        ...base,
        method: "GET",
        url: `/trpc/${procedure}?batch=1&input=%ZZ`,
        kind: "tRPC batch bad input",
      },
    },
    {
      request: {
        ...base,
        method: "POST",
        url: `/trpc/${procedure}?batch=1`,
        body: '{"0":',
        kind: "tRPC batch bad JSON",
      },
    },
  ];
}

/** tRPC paths that are not procedures. */
export function trpcUnknownCases(world: World): FuzzCase[] {
  const headers = { authorization: `Bearer ${world.admin.accessToken}` };
  return [
    "/trpc/nope",
    "/trpc/admin",
    "/trpc/",
    "/trpc/movies.list,nope?batch=1&input=%7B%7D",
    "/trpc/__proto__.constructor",
  ].map((url) => ({
    request: { method: "GET", url, headers, as: "admin", kind: "tRPC unknown procedure", shape: "trpc" },
  }));
}
