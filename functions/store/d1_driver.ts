/**
 * The Cloudflare D1 driver used under Workers (and local D1 under `wrangler dev`).
 *
 * @module
 */
import type { Row, SqlDriver, SqlValue, Statement } from "./driver.ts";

/** The part of D1's prepared statement this driver uses. */
export interface D1PreparedStatementLike {
  /** Bind positional parameters. */
  bind(...values: SqlValue[]): D1PreparedStatementLike;
  /** Run and return all rows. */
  all(): Promise<{ results: unknown[] }>;
}

/** The part of D1's database binding this driver uses (structurally matches `D1Database`). */
export interface D1DatabaseLike {
  /** Prepare a statement. */
  prepare(sql: string): D1PreparedStatementLike;
  /** Run statements as one transaction. */
  batch(statements: D1PreparedStatementLike[]): Promise<{ meta?: { changes?: number } }[]>;
}

/**
 * Wrap a D1 binding. D1 has no BEGIN/COMMIT; `batch` is its transaction (all or nothing).
 *
 * @example
 * ```ts
 * const driver = d1Driver(env.DB);
 * ```
 */
export function d1Driver(db: D1DatabaseLike): SqlDriver {
  const bind = (s: Statement) => db.prepare(s.sql).bind(...s.params);
  return {
    async all(statement: Statement): Promise<Row[]> {
      const { results } = await bind(statement).all();
      return results as Row[];
    },
    async batch(statements: readonly Statement[]): Promise<number[]> {
      if (statements.length === 0) return [];
      const results = await db.batch(statements.map(bind));
      return results.map((r) => r.meta?.changes ?? 0);
    },
    close(): Promise<void> {
      return Promise.resolve();
    },
  };
}
