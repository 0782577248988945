/**
 * The document store: one interface over the SQL drivers, holding documents, their passages
 * and the FTS5 index. Nothing is cached in isolate memory.
 *
 * @module
 */
import type { DocumentInput, DocumentMetadata } from "../../shared/documents.ts";
import type { Passage } from "../../shared/retrieval.ts";
import { type ChunkOptions, chunkText, DEFAULT_CHUNK_OPTIONS } from "./chunk.ts";
import type { Row, SqlDriver } from "./driver.ts";
import { MIGRATIONS, MIGRATIONS_TABLE } from "./schema.ts";
import {
  countDocuments,
  deleteDocument,
  deletePassagesOf,
  type DocumentRow,
  insertPassages,
  type PassageRow,
  recordMigration,
  searchPassages,
  selectDocument,
  selectMeta,
  selectMigrations,
  upsertDocuments,
  upsertMeta,
} from "./statements.ts";

/** A document as stored. */
export interface StoredDocument {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly metadata: DocumentMetadata;
  /** Number of passages the text was split into. */
  readonly passages: number;
  /** Time of the last ingest, ms since epoch. */
  readonly updatedAt: number;
}

/** Per-column BM25 weights. */
export interface ColumnWeights {
  readonly title: number;
  readonly text: number;
}

/** The store interface the routes and the retriever use. */
export interface DocumentStore {
  /** Apply missing migrations; returns the schema version. */
  migrate(): Promise<number>;
  /** Insert or replace documents (and their passages) in one transaction; a repeated id: last wins. */
  upsertMany(
    documents: readonly DocumentInput[],
    nowMs: number,
  ): Promise<{ documents: number; passages: number }>;
  /** Read one document. */
  get(id: string): Promise<StoredDocument | undefined>;
  /** Delete one document and its passages; false when there was none. */
  delete(id: string): Promise<boolean>;
  /** Run an FTS5 MATCH expression (already built safely) and return the k best passages. */
  search(match: string, k: number, weights: ColumnWeights): Promise<Passage[]>;
  /** Number of documents. */
  count(): Promise<number>;
  /** Read a meta value. */
  getMeta(key: string): Promise<string | undefined>;
  /** Write a meta value. */
  setMeta(key: string, value: string): Promise<void>;
  /** Close the underlying connection. */
  close(): Promise<void>;
}

/** Separator of `passage_id` = `${doc_id}#${ord}`. */
export const PASSAGE_ID_SEPARATOR = "#";

function str(row: Row, key: string): string {
  const value = row[key];
  return typeof value === "string" ? value : String(value ?? "");
}

function num(row: Row, key: string): number {
  return Number(row[key] ?? 0);
}

/**
 * Build a store over a driver.
 *
 * @example
 * ```ts
 * const store = createDocumentStore(openSqliteDriver(":memory:"));
 * await store.migrate();
 * await store.upsertMany([{ id: "a", text: "Hello world." }], Date.now());
 * ```
 */
export function createDocumentStore(
  driver: SqlDriver,
  options: { chunk?: ChunkOptions; now?: () => number } = {},
): DocumentStore {
  const chunk = options.chunk ?? DEFAULT_CHUNK_OPTIONS;
  const now = options.now ?? Date.now;
  return {
    async migrate(): Promise<number> {
      await driver.batch([{ sql: MIGRATIONS_TABLE, params: [] }]);
      const applied = new Set((await driver.all(selectMigrations())).map((r) => num(r, "version")));
      let version = 0;
      for (const migration of MIGRATIONS) {
        if (!applied.has(migration.version)) {
          await driver.batch([
            ...migration.statements.map((s) => ({ sql: s, params: [] })),
            recordMigration(migration.version, now()),
          ]);
        }
        version = migration.version;
      }
      return version;
    },

    async upsertMany(input, nowMs) {
      // A repeated id within one call: the last occurrence wins, as if ingested in order.
      const documents = [...new Map(input.map((d) => [d.id, d])).values()];
      const docRows: DocumentRow[] = [];
      const passageRows: PassageRow[] = [];
      for (const doc of documents) {
        const title = doc.title ?? "";
        const passages = chunkText(doc.text, chunk);
        docRows.push({
          id: doc.id,
          title,
          text: doc.text,
          metadata: JSON.stringify(doc.metadata ?? {}),
          passageCount: passages.length,
          updatedAt: nowMs,
        });
        passages.forEach((text, ord) => passageRows.push({ docId: doc.id, ord, title, text }));
      }
      await driver.batch([
        ...deletePassagesOf(documents.map((d) => d.id)),
        ...upsertDocuments(docRows),
        ...insertPassages(passageRows),
      ]);
      return { documents: docRows.length, passages: passageRows.length };
    },

    async get(id) {
      const [row] = await driver.all(selectDocument(id));
      if (row === undefined) return undefined;
      return {
        id: str(row, "id"),
        title: str(row, "title"),
        text: str(row, "text"),
        metadata: JSON.parse(str(row, "metadata")) as DocumentMetadata,
        passages: num(row, "passage_count"),
        updatedAt: num(row, "updated_at"),
      };
    },

    async delete(id) {
      const changes = await driver.batch([...deletePassagesOf([id]), deleteDocument(id)]);
      return (changes[changes.length - 1] ?? 0) > 0;
    },

    async search(match, k, weights) {
      const rows = await driver.all(searchPassages(match, k, weights.title, weights.text));
      return rows.map((row) => ({
        doc_id: str(row, "doc_id"),
        passage_id: `${str(row, "doc_id")}${PASSAGE_ID_SEPARATOR}${num(row, "ord")}`,
        title: str(row, "title"),
        text: str(row, "text"),
        // bm25() is lower-is-better; the wire score is higher-is-better.
        score: -num(row, "rank"),
      }));
    },

    async count() {
      const [row] = await driver.all(countDocuments());
      return row === undefined ? 0 : num(row, "n");
    },

    async getMeta(key) {
      const [row] = await driver.all(selectMeta(key));
      return row === undefined ? undefined : str(row, "value");
    },

    async setMeta(key, value) {
      await driver.batch([upsertMeta(key, value)]);
    },

    close: () => driver.close(),
  };
}
