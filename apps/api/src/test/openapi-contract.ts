import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

type Schema = Record<string, unknown>;

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One real answer, as the HTTP client read it. */
export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

const DOC_ID = "https://boxoffice.invalid/openapi.json";

/**
 * Checks real answers against the OpenAPI document the API serves: the status must be one the operation
 * lists, the content type one that status declares, and a JSON body must validate against that status's
 * schema (JSON Schema 2020-12, formats checked). Objects that list their properties get
 * `additionalProperties: false` unless they say otherwise, so a field the document does not name fails
 * too. Records which statuses of which operation were seen, for a coverage check.
 */
export class OpenApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  readonly seen = new Map<string, Set<string>>();

  constructor(readonly doc: OpenApiDocument) {
    // ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
    const formats = addFormats as unknown as { default?: typeof addFormats };
    (formats.default ?? addFormats)(this.ajv);
    // OpenAPI's own formats that JSON Schema has no check for.
    this.ajv.addFormat("binary", true);
    this.ajv.addSchema({ $id: DOC_ID, $defs: closed(doc.components?.schemas ?? {}) });
  }

  /** Every operation as `METHOD /path` with its operationId. */
  operations(): Array<{ route: string; operationId: string; statuses: string[] }> {
    return Object.entries(this.doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        route: `${method.toUpperCase()} ${path}`,
        operationId: op.operationId,
        statuses: Object.keys(op.responses),
      })),
    );
  }

  /** The problems with an answer to `route` (`POST /seats/hold`); empty when it keeps the contract. */
  problems(route: string, answer: Answer): string[] {
    const [method = "", path = ""] = route.split(" ");
    const op = this.doc.paths[path]?.[method.toLowerCase()];
    if (!op) {
      return [`the document has no operation ${route}`];
    }
    const status = String(answer.status);
    const seen = this.seen.get(route) ?? new Set<string>();
    seen.add(status);
    this.seen.set(route, seen);
    const response = op.responses[status];
    if (!response) {
      return [`${route} answered ${status}, which the document does not list (${Object.keys(op.responses)})`];
    }
    const type = (answer.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
    const content = response.content ?? {};
    if (Object.keys(content).length === 0) {
      return type && answer.body !== undefined
        ? [`${route} ${status} has a body the document calls none`]
        : [];
    }
    const media = content[type];
    if (!media) {
      return [`${route} ${status} answered ${type || "no content type"}, not ${Object.keys(content)}`];
    }
    if (type !== "application/json" || !media.schema) {
      return [];
    }
    const validate = this.validator(`${route} ${status}`, media.schema);
    if (validate(answer.body)) {
      return [];
    }
    return (validate.errors ?? []).map(
      (e) => `${route} ${status}: ${e.instancePath || "(body)"} ${e.message} ${JSON.stringify(e.params)}`,
    );
  }

  private validator(key: string, schema: Schema): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(closed(schema));
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/**
 * A copy of a schema with every `$ref` into the document's components pointed at the copy ajv holds, and
 * every object that lists properties closed to others. Schemas without `type: object` (the parts of an
 * allOf that only narrow a property) are left open, since closing them would refuse what the other
 * parts allow.
 */
function closed<T>(schema: T): T {
  if (Array.isArray(schema)) {
    return schema.map(closed) as T;
  }
  if (schema === null || typeof schema !== "object") {
    return schema;
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.replace("#/components/schemas/", `${DOC_ID}#/$defs/`);
    } else {
      out[key] = key === "properties" ? mapValues(value as Schema, closed) : closed(value);
    }
  }
  if (out.type === "object" && out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out as T;
}

function mapValues(record: Schema, f: (value: unknown) => unknown): Schema {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
