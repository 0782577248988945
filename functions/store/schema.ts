/**
 * The one schema of the document store, as numbered migrations. Every statement is idempotent
 * (IF NOT EXISTS, INSERT OR IGNORE) so two instances migrating at once (D1 cold starts) are safe.
 *
 * @module
 */

/** A schema version and the statements that reach it from the previous one. */
export interface Migration {
  /** Version number, from 1, increasing by one. */
  readonly version: number;
  /** What the migration does. */
  readonly description: string;
  /** DDL statements, run in one transaction with the version's bookkeeping row. */
  readonly statements: readonly string[];
}

/** The bookkeeping table, created before anything else. */
export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  applied_at INTEGER NOT NULL
)`;

/**
 * All migrations in order.
 *
 * - documents: the ingested documents (metadata is a JSON object; updated_at in ms since epoch).
 * - passages: chunks of a document (ord = position in the document); the title is copied so the
 *   full-text index can weight it.
 * - passages_fts: an external-content FTS5 index over passages(title, text) with the porter
 *   stemmer over unicode61 tokens; triggers keep it in step with passages.
 * - meta: small key/value facts (e.g. the hash of the seeded corpus).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "documents, passages, FTS5 index, meta",
    statements: [
      `CREATE TABLE IF NOT EXISTS documents (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        metadata TEXT NOT NULL,
        passage_count INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS passages (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        ord INTEGER NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (doc_id, ord)
      )`,
      `CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
        title, text, content = 'passages', content_rowid = 'id', tokenize = 'porter unicode61'
      )`,
      `CREATE TRIGGER IF NOT EXISTS passages_after_insert AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
      END`,
      `CREATE TRIGGER IF NOT EXISTS passages_after_delete AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts (passages_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
      END`,
      `CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      )`,
    ],
  },
];
