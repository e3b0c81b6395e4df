/**
 * One HTTP exchange with the API, recorded whole so a problem can be described precisely enough to
 * replay by hand, and the checks every answer must pass whatever was sent: never a 5xx, never a stack
 * trace or a source path in a body, and every error in the one shape of packages/contracts/src/errors.ts
 * (JSON, a known code whose status is the one answered, a request id matching `x-request-id`).
 */
import { errorTable } from "../../packages/contracts/src/errors.ts";

export interface ProbeRequest {
  method: string;
  /** Path and query, already encoded: `/api/movies?limit=5`. */
  url: string;
  headers?: Record<string, string>;
  /** Text is sent as UTF-8; bytes as they are (bytes that are not UTF-8, for one). */
  body?: string | Uint8Array;
  /** Who is calling, for the report (`anonymous`, `owner`, `garbage token`...). */
  as?: string;
  /** What kind of case this is, for the report and the per-kind counts. */
  kind?: string;
  /** What exactly was done to it (`missing showtimeId`), for the report. */
  note?: string;
  /** Errors in the REST shape (default), or tRPC's envelope with the same object as `error.data`. */
  shape?: "rest" | "trpc";
}

export interface Exchange {
  request: ProbeRequest;
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  ms: number;
}

const TIMEOUT_MS = 15_000;

export async function send(baseUrl: string, request: ProbeRequest): Promise<Exchange> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}${request.url}`, {
    method: request.method,
    headers: request.headers ?? {},
    body: request.body,
    redirect: "manual",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { request, status: res.status, headers: res.headers, text, json, ms: performance.now() - started };
}

/** Patterns that only a leaked stack trace, source path or raw exception text would put in a body. */
const LEAKS: Array<[string, RegExp]> = [
  ["stack frame", /\n\s+at\s+\S/],
  ["stack frame", /\bat\s+(?:async\s+)?[\w$.<>[\]]+\s+\((?:file:|node:|\/)/],
  ["source position", /\.(?:ts|js|mjs|cjs):\d+:\d+/],
  ["node_modules path", /node_modules[\\/]/],
  ["file URL", /file:\/\/\//],
  [
    "absolute source path",
    /(?:^|[\s"'(])\/(?:work|home|root|usr|app|srv|opt|tmp)\/[^\s"']+\.(?:ts|js|mjs)\b/,
  ],
  ["exception text", /\b(?:TypeError|ReferenceError|SyntaxError|RangeError|AggregateError|Error): /],
  [
    "database error text",
    /\b(?:duplicate key value|violates (?:foreign key|unique|check|not-null)|relation "[\w.]+" does not exist|invalid input syntax for|syntax error at or near)\b/,
  ],
];

function sentText(request: ProbeRequest): string {
  const body =
    request.body === undefined
      ? ""
      : typeof request.body === "string"
        ? request.body
        : Buffer.from(request.body).toString("latin1");
  let url = request.url;
  try {
    url = decodeURIComponent(request.url);
  } catch {
    // not valid percent-encoding: the raw form is what the API could echo
  }
  return `${request.url}\n${url}\n${body}\n${Object.values(request.headers ?? {}).join("\n")}`;
}

export interface ErrorShape {
  code: string;
  message: string;
  requestId: string;
  details?: Record<string, unknown>;
}

/** The error object of a REST error body, or why the body is not in the one shape. */
export function readErrorBody(ex: Exchange): { error: ErrorShape } | { wrong: string } {
  const type = ex.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    return { wrong: `content-type is "${type}", not application/json` };
  }
  const body = ex.json as { error?: Record<string, unknown> } | undefined;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { wrong: "the body is not a JSON object" };
  }
  const extraTop = Object.keys(body).filter((k) => k !== "error");
  if (extraTop.length > 0) {
    return { wrong: `unexpected top-level keys ${extraTop.join(", ")}` };
  }
  const error = body.error;
  if (typeof error !== "object" || error === null) {
    return { wrong: "no `error` object" };
  }
  const extra = Object.keys(error).filter((k) => !["code", "message", "details", "requestId"].includes(k));
  if (extra.length > 0) {
    return { wrong: `unexpected keys in error: ${extra.join(", ")}` };
  }
  if (typeof error.code !== "string" || !(error.code in errorTable)) {
    return { wrong: `error.code ${JSON.stringify(error.code)} is not in the error table` };
  }
  if (typeof error.message !== "string" || error.message === "") {
    return { wrong: "error.message is missing" };
  }
  if (typeof error.requestId !== "string" || error.requestId === "") {
    return { wrong: "error.requestId is missing" };
  }
  if (error.details !== undefined && (typeof error.details !== "object" || error.details === null)) {
    return { wrong: "error.details is not an object" };
  }
  return { error: error as unknown as ErrorShape };
}

/** What is wrong with an answer whatever the request was; empty when nothing is. */
export function universalViolations(ex: Exchange): string[] {
  const wrong: string[] = [];
  if (ex.status >= 500) {
    wrong.push(`answered ${ex.status}`);
  }
  const echoed = sentText(ex.request);
  for (const [what, pattern] of LEAKS) {
    const hit = pattern.exec(ex.text)?.[0];
    if (hit && !echoed.includes(hit.trim())) {
      wrong.push(`${what} in the body: ${JSON.stringify(hit.slice(0, 80))}`);
      break;
    }
  }
  const requestId = ex.headers.get("x-request-id");
  if (!requestId) {
    wrong.push("no x-request-id header");
  }
  if (ex.request.shape === "trpc") {
    wrong.push(...trpcViolations(ex));
  } else if (ex.status >= 400) {
    const read = readErrorBody(ex);
    if ("wrong" in read) {
      wrong.push(`error body not in the one shape: ${read.wrong}`);
    } else {
      const expected = errorTable[read.error.code as keyof typeof errorTable].status;
      if (expected !== ex.status) {
        wrong.push(`error code ${read.error.code} means ${expected}, but the status is ${ex.status}`);
      }
      if (requestId && read.error.requestId !== requestId) {
        wrong.push(`error.requestId ${read.error.requestId} differs from x-request-id ${requestId}`);
      }
    }
  }
  if (ex.status === 405 && !ex.headers.get("allow")) {
    wrong.push("405 without an Allow header");
  }
  return wrong;
}

/**
 * tRPC answers `{ error: { message, code, data } }` (an array of them for a batch), `data` being the
 * REST error object plus `httpStatus` and `path`.
 */
function trpcViolations(ex: Exchange): string[] {
  const batch = Array.isArray(ex.json);
  if (ex.status < 400 && !batch) {
    return [];
  }
  const type = ex.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    return [`tRPC error with content-type "${type}"`];
  }
  const entries = batch ? (ex.json as unknown[]) : [ex.json];
  const wrong: string[] = [];
  for (const entry of entries) {
    const error = (entry as { error?: { data?: Record<string, unknown> } } | undefined)?.error;
    if (!error) {
      if (!batch) {
        wrong.push("tRPC error body without `error`");
      }
      continue;
    }
    const data = error.data;
    if (!data || typeof data.code !== "string" || !(data.code in errorTable)) {
      wrong.push(`tRPC error.data.code ${JSON.stringify(data?.code)} is not in the error table`);
    } else if (!batch && data.httpStatus !== ex.status) {
      wrong.push(
        `tRPC error.data.httpStatus ${String(data.httpStatus)} differs from the status ${ex.status}`,
      );
    } else if (errorTable[data.code as keyof typeof errorTable].status !== data.httpStatus) {
      wrong.push(`tRPC error code ${data.code} with httpStatus ${String(data.httpStatus)}`);
    }
    if (typeof data?.requestId !== "string" || data.requestId === "") {
      wrong.push("tRPC error without error.data.requestId");
    }
  }
  return wrong;
}

export function errorCodeOf(ex: Exchange): string | undefined {
  if (ex.request.shape === "trpc") {
    const code = (ex.json as { error?: { data?: { code?: unknown } } } | undefined)?.error?.data?.code;
    return typeof code === "string" ? code : undefined;
  }
  const read = ex.status >= 400 ? readErrorBody(ex) : undefined;
  return read && "error" in read ? read.error.code : undefined;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** The request and the answer in one line, enough to replay with curl. */
export function describe(ex: Exchange, max = 400): string {
  const r = ex.request;
  const headers = Object.entries(r.headers ?? {})
    .filter(([k]) => k.toLowerCase() !== "authorization")
    .map(([k, v]) => `${k}: ${clip(v, 60)}`);
  const auth = r.headers?.authorization ?? r.headers?.Authorization;
  const body =
    r.body === undefined
      ? ""
      : typeof r.body === "string"
        ? ` body ${clip(JSON.stringify(r.body), max)}`
        : ` body bytes ${Buffer.from(r.body).toString("hex").slice(0, 80)}`;
  return (
    `${r.method} ${clip(r.url, 300)} [${r.kind ?? "request"}${r.note ? ` (${clip(r.note, 80)})` : ""}; as ${r.as ?? "anonymous"}` +
    `${auth && !r.as ? `; authorization ${clip(auth, 40)}` : ""}` +
    `${headers.length ? `; ${headers.join("; ")}` : ""}]${body} -> ${ex.status} ${clip(ex.text, max)}`
  );
}
