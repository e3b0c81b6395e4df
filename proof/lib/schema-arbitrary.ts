/**
 * fast-check arbitraries from the OpenAPI document's JSON Schemas: values that should pass validation
 * (so a fuzzed request reaches the use case, not just the validator), with real ids of the world where a
 * field holds one, and the hostile values and mutations the fuzz scenario mixes into them.
 */
import fc from "fast-check";
import type { JsonSchema } from "./openapi-ops.ts";

export interface ValueHints {
  /** Real ids (and a few unknown ones) for a field of this name in this path. */
  idsFor(name: string): string[];
  /** Other real strings a field may be given, such as refresh tokens. */
  knownFor(name: string): string[] | undefined;
}

const MAX_ARRAY = 4;
const MAX_STRING = 24;
const MAX_DEPTH = 6;

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) {
    return schema.type;
  }
  if (schema.type) {
    return [schema.type];
  }
  if (schema.properties) {
    return ["object"];
  }
  if (schema.items) {
    return ["array"];
  }
  return [];
}

function fromPattern(pattern: string): fc.Arbitrary<string> | undefined {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return undefined;
  }
}

const day = fc
  .date({ min: new Date("2031-01-01T00:00:00Z"), max: new Date("2034-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

/** Values for fields whose name says more than their schema does. */
function byName(name: string, schema: JsonSchema, hints: ValueHints): fc.Arbitrary<unknown> | undefined {
  const known = hints.knownFor(name);
  if (known && known.length > 0) {
    return fc.oneof(fc.constantFrom(...known), fc.string({ maxLength: MAX_STRING }));
  }
  const lower = name.toLowerCase();
  if (schema.format === "uuid" || (lower.endsWith("id") && typesOf(schema).includes("string"))) {
    const ids = hints.idsFor(name);
    if (ids.length > 0) {
      return fc.constantFrom(...ids);
    }
  }
  switch (lower) {
    case "email":
      return fc.uuid().map((u) => `fuzz-${u.slice(0, 8)}@proof.example`);
    case "password":
      return fc.string({ minLength: 8, maxLength: 40 });
    case "phone":
      return fc.integer({ min: 6_000_000_000, max: 9_999_999_999 }).map((n) => `+91${n}`);
    case "code":
      return fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, "0"));
    case "timezone":
      return fc.constantFrom("Asia/Kolkata", "UTC", "Europe/London", "America/New_York");
    case "currency":
      return fc.constantFrom("INR", "USD");
    case "near":
      return fc
        .tuple(fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }))
        .map(([lat, lng]) => `${lat.toFixed(4)},${lng.toFixed(4)}`);
    case "date":
      return day.map((iso) => iso.slice(0, 10));
    case "country":
      return fc.constantFrom("IN", "US", "GB");
    default:
      return undefined;
  }
}

function stringArb(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === "date-time") {
    return day;
  }
  if (schema.format === "email") {
    return fc.emailAddress();
  }
  if (schema.format === "uuid") {
    return fc.uuid();
  }
  if (schema.format === "uri" || schema.format === "url") {
    return fc.webUrl();
  }
  if (schema.pattern) {
    const matching = fromPattern(schema.pattern);
    if (matching) {
      const max = schema.maxLength ?? Number.POSITIVE_INFINITY;
      return matching.filter((s) => s.length <= max && s.length >= (schema.minLength ?? 0));
    }
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? MAX_STRING, MAX_STRING));
  // Printable text with something in it: the contracts trim and refuse control characters.
  return fc
    .string({ minLength: Math.max(minLength, 1), maxLength: Math.max(maxLength, 1) })
    .map((s) => (s.trim() === "" ? `x${s}`.slice(0, Math.max(maxLength, 1)) : s));
}

function numberArb(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const low = schema.exclusiveMinimum ?? schema.minimum ?? (integer ? -1000 : -1000);
  const high = schema.exclusiveMaximum ?? schema.maximum ?? 1_000_000;
  const min = Math.max(low, -1_000_000_000);
  const max = Math.min(high, 1_000_000_000);
  if (integer) {
    const lo = Math.ceil(min + (schema.exclusiveMinimum !== undefined ? 1 : 0));
    const hi = Math.floor(max - (schema.exclusiveMaximum !== undefined ? 1 : 0));
    return fc.integer({ min: Math.min(lo, hi), max: Math.max(lo, hi) });
  }
  return fc.double({
    min,
    max,
    minExcluded: schema.exclusiveMinimum !== undefined,
    maxExcluded: schema.exclusiveMaximum !== undefined,
    noNaN: true,
    noDefaultInfinity: true,
  });
}

/** A value the schema accepts (as far as JSON Schema can say), named `name` in its parent. */
export function valueArb(
  schema: JsonSchema,
  name: string,
  hints: ValueHints,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) {
    return fc.constant(null);
  }
  if (schema.const !== undefined) {
    return fc.constant(schema.const);
  }
  if (schema.enum && schema.enum.length > 0) {
    return fc.constantFrom(...schema.enum);
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((s) => valueArb({ ...s }, name, hints, depth + 1)));
  }
  if (schema.allOf && schema.allOf.length > 0) {
    return valueArb(Object.assign({}, ...schema.allOf) as JsonSchema, name, hints, depth + 1);
  }
  const named = byName(name, schema, hints);
  if (named) {
    return named;
  }
  const types = typesOf(schema);
  if (types.length > 1) {
    return fc.oneof(...types.map((type) => valueArb({ ...schema, type }, name, hints, depth)));
  }
  switch (types[0]) {
    case "string":
      return stringArb(schema);
    case "integer":
      return numberArb(schema, true);
    case "number":
      return numberArb(schema, false);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? MAX_ARRAY, minLength + MAX_ARRAY));
      return fc.array(valueArb(schema.items ?? {}, name, hints, depth + 1), { minLength, maxLength });
    }
    case "object": {
      const properties = schema.properties ?? {};
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(properties)) {
        model[key] = valueArb(sub, key, hints, depth + 1);
      }
      const required = (schema.required ?? []).filter((key) => key in properties);
      return fc.record(model, { requiredKeys: required });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Strings that have broken parsers, databases and renderers somewhere. */
export const EVIL_STRINGS: string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\ud83d",
  "😀🎬🍿",
  "\u202eevil",
  "e\u0301\u0301\u0301",
  "\u00a0",
  "\ufeffbom",
  "\u2028\u2029",
  "\r\n",
  "\t",
  "%00",
  "%",
  "%ZZ",
  "' OR '1'='1",
  "'; drop table users; --",
  '"',
  "\\",
  "\\u0000",
  "<script>alert(1)</script>",
  // A template-injection probe, meant literally.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text itself is the probe
  "${7*7}",
  "{{7*7}}",
  "../../../../etc/passwd",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-1",
  "1e309",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "𝕳𝖊𝖑𝖑𝖔",
  "Ꭓ̶̢̛͓̭̪̳͔̮͙̙̲̳̹͍̬͐̀̍͌̓̔̓̏͊̀͑̚͘͝͝",
  "A".repeat(257),
  "9".repeat(400),
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "2030-02-30T25:61:61Z",
  "0000-01-01T00:00:00Z",
  "+919876543210",
  "dev_order_",
];

export const EVIL_NUMBERS: number[] = [
  0,
  -0,
  -1,
  1.5,
  -1.5,
  0.1,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31) - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e21,
  1e308,
  -1e308,
  5e-324,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
];

/** Number literals JSON allows (or almost) that JavaScript reads oddly: spliced into the body text. */
export const RAW_NUMBER_LITERALS = ["1e999", "-1e999", `1${"0".repeat(400)}`, "-0", "1E-400", "0.0", "1.0"];

export const WRONG_TYPES: unknown[] = [
  null,
  true,
  false,
  0,
  1,
  "",
  "text",
  [],
  {},
  [1, "2", null],
  { a: { b: 1 } },
];

export const EXTRA_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "roles",
  "isAdmin",
  "userId",
  "id",
  "status",
  "extra",
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path inside a JSON value, the root first. */
export function pathsOf(
  value: unknown,
  prefix: Array<string | number> = [],
  depth = 0,
): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [prefix];
  if (depth > 5) {
    return paths;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      paths.push(...pathsOf(v, [...prefix, i], depth + 1));
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      paths.push(...pathsOf(v, [...prefix, k], depth + 1));
    }
  }
  return paths;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Sets (or with `undefined`, deletes) the value at `path`; the root is replaced. */
export function setAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) {
    return value;
  }
  const copy = clone(root) as Json;
  let node: unknown = copy;
  for (const key of path.slice(0, -1)) {
    node = (node as Record<string | number, unknown>)[key];
  }
  const last = path[path.length - 1] as string | number;
  const parent = node as Record<string | number, unknown>;
  if (value === undefined) {
    if (Array.isArray(parent) && typeof last === "number") {
      parent.splice(last, 1);
    } else {
      delete parent[last];
    }
  } else {
    // defineProperty, so a key such as __proto__ becomes data, as JSON.parse on the server would make it.
    Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

export interface Mutation {
  what: string;
  value: unknown;
}

/** One hostile change to a valid value: the heart of the "mutated" cases. */
export function mutationArb(valid: unknown, hugeLength: number): fc.Arbitrary<Mutation> {
  const paths = pathsOf(valid);
  const path = fc.constantFrom(...paths);
  const objectPaths = paths.filter((p) => {
    let node: unknown = valid;
    for (const k of p) {
      node = (node as Record<string | number, unknown>)[k];
    }
    return typeof node === "object" && node !== null && !Array.isArray(node);
  });
  const at = (p: Array<string | number>) => p.join(".") || "(root)";
  const options: Array<fc.Arbitrary<Mutation>> = [
    fc
      .tuple(path, fc.constantFrom(...WRONG_TYPES))
      .map(([p, v]) => ({ what: `wrong type at ${at(p)}`, value: setAt(valid, p, v) })),
    fc
      .tuple(path, fc.constantFrom(...EVIL_STRINGS))
      .map(([p, v]) => ({ what: `hostile string at ${at(p)}`, value: setAt(valid, p, v) })),
    fc
      .tuple(path, fc.string({ unit: "binary", maxLength: 40 }))
      .map(([p, v]) => ({ what: `random unicode at ${at(p)}`, value: setAt(valid, p, v) })),
    fc
      .tuple(path, fc.constantFrom(...EVIL_NUMBERS))
      .map(([p, v]) => ({ what: `odd number at ${at(p)}`, value: setAt(valid, p, v) })),
    fc
      .tuple(path, fc.constantFrom("x", "é", "😀", "\u0000"), fc.integer({ min: 1000, max: hugeLength }))
      .map(([p, ch, n]) => ({
        what: `huge string (${n} x ${JSON.stringify(ch)}) at ${at(p)}`,
        value: setAt(valid, p, ch.repeat(Math.floor(n / Buffer.byteLength(ch)))),
      })),
    fc
      .tuple(path, fc.integer({ min: 2, max: 300 }))
      .map(([p, n]) => ({ what: `nested ${n} deep at ${at(p)}`, value: setAt(valid, p, nest(n)) })),
    fc.tuple(path, fc.integer({ min: 100, max: 3000 })).map(([p, n]) => ({
      what: `array of ${n} at ${at(p)}`,
      value: setAt(
        valid,
        p,
        Array.from({ length: n }, (_, i) => i),
      ),
    })),
  ];
  if (paths.length > 1) {
    options.push(
      fc
        .constantFrom(...paths.slice(1))
        .map((p) => ({ what: `missing ${at(p)}`, value: setAt(valid, p, undefined) })),
    );
  }
  if (objectPaths.length > 0) {
    options.push(
      fc
        .tuple(fc.constantFrom(...objectPaths), fc.constantFrom(...EXTRA_KEYS), fc.jsonValue({ maxDepth: 1 }))
        .map(([p, key, v]) => ({
          what: `extra field ${key} at ${at(p)}`,
          value: setAt(valid, [...p, key], v),
        })),
    );
  }
  return fc.oneof(...options);
}

function nest(depth: number): unknown {
  let value: unknown = "deep";
  for (let i = 0; i < depth; i++) {
    value = i % 2 === 0 ? [value] : { a: value };
  }
  return value;
}
