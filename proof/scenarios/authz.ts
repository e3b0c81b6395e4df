/**
 * Scenario 6, the authorization matrix: every operation of the live OpenAPI document x every caller
 * (anonymous, the owner, another user, staff, admin), each answer checked against what the one table in
 * proof/lib/access-table.ts says that caller must get: 401 without a valid token on a protected route,
 * 403 for a role too low, 404 for someone else's hold, order or booking (the same 404 as for one that
 * does not exist), success for those allowed. Bad tokens of every sort are refused like no token. No
 * refused request may change the database. An operation the table does not know fails the run.
 */

import {
  ACCESS_TABLE,
  type AccessRule,
  CALLERS,
  type Caller,
  expectedFor,
  needsToken,
  type Sample,
  type SampleKit,
} from "../lib/access-table.ts";
import type { Scenario, ScenarioContext, ScenarioResult } from "../lib/context.ts";
import { documentRun } from "../lib/document-run.ts";
import { badTokens, type World } from "../lib/fixtures.ts";
import { describe, type Exchange, errorCodeOf, type ProbeRequest } from "../lib/http-probe.ts";
import { type ApiOperation, fillPath } from "../lib/openapi-ops.ts";
import { defaultPathValues, idKindOf, missingId } from "../lib/world-ids.ts";

const SIGNATURE_HEADERS = ["x-razorpay-signature", "stripe-signature"];

function tokenOf(world: World, caller: Caller): string | undefined {
  switch (caller) {
    case "anonymous":
      return undefined;
    case "owner":
      return world.owner.accessToken;
    case "other":
      return world.other.accessToken;
    case "staff":
      return world.staff.accessToken;
    case "admin":
      return world.admin.accessToken;
  }
}

/** The request an operation's sample describes, sent as `caller` (or with `authorization` as given). */
export function requestFor(
  op: ApiOperation,
  sample: Sample,
  world: World,
  as: { caller?: Caller; authorization?: string; label: string },
  kind: string,
): ProbeRequest {
  const path = { ...defaultPathValues(op, world), ...sample.path };
  const query = new URLSearchParams(sample.query ?? {}).toString();
  const headers: Record<string, string> = { ...sample.headers };
  const token = as.caller ? tokenOf(world, as.caller) : undefined;
  if (as.authorization !== undefined) {
    headers.authorization = as.authorization;
  } else if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  let body: string | undefined;
  if (sample.rawBody !== undefined) {
    body = sample.rawBody;
  } else if (sample.body !== undefined || op.body?.required) {
    body = JSON.stringify(sample.body ?? {});
    headers["content-type"] ??= "application/json";
  }
  return {
    method: op.method,
    url: `${fillPath(op.urlTemplate, path)}${query ? `?${query}` : ""}`,
    headers,
    ...(body !== undefined ? { body } : {}),
    as: as.label,
    kind,
  };
}

function verdict(rule: AccessRule, caller: Caller, ex: Exchange, hasSample: boolean): string | undefined {
  const expected = expectedFor(rule, caller);
  const code = errorCodeOf(ex);
  const instead = rule.instead;
  if (instead && caller !== "anonymous" && ex.status === instead.status && code === instead.code) {
    return undefined;
  }
  if (expected.status === "2xx" || expected.status === "signed-2xx") {
    if (ex.status >= 200 && ex.status < 300) {
      return undefined;
    }
    // Without a sample the request may be invalid; being allowed in is what counts then.
    if (!hasSample && [400, 409, 410, 422].includes(ex.status)) {
      return undefined;
    }
    return `expected success for the ${caller}, got ${ex.status} ${code ?? ""}`.trim();
  }
  if (ex.status !== expected.status || code !== expected.code) {
    return `expected ${expected.status} ${expected.code} for the ${caller}, got ${ex.status} ${code ?? ""}`.trim();
  }
  return undefined;
}

async function run(ctx: ScenarioContext): Promise<ScenarioResult> {
  const started = performance.now();
  const start = await documentRun(ctx, 20);
  if (!start) {
    return { figures: {}, problems: ["no API process was started"] };
  }
  const { ops, builder, world, sender } = start;
  const problems: string[] = [];

  // The table against the document, both ways, and against the document's own security marks.
  const documented = new Set(ops.map((op) => op.key));
  for (const op of ops) {
    const rule = ACCESS_TABLE[op.key];
    if (!rule) {
      problems.push(
        `${op.key} is not in the authorization table (proof/lib/access-table.ts): say who may call it`,
      );
    } else if (needsToken(rule.access) !== op.secured) {
      problems.push(
        `${op.key}: the table says ${rule.access.kind}, but the OpenAPI document ${op.secured ? "asks for" : "does not ask for"} a bearer token`,
      );
    }
  }
  for (const key of Object.keys(ACCESS_TABLE)) {
    if (!documented.has(key)) {
      problems.push(
        `the authorization table has a row for ${key}, which the OpenAPI document no longer lists`,
      );
    }
  }

  ctx.log(`world ready: ${ops.length} operations to check`);
  await sender.start();
  let covered = 0;
  let checks = 0;
  let passed = 0;
  const fail = (key: string, text: string) => sender.problem(key, text);

  for (const op of ops) {
    const rule = ACCESS_TABLE[op.key];
    if (!rule) {
      continue;
    }
    const memo = new Map<string, Promise<unknown>>();
    const kit: SampleKit = {
      world,
      builder,
      accountOf: (caller) =>
        caller === "anonymous"
          ? undefined
          : { owner: world.owner, other: world.other, staff: world.staff, admin: world.admin }[caller],
      shared: <T>(key: string, make: () => Promise<T>) => {
        let made = memo.get(key) as Promise<T> | undefined;
        if (!made) {
          made = make();
          memo.set(key, made);
        }
        return made;
      },
    };
    const sampleFor = async (caller: Caller): Promise<Sample> =>
      rule.sample ? rule.sample(kit, caller) : {};
    const answers = new Map<Caller, Exchange>();
    covered += 1;

    for (const caller of CALLERS) {
      const sample = await sampleFor(caller);
      const ex = await sender.send(
        requestFor(op, sample, world, { caller, label: caller }, "matrix"),
        op.key,
        { resync: true },
      );
      answers.set(caller, ex);
      checks += 1;
      const wrong = verdict(rule, caller, ex, rule.sample !== undefined);
      if (wrong) {
        fail(`${op.key} ${caller}`, `${op.key}: ${wrong}: ${describe(ex)}`);
      } else {
        passed += 1;
      }
      if (ex.status >= 200 && ex.status < 300 && rule.check) {
        const leak = rule.check(kit, caller, ex.json);
        checks += 1;
        if (leak) {
          fail(`${op.key} ${caller} check`, `${op.key}: ${leak}: ${describe(ex, 200)}`);
        } else {
          passed += 1;
        }
      }
      if (rule.access.kind === "webhook") {
        // The same event without its signature: refused whoever sends it.
        const unsigned = {
          ...sample,
          headers: Object.fromEntries(
            Object.entries(sample.headers ?? {}).filter(
              ([k]) => !SIGNATURE_HEADERS.includes(k.toLowerCase()),
            ),
          ),
        };
        const refused = await sender.send(
          requestFor(op, unsigned, world, { caller, label: caller }, "matrix unsigned"),
          op.key,
        );
        checks += 1;
        if (refused.status !== 400 || errorCodeOf(refused) !== "INVALID_SIGNATURE") {
          fail(
            `${op.key} unsigned`,
            `${op.key}: an unsigned event must be 400 INVALID_SIGNATURE: ${describe(refused)}`,
          );
        } else {
          passed += 1;
        }
      }
    }

    // Every sort of bad token is no token at all: 401 on a protected route, ignored on a public one.
    for (const bad of badTokens(world, ctx.secrets.jwtAccessSecret)) {
      // A sample each time: a public route really runs, and may use up what it was given (a refresh token).
      const ex = await sender.send(
        requestFor(
          op,
          await sampleFor("owner"),
          world,
          { authorization: bad.header, label: bad.label },
          "matrix bad token",
        ),
        op.key,
        { resync: true },
      );
      checks += 1;
      const protectedRoute = needsToken(rule.access);
      const ok = protectedRoute
        ? ex.status === 401
        : !(ex.status === 401 || ex.status === 403 || ex.status >= 500);
      if (ok) {
        passed += 1;
      } else {
        fail(
          `${op.key} bad token`,
          `${op.key}: ${bad.label} must be ${protectedRoute ? "refused with 401" : "ignored on a public route"}: ${describe(ex)}`,
        );
      }
    }

    // Someone else's resource must look exactly like one that does not exist.
    const sample = await sampleFor("owner");
    const ownedParam =
      rule.access.kind === "owner" ||
      rule.access.kind === "ownerOrStaff" ||
      rule.access.kind === "ownerOrAdmin"
        ? op.pathParams.find((p) => ["hold", "order", "booking"].includes(idKindOf(p.name, op.path)))
        : undefined;
    const foreign = answers.get("other");
    if (ownedParam && foreign?.status === 404) {
      const ghost = await sender.send(
        requestFor(
          op,
          {
            ...sample,
            path: { ...sample.path, [ownedParam.name]: missingId(idKindOf(ownedParam.name, op.path)) },
          },
          world,
          { caller: "other", label: "other" },
          "matrix missing id",
        ),
        op.key,
      );
      checks += 1;
      const a = foreign.json as { error?: { code?: string; message?: string } } | undefined;
      const b = ghost.json as { error?: { code?: string; message?: string } } | undefined;
      if (
        ghost.status === 404 &&
        a?.error?.code === b?.error?.code &&
        a?.error?.message === b?.error?.message
      ) {
        passed += 1;
      } else {
        fail(
          `${op.key} tells apart`,
          `${op.key}: another user's ${ownedParam.name} answers differently from one that does not exist: ` +
            `${describe(foreign, 200)} versus ${describe(ghost, 200)}`,
        );
      }
    }
  }

  const seconds = (performance.now() - started) / 1000;
  return {
    figures: {
      "operations in the OpenAPI document": ops.length,
      "rows in the authorization table": Object.keys(ACCESS_TABLE).length,
      "operations covered": covered,
      callers: CALLERS.join(", "),
      "checks passed": `${passed} of ${checks}`,
      ...sender.figures(),
      "duration s": Number(seconds.toFixed(1)),
    },
    problems: [...problems, ...sender.allProblems()],
  };
}

export const authzScenario: Scenario = {
  name: "authz",
  summary:
    "every operation × anonymous, owner, another user, staff, admin, from one table: the expected 401, 403 or 404",
  processes: { apis: 1, workers: 0 },
  budgetMs: { quick: 90_000, full: 180_000 },
  run,
};
