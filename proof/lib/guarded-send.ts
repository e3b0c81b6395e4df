/**
 * Sends requests one at a time with the database fingerprinted before and after each, so "a refused
 * request changed nothing" is checked request by request, and counts what came back.
 *
 * A difference after a 4xx is judged before it is reported: the few changes a refusal is meant to make
 * (below, each with its reason) pass; otherwise the sender waits for the database to settle (the API's
 * own timers sweep lapsed holds and send due refunds) and replays the request. A change that the replay
 * makes again, or that happened while nothing else was moving, is a problem; one seen only while the
 * background was busy is counted and logged, not reported.
 */
import { sleep } from "@boxoffice/testkit";
import type pg from "pg";
import { changedTables, DbSnapshotter, type Snapshot, tableNameOf } from "./db-snapshot.ts";
import {
  describe,
  type Exchange,
  errorCodeOf,
  type ProbeRequest,
  send,
  universalViolations,
} from "./http-probe.ts";

/** Changes a refusal legitimately makes: the refusal is the record of what the caller did. */
export const CHANGES_ALLOWED_ON_4XX: Array<{ code: string; tables: string[]; why: string }> = [
  {
    code: "INVALID_CODE",
    tables: ["public.otp_codes"],
    why: "a wrong OTP code spends one of its five tries (then OTP_LOCKED)",
  },
  {
    code: "INVALID_TOKEN",
    tables: ["public.refresh_tokens", "public.token_revocations"],
    why: "presenting a rotated refresh token again revokes its whole session family, access tokens included (token theft)",
  },
  {
    code: "PAYMENT_FAILED",
    tables: ["public.payments", "public.payment_orders", "public.webhook_events"],
    why: "the provider's word that the payment failed is recorded",
  },
  {
    code: "PAYMENT_REFUNDED",
    tables: [
      "public.payments",
      "public.payment_orders",
      "public.refunds",
      "public.notifications",
      "public.webhook_events",
    ],
    why: "money that arrived after the seats were lost is recorded and sent back",
  },
];

const SETTLE_MS = 2_500;

/** Requests whose answer may come before all their writes: refunds are sent behind the answer. */
const STARTS_BACKGROUND_WORK = /\/payments\/(webhook|dev\/pay)|admin[./]showtimes/;

export interface Tally {
  requests: number;
  byStatus: Map<number, number>;
  byKind: Map<string, number>;
  fiveXx: number;
  fourXxChecked: number;
  backgroundChanges: number;
  allowedChanges: number;
}

export class GuardedSender {
  readonly tally: Tally = {
    requests: 0,
    byStatus: new Map(),
    byKind: new Map(),
    fiveXx: 0,
    fourXxChecked: 0,
    backgroundChanges: 0,
    allowedChanges: 0,
  };
  readonly problems: string[] = [];
  private readonly snapshotter: DbSnapshotter;
  private last: Snapshot | undefined;
  private problemKeys = new Map<string, number>();
  private previous: ProbeRequest | undefined;

  constructor(
    private readonly baseUrl: string,
    db: pg.Pool,
    private readonly log: (line: string) => void,
    /** Past this many problems of one kind, only counts are kept (one broken route would flood the report). */
    private readonly maxPerKey = 3,
  ) {
    this.snapshotter = new DbSnapshotter(db);
  }

  async start(): Promise<void> {
    await this.snapshotter.refresh();
    this.last = await this.snapshotter.take();
  }

  /** Records a problem, keeping at most `maxPerKey` per key and counting the rest. */
  problem(key: string, text: string): void {
    const seen = (this.problemKeys.get(key) ?? 0) + 1;
    this.problemKeys.set(key, seen);
    if (seen <= this.maxPerKey) {
      this.problems.push(text);
    }
  }

  /** Every problem found, those past the cap as `key: n more` lines. */
  allProblems(): string[] {
    const suppressed = [...this.problemKeys]
      .filter(([, n]) => n > this.maxPerKey)
      .map(([key, n]) => `${key}: ${n - this.maxPerKey} more like it`);
    return [...this.problems, ...suppressed];
  }

  /** The figures of every scenario that sends through the guard. */
  figures(): Record<string, number | string> {
    const t = this.tally;
    return {
      "requests sent": t.requests,
      statuses: statusLine(t.byStatus),
      "5xx among its own requests": t.fiveXx,
      "4xx answers checked for database changes": t.fourXxChecked,
      "4xx changes allowed by rule": t.allowedChanges,
      "changes put down to background work": t.backgroundChanges,
    };
  }

  /**
   * Sends one request, checks the answer's universal rules and, for a 4xx, that the database did not
   * change. `key` groups problems (usually the operation). Pass `resync` after writing to the database
   * by other means since the last request.
   */
  async send(request: ProbeRequest, key: string, options: { resync?: boolean } = {}): Promise<Exchange> {
    // `resync`: something else (a scenario's own set-up) wrote since the last request.
    const before = this.last && !options.resync ? this.last : await this.snapshotter.take();
    let ex: Exchange;
    try {
      ex = await send(this.baseUrl, request);
    } catch (err) {
      // No answer at all (a dropped connection, a timeout) is as bad as a 5xx.
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const retry = await send(this.baseUrl, request).then(
        (again) => `a retry answered ${again.status}`,
        () => "a retry got no answer either",
      );
      this.problem(
        `${key} no answer`,
        `no answer (${String(err)}: ${cause?.code ?? ""} ${cause?.message ?? ""}; ${retry}) to ` +
          `${request.method} ${request.url.slice(0, 200)} [${request.kind ?? ""}]` +
          `${this.previous ? `, sent after ${this.previous.method} ${this.previous.url.slice(0, 200)} [${this.previous.kind ?? ""}]` : ""}`,
      );
      this.previous = request;
      this.last = await this.snapshotter.take();
      this.count({ request, status: 0, headers: new Headers(), text: "", json: undefined, ms: 0 });
      return { request, status: 0, headers: new Headers(), text: "", json: undefined, ms: 0 };
    }
    this.previous = request;
    const after =
      ex.status < 300 && STARTS_BACKGROUND_WORK.test(request.url)
        ? await this.settled()
        : await this.snapshotter.take();
    this.last = after;
    this.count(ex);
    for (const wrong of universalViolations(ex)) {
      this.problem(`${key} ${wrong.replace(/".*$/, "")}`, `${wrong}: ${describe(ex)}`);
    }
    if (ex.status >= 400 && ex.status < 500) {
      this.tally.fourXxChecked += 1;
      const changed = changedTables(before, after);
      if (changed.length > 0) {
        await this.judgeChange(ex, changed, key);
      }
    }
    return ex;
  }

  /**
   * The database once it has stopped moving: a webhook answers before the refund it decided is sent, and
   * a cancelled showtime's refunds go out behind the admin's answer, so what follows such a request must
   * not be blamed for their writes.
   */
  private async settled(): Promise<Snapshot> {
    let previous = await this.snapshotter.take();
    for (let i = 0; i < 30; i++) {
      await sleep(100);
      const next = await this.snapshotter.take();
      if (changedTables(previous, next).length === 0) {
        return next;
      }
      previous = next;
    }
    return previous;
  }

  private count(ex: Exchange): void {
    this.tally.requests += 1;
    this.tally.byStatus.set(ex.status, (this.tally.byStatus.get(ex.status) ?? 0) + 1);
    const kind = ex.request.kind ?? "request";
    this.tally.byKind.set(kind, (this.tally.byKind.get(kind) ?? 0) + 1);
    if (ex.status >= 500) {
      this.tally.fiveXx += 1;
    }
  }

  private allowed(ex: Exchange, changed: string[]): boolean {
    const code = errorCodeOf(ex);
    const rule = CHANGES_ALLOWED_ON_4XX.find((r) => r.code === code);
    return rule !== undefined && changed.every((c) => rule.tables.includes(tableNameOf(c)));
  }

  private async judgeChange(ex: Exchange, changed: string[], key: string): Promise<void> {
    if (this.allowed(ex, changed)) {
      this.tally.allowedChanges += 1;
      return;
    }
    // Was something else writing? Look again once the API's timers have had a turn.
    await sleep(SETTLE_MS);
    let settled = await this.snapshotter.take();
    const background = changedTables(this.last ?? settled, settled).length > 0;
    for (let i = 0; i < 6 && changedTables(this.last ?? settled, settled).length > 0; i++) {
      this.last = settled;
      await sleep(SETTLE_MS);
      settled = await this.snapshotter.take();
    }
    this.last = settled;
    const replay = await send(this.baseUrl, ex.request).catch(() => undefined);
    const afterReplay = await this.snapshotter.take();
    this.last = afterReplay;
    if (replay) {
      this.count(replay);
    }
    const replayChanged = replay ? changedTables(settled, afterReplay) : [];
    const replayRefused = replay !== undefined && replay.status >= 400 && replay.status < 500;
    if (replayRefused && replayChanged.length > 0 && !this.allowed(replay, replayChanged)) {
      this.problem(
        `${key} 4xx changed the database`,
        `a ${ex.status} changed the database (${replayChanged.join(", ")}), again on replay: ${describe(replay)}`,
      );
    } else if (!background) {
      this.problem(
        `${key} 4xx changed the database`,
        `a ${ex.status} changed the database (${changed.join(", ")}) while nothing else was writing ` +
          `(the replay answered ${replay?.status ?? "nothing"}${replayChanged.length ? ` and changed ${replayChanged.join(", ")}` : " and changed nothing"}): ${describe(ex)}`,
      );
    } else {
      this.tally.backgroundChanges += 1;
      this.log(
        `change during a ${ex.status} put down to background work (${changed.join(", ")}): ${describe(ex, 160)}`,
      );
    }
  }
}

/** `400: 12, 401: 3` */
function statusLine(counts: Map<number, number>): string {
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}: ${n}`)
    .join(", ");
}
