/**
 * The one set of SQL statements of the document store, shared by both drivers. Writes are
 * multi-row so an ingest of 1,000 documents is about a hundred statements (D1 counts statements
 * per invocation and allows at most 100 bound parameters per statement).
 *
 * @module
 */
import { sql, type SqlValue, type Statement } from "./driver.ts";

/** D1's limit of bound parameters per statement. */
export const MAX_PARAMS = 100;

/** A row of `documents` as the store writes it. */
export interface DocumentRow {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  /** JSON object text. */
  readonly metadata: string;
  readonly passageCount: number;
  /** ms since epoch. */
  readonly updatedAt: number;
}

/** A row of `passages` as the store writes it. */
export interface PassageRow {
  readonly docId: string;
  readonly ord: number;
  readonly title: string;
  readonly text: string;
}

function groups<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function placeholders(rows: number, columns: number): string {
  const row = `(${new Array(columns).fill("?").join(", ")})`;
  return new Array(rows).fill(row).join(", ");
}

/** Delete the passages (and so their index entries, by trigger) of the given documents. */
export function deletePassagesOf(ids: readonly string[]): Statement[] {
  return groups(ids, MAX_PARAMS).map((g) =>
    sql(`DELETE FROM passages WHERE doc_id IN (${g.map(() => "?").join(", ")})`, ...g)
  );
}

/** Insert or replace documents. */
export function upsertDocuments(rows: readonly DocumentRow[]): Statement[] {
  const columns = 6;
  return groups(rows, Math.floor(MAX_PARAMS / columns)).map((g) => ({
    sql: `INSERT INTO documents (id, title, text, metadata, passage_count, updated_at) VALUES ${
      placeholders(g.length, columns)
    } ON CONFLICT (id) DO UPDATE SET title = excluded.title, text = excluded.text,
      metadata = excluded.metadata, passage_count = excluded.passage_count,
      updated_at = excluded.updated_at`,
    params: g.flatMap((r): SqlValue[] => [
      r.id,
      r.title,
      r.text,
      r.metadata,
      r.passageCount,
      r.updatedAt,
    ]),
  }));
}

/** Insert passages (the insert trigger indexes them). */
export function insertPassages(rows: readonly PassageRow[]): Statement[] {
  const columns = 4;
  return groups(rows, Math.floor(MAX_PARAMS / columns)).map((g) => ({
    sql: `INSERT INTO passages (doc_id, ord, title, text) VALUES ${
      placeholders(g.length, columns)
    }`,
    params: g.flatMap((r): SqlValue[] => [r.docId, r.ord, r.title, r.text]),
  }));
}

/** Delete one document row. */
export function deleteDocument(id: string): Statement {
  return sql("DELETE FROM documents WHERE id = ?", id);
}

/** Read one document. */
export function selectDocument(id: string): Statement {
  return sql(
    "SELECT id, title, text, metadata, passage_count, updated_at FROM documents WHERE id = ?",
    id,
  );
}

/** Count documents. */
export function countDocuments(): Statement {
  return sql("SELECT COUNT(*) AS n FROM documents");
}

/**
 * BM25 search over passages: `bm25()` is lower-is-better, weighted per column (title, text);
 * ties are broken by insertion order so the ranking is deterministic. The inner query ranks
 * rowids only, so passage rows are read for the k winners, not for every match.
 */
export function searchPassages(
  match: string,
  k: number,
  titleWeight: number,
  textWeight: number,
): Statement {
  return sql(
    `SELECT p.doc_id AS doc_id, p.ord AS ord, p.title AS title, p.text AS text, m.rank AS rank
    FROM (
      SELECT rowid AS id, bm25(passages_fts, ?, ?) AS rank
      FROM passages_fts WHERE passages_fts MATCH ?
      ORDER BY rank, rowid LIMIT ?
    ) AS m JOIN passages AS p ON p.id = m.id
    ORDER BY m.rank, m.id`,
    titleWeight,
    textWeight,
    match,
    k,
  );
}

/** Read a meta value. */
export function selectMeta(key: string): Statement {
  return sql("SELECT value FROM meta WHERE key = ?", key);
}

/** Write a meta value. */
export function upsertMeta(key: string, value: string): Statement {
  return sql(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    key,
    value,
  );
}

/** Versions already applied. */
export function selectMigrations(): Statement {
  return sql("SELECT version FROM schema_migrations ORDER BY version");
}

/** Record an applied version. */
export function recordMigration(version: number, appliedAt: number): Statement {
  return sql(
    "INSERT OR IGNORE INTO schema_migrations (version, applied_at) VALUES (?, ?)",
    version,
    appliedAt,
  );
}
