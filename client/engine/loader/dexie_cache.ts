/**
 * The browser cache of downloaded model files: Dexie over IndexedDB. Each file version is
 * keyed by {@link cacheKey} (URL + size + etag), so a changed file on the server is a miss.
 * Metadata (table `files`) and bytes (table `blobs`) are written in ONE transaction, so a
 * file is either fully stored or absent: an interrupted write (tab closed, quota hit) never
 * yields a half-written file. `list()` reads only the metadata table, never the bytes.
 *
 * @module
 */
import { Dexie, type Table } from "dexie";
import { z } from "zod";
import { StorageQuotaError } from "../errors.ts";
import { type CachedFileInfo, cacheKey, type FileKey, type ModelFileCache } from "./file_cache.ts";

/** Default IndexedDB database name. */
export const MODEL_CACHE_DB = "verity-model-files";

/** One cached file's metadata row (table `files`), checked when read back. */
export const CachedFileRow = z.object({
  key: z.string(),
  url: z.string(),
  size: z.number().int().nonnegative().nullable(),
  etag: z.string().nullable(),
  storedAt: z.number(),
  /** Bytes actually stored (equals `size` when the server sent a Content-Length). */
  byteLength: z.number().int().nonnegative(),
});
/** One cached file's metadata row (table `files`). */
export type CachedFileRow = z.infer<typeof CachedFileRow>;

/** One cached file's bytes (table `blobs`). */
interface BlobRow {
  readonly key: string;
  readonly bytes: ArrayBuffer;
}

/** The part of `navigator.storage` the cache uses (injectable for tests). */
export interface StorageLike {
  estimate(): Promise<{ usage?: number; quota?: number }>;
  /** Only exposed on windows, not in workers; the cache calls it when present. */
  persist?(): Promise<boolean>;
}

/** Options of {@link DexieModelCache}. */
export interface DexieModelCacheOptions {
  /** IndexedDB database name (default {@link MODEL_CACHE_DB}). */
  readonly dbName?: string;
  /** Storage manager for quota checks and persistence; default `navigator.storage`. */
  readonly storage?: StorageLike;
  /** IndexedDB implementation (default: the global one). */
  readonly indexedDB?: IDBFactory;
  /** Clock for `storedAt` (ms since epoch). */
  readonly now?: () => number;
}

/**
 * The quota error inside an error from IndexedDB or Dexie (Dexie wraps the DOMException
 * `QuotaExceededError` in an `AbortError` whose `inner` is the original), or undefined.
 *
 * @example
 * ```ts
 * findQuotaError({ name: "AbortError", inner: new DOMException("full", "QuotaExceededError") });
 * ```
 */
export function findQuotaError(err: unknown): Error | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const { name, inner, cause } = e as { name?: unknown; inner?: unknown; cause?: unknown };
    if (name === "QuotaExceededError") return e instanceof Error ? e : new Error(String(e));
    e = inner ?? cause;
  }
  return undefined;
}

const fileName = (url: string) => url.slice(url.lastIndexOf("/") + 1) || url;

/** A standalone ArrayBuffer with exactly these bytes (no copy when the view spans its buffer). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
}

/**
 * A {@link ModelFileCache} over IndexedDB with quota checks and persistent storage.
 *
 * @example
 * ```ts
 * const cache = new DexieModelCache();
 * await cache.put({ url, size: bytes.byteLength, etag: null }, bytes);
 * ```
 */
export class DexieModelCache implements ModelFileCache {
  readonly #db: Dexie;
  readonly #files: Table<CachedFileRow, string>;
  readonly #blobs: Table<BlobRow, string>;
  readonly #storage: StorageLike | undefined;
  readonly #now: () => number;
  #persistAsked = false;

  constructor(options: DexieModelCacheOptions = {}) {
    const idb = options.indexedDB;
    this.#db = new Dexie(options.dbName ?? MODEL_CACHE_DB, {
      // Model files are large: never keep query results in Dexie's in-memory cache.
      cache: "disabled",
      ...(idb !== undefined ? { indexedDB: idb } : {}),
    });
    // Schema history (bump the version and add an upgrade when a table or index changes):
    // 1: files (metadata, by key, indexed by url and storedAt), blobs (bytes, by key).
    this.#db.version(1).stores({ files: "&key, url, storedAt", blobs: "&key" });
    this.#files = this.#db.table("files");
    this.#blobs = this.#db.table("blobs");
    this.#storage = options.storage ??
      (globalThis.navigator as { storage?: StorageLike } | undefined)?.storage;
    this.#now = options.now ?? Date.now;
  }

  /** The bytes stored for exactly this key, or undefined (also for a damaged row). */
  async get(key: FileKey): Promise<Uint8Array | undefined> {
    const k = cacheKey(key);
    const [row, blob] = await this.#db.transaction(
      "r",
      this.#files,
      this.#blobs,
      () => Promise.all([this.#files.get(k), this.#blobs.get(k)]),
    );
    const meta = CachedFileRow.safeParse(row);
    if (!meta.success || !(blob?.bytes instanceof ArrayBuffer)) return undefined;
    if (blob.bytes.byteLength !== meta.data.byteLength) return undefined;
    if (key.size !== null && blob.bytes.byteLength !== key.size) return undefined;
    return new Uint8Array(blob.bytes);
  }

  /**
   * Store one file in a single transaction. Asks once for persistent storage, checks the
   * quota estimate first, and turns IndexedDB quota failures into {@link StorageQuotaError}.
   */
  async put(key: FileKey, bytes: Uint8Array): Promise<void> {
    await this.#askPersist();
    await this.#checkQuota(key, bytes.byteLength);
    const k = cacheKey(key);
    const row: CachedFileRow = {
      key: k,
      url: key.url,
      size: key.size,
      etag: key.etag,
      storedAt: this.#now(),
      byteLength: bytes.byteLength,
    };
    try {
      await this.#db.transaction("rw", this.#files, this.#blobs, async () => {
        await this.#blobs.put({ key: k, bytes: ownBuffer(bytes) });
        await this.#files.put(row);
      });
    } catch (err) {
      const quotaError = findQuotaError(err);
      if (quotaError === undefined) throw err;
      const usage = await this.#usageText();
      const name = fileName(key.url);
      throw new StorageQuotaError(
        `Cannot cache model file '${name}' (${bytes.byteLength} bytes) as the browser refused the write: storage quota exceeded${usage} (from ${key.url})`,
        { cause: quotaError },
      );
    }
  }

  /** Every cached file (metadata only), oldest first; unreadable rows are skipped. */
  async list(): Promise<CachedFileInfo[]> {
    const rows = await this.#files.orderBy("storedAt").toArray();
    return rows.flatMap((r) => {
      const parsed = CachedFileRow.safeParse(r);
      if (!parsed.success) return [];
      const { url, size, etag, storedAt } = parsed.data;
      return [{ url, size, etag, storedAt }];
    });
  }

  /** Remove every file whose URL starts with `prefix`; returns how many were removed. */
  deletePrefix(prefix: string): Promise<number> {
    return this.#db.transaction("rw", this.#files, this.#blobs, async () => {
      const keys = await this.#files.where("url").startsWith(prefix).primaryKeys();
      await this.#files.bulkDelete(keys);
      await this.#blobs.bulkDelete(keys);
      return keys.length;
    });
  }

  /** Close the database connection. */
  close(): void {
    this.#db.close();
  }

  async #askPersist(): Promise<void> {
    if (this.#persistAsked) return;
    this.#persistAsked = true;
    try {
      await this.#storage?.persist?.();
    } catch {
      // Best effort: without persistence the browser may evict the cache under pressure.
    }
  }

  async #checkQuota(key: FileKey, size: number): Promise<void> {
    if (this.#storage === undefined) return;
    const { usage, quota } = await this.#storage.estimate();
    if (usage === undefined || quota === undefined) return;
    const free = Math.max(0, quota - usage);
    if (size > free) {
      const name = fileName(key.url);
      throw new StorageQuotaError(
        `Cannot cache model file '${name}' (${size} bytes) as browser storage is full: usage ${usage} of quota ${quota} bytes leaves ${free} bytes free (from ${key.url})`,
      );
    }
  }

  async #usageText(): Promise<string> {
    try {
      const e = await this.#storage?.estimate();
      return e?.usage !== undefined && e.quota !== undefined
        ? ` (usage ${e.usage} of quota ${e.quota} bytes)`
        : "";
    } catch {
      return "";
    }
  }
}
