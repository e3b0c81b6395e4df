import { type SQL, sql } from "drizzle-orm";

/** A text[] literal of bound parameters, for unnest() in set-based statements. */
export const textArray = (values: string[]): SQL =>
  sql`ARRAY[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

export const intArray = (values: number[]): SQL =>
  sql`ARRAY[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::int[]`;
