/**
 * The operations of the live OpenAPI document, as the proof scenarios enumerate them: read from the
 * running API (GET /api/openapi.json), never from a list kept here, so a new route is covered the day it
 * is documented. `$ref`s are resolved, so each operation carries plain JSON Schemas for its parameters
 * and body.
 */

export type JsonSchema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  $ref?: string;
};

export interface OperationParam {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: JsonSchema;
}

export interface ApiOperation {
  /** Upper case: GET, POST, PATCH, PUT, DELETE. */
  method: string;
  /** As documented, without the server prefix: `/seats/hold/{holdId}`. */
  path: string;
  /** `METHOD /path`: the key of the authorization table. */
  key: string;
  /** With the server prefix, ready to fill: `/api/seats/hold/{holdId}`. */
  urlTemplate: string;
  operationId: string | undefined;
  /** The same operation's tRPC procedure path (`admin.screens.create`); none for the hand-written routes. */
  procedure: string | undefined;
  /** The document asks for a bearer token. */
  secured: boolean;
  pathParams: OperationParam[];
  queryParams: OperationParam[];
  body: { required: boolean; contentTypes: string[]; schema: JsonSchema } | undefined;
  /** Status -> the content types the document promises for it. */
  responses: Map<string, string[]>;
}

export interface OpenApiDoc {
  openapi: string;
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

const METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];

export async function fetchOpenApi(baseUrl: string): Promise<OpenApiDoc> {
  const res = await fetch(`${baseUrl}/api/openapi.json`);
  if (res.status !== 200) {
    throw new Error(`GET /api/openapi.json answered ${res.status}`);
  }
  return (await res.json()) as OpenApiDoc;
}

/** Resolves every local `$ref` (`#/components/...`), keeping a cycle as an empty schema. */
export function resolveRefs(doc: OpenApiDoc, value: unknown, seen: string[] = []): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => resolveRefs(doc, v, seen));
  }
  if (typeof value !== "object" || value === null) {
    return value;
  }
  const record = value as Record<string, unknown>;
  const ref = record.$ref;
  if (typeof ref === "string") {
    if (seen.includes(ref) || !ref.startsWith("#/")) {
      return {};
    }
    let target: unknown = doc;
    for (const part of ref.slice(2).split("/")) {
      target = (target as Record<string, unknown> | undefined)?.[
        part.replace(/~1/g, "/").replace(/~0/g, "~")
      ];
    }
    return resolveRefs(doc, target ?? {}, [...seen, ref]);
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolveRefs(doc, v, seen)]));
}

/** Every operation of the document, in document order. */
export function listOperations(doc: OpenApiDoc): ApiOperation[] {
  const prefix = (doc.servers?.[0]?.url ?? "").replace(/\/$/, "");
  const ops: ApiOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, rawOp] of Object.entries(item)) {
      if (!METHODS.includes(method)) {
        continue;
      }
      const op = resolveRefs(doc, rawOp) as {
        operationId?: string;
        "x-trpc-procedure"?: string;
        security?: Array<Record<string, unknown>>;
        parameters?: Array<{
          name: string;
          in: OperationParam["in"];
          required?: boolean;
          schema?: JsonSchema;
        }>;
        requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
        responses?: Record<string, { content?: Record<string, unknown> }>;
      };
      const params = (op.parameters ?? []).map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required ?? p.in === "path",
        schema: p.schema ?? {},
      }));
      const content = op.requestBody?.content ?? {};
      const contentTypes = Object.keys(content);
      const firstType = contentTypes[0];
      const upper = method.toUpperCase();
      ops.push({
        method: upper,
        path,
        key: `${upper} ${path}`,
        urlTemplate: `${prefix}${path}`,
        operationId: op.operationId,
        procedure: op["x-trpc-procedure"],
        // Secured only when every way in names a scheme: `{}` among them means a token is optional.
        secured:
          (op.security ?? []).length > 0 && (op.security ?? []).every((s) => Object.keys(s).length > 0),
        pathParams: params.filter((p) => p.in === "path"),
        queryParams: params.filter((p) => p.in === "query"),
        body:
          op.requestBody && firstType
            ? {
                required: op.requestBody.required ?? false,
                contentTypes,
                schema: content[firstType]?.schema ?? {},
              }
            : undefined,
        responses: new Map(
          Object.entries(op.responses ?? {}).map(([status, r]) => [status, Object.keys(r.content ?? {})]),
        ),
      });
    }
  }
  return ops;
}

/** The documented methods of each path template, e.g. `/seats/hold/{holdId}` -> [DELETE]. */
export function methodsByPath(ops: ApiOperation[]): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const op of ops) {
    byPath.set(op.urlTemplate, [...(byPath.get(op.urlTemplate) ?? []), op.method]);
  }
  return byPath;
}

/** Fills `{name}` placeholders, percent-encoding each value unless `raw` says it is already encoded. */
export function fillPath(template: string, values: Record<string, string>, raw = false): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name] ?? "";
    return raw ? value : encodeURIComponent(value);
  });
}

/** The tRPC procedure behind an operation, as the document names it (`x-trpc-procedure`). */
export function procedurePathOf(op: ApiOperation): string | undefined {
  return op.procedure;
}

/** Local `$ref`s that point nowhere or straight back at themselves: a client generator cannot use them. */
export function brokenRefs(doc: OpenApiDoc): string[] {
  const broken = new Set<string>();
  const visit = (value: unknown, at: string) => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        visit(v, `${at}/${i}`);
      });
      return;
    }
    if (typeof value !== "object" || value === null) {
      return;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.$ref === "string" && record.$ref.startsWith("#/")) {
      let target: unknown = doc;
      for (const part of record.$ref.slice(2).split("/")) {
        target = (target as Record<string, unknown> | undefined)?.[part];
      }
      if (target === undefined) {
        broken.add(`${record.$ref} (at ${at}) points nowhere`);
      } else if (`#${at}` === record.$ref) {
        broken.add(`${record.$ref} refers to itself`);
      }
    }
    for (const [key, v] of Object.entries(record)) {
      visit(v, `${at}/${key}`);
    }
  };
  visit(doc, "");
  return [...broken];
}
