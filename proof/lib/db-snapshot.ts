/**
 * A fingerprint of the whole database, to show that a refused request changed nothing: for every table
 * of every user schema (found at run time, so a new table is covered without a word here), its row
 * count and an md5 over its rows in a stable order. One round trip per snapshot.
 */
import type pg from "pg";

export type Snapshot = Map<string, { rows: number; hash: string }>;

export class DbSnapshotter {
  private statement: string | undefined;

  constructor(private readonly db: pg.Pool) {}

  /** Lists the tables once; call again (`refresh`) if the scenario creates tables itself. */
  async refresh(): Promise<string[]> {
    const { rows } = await this.db.query<{ schema: string; name: string }>(
      `select table_schema as schema, table_name as name from information_schema.tables
        where table_type = 'BASE TABLE'
          and table_schema not in ('pg_catalog', 'information_schema')
          and table_schema not like 'pg_toast%'
        order by 1, 2`,
    );
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    this.statement = rows
      .map(
        ({ schema, name }) =>
          `select ${pgLiteral(`${schema}.${name}`)} as t, count(*)::int as n,
                  md5(coalesce(string_agg(x::text, E'\\n' order by x::text), '')) as h
             from ${quote(schema)}.${quote(name)} x`,
      )
      .join("\nunion all\n");
    return rows.map(({ schema, name }) => `${schema}.${name}`);
  }

  async take(): Promise<Snapshot> {
    if (!this.statement) {
      await this.refresh();
    }
    const { rows } = await this.db.query<{ t: string; n: number; h: string }>(this.statement ?? "");
    return new Map(rows.map((r) => [r.t, { rows: r.n, hash: r.h }]));
  }
}

function pgLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The tables whose rows differ, as `name (rows a -> b)`. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  const changed: string[] = [];
  for (const name of names) {
    const a = before.get(name);
    const b = after.get(name);
    if (a?.hash !== b?.hash || a?.rows !== b?.rows) {
      changed.push(`${name} (rows ${a?.rows ?? "-"} -> ${b?.rows ?? "-"})`);
    }
  }
  return changed;
}

export function tableNameOf(changed: string): string {
  return changed.split(" ")[0] ?? changed;
}
