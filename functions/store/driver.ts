/**
 * The minimal SQL driver both storage backends implement (node:sqlite under Deno, D1 under
 * Cloudflare Workers), so the store's schema and statements exist once.
 *
 * @module
 */

/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | null;

/** One statement with its positional parameters. */
export interface Statement {
  /** SQL text with `?` placeholders. */
  readonly sql: string;
  /** Values for the placeholders, in order. */
  readonly params: readonly SqlValue[];
}

/** A row as returned by the driver: column name to value. */
export type Row = Readonly<Record<string, unknown>>;

/** What every backend provides. */
export interface SqlDriver {
  /** Run a read statement and return all rows. */
  all(statement: Statement): Promise<Row[]>;
  /**
   * Run statements atomically (one transaction: all or nothing) and return the number of rows
   * each one changed.
   */
  batch(statements: readonly Statement[]): Promise<number[]>;
  /** Release the connection (a no-op where the platform owns it). */
  close(): Promise<void>;
}

/** Shorthand for building a statement. */
export function sql(text: string, ...params: SqlValue[]): Statement {
  return { sql: text, params };
}
