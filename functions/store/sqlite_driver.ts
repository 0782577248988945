/**
 * The node:sqlite (DatabaseSync) driver used under Deno, with the database in one file.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { Row, SqlDriver, Statement } from "./driver.ts";

/**
 * Open (creating if needed) a SQLite database file, or ":memory:".
 *
 * WAL mode lets readers in other processes proceed during a write; statements are cached by
 * their text. Because DatabaseSync is synchronous, each `batch` runs inside one JS turn, so
 * concurrent callers in this isolate can never interleave inside a transaction.
 *
 * @example
 * ```ts
 * const driver = openSqliteDriver("./data/verity.sqlite");
 * ```
 */
export function openSqliteDriver(path: string): SqlDriver {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA busy_timeout = 5000");
  if (path !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  const cache = new Map<string, StatementSync>();
  const prepare = (text: string): StatementSync => {
    let statement = cache.get(text);
    if (statement === undefined) {
      statement = db.prepare(text);
      cache.set(text, statement);
    }
    return statement;
  };
  return {
    all(statement: Statement): Promise<Row[]> {
      return Promise.resolve(prepare(statement.sql).all(...statement.params) as Row[]);
    },
    batch(statements: readonly Statement[]): Promise<number[]> {
      db.exec("BEGIN IMMEDIATE");
      try {
        const changes = statements.map((s) => Number(prepare(s.sql).run(...s.params).changes));
        db.exec("COMMIT");
        return Promise.resolve(changes);
      } catch (error) {
        db.exec("ROLLBACK");
        return Promise.reject(error);
      }
    },
    close(): Promise<void> {
      cache.clear();
      if (db.isOpen) db.close();
      return Promise.resolve();
    },
  };
}
