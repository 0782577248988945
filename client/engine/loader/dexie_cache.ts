/**
 * The browser cache of downloaded model files: Dexie over IndexedDB. Each file version is
 * keyed by {@link cacheKey} (URL + size + etag), so a changed file on the server is a miss.
 * Metadata and bytes live in two tables written in ONE transaction, so a file is either
 * fully stored or absent: an interrupted write (tab closed, quota hit) never yields a
 * half-written file. `list()` reads only the metadata table.
 *
 * @module
 */
import Dexie, { type Table } from "dexie";
import { z } from "zod";
import { StorageQuotaError } from "../errors.ts";
import { type CachedFileInfo, cacheKey, type FileKey, type ModelFileCache } from "./file_cache.ts";

/** Default IndexedDB database name. */
export const MODEL_CACHE_DB = "verity-model-files";

/** One cached file's metadata row (table `entries`). */
export const CacheEntry = z.object({
  key: z.string(),
  url: z.string(),
  size: z.number().int().nonnegative().nullable(),
  etag: z.string().nullable(),
  storedAt: z.number(),
  /** Bytes actually stored (equals `size` when the server sent a Content-Length). */
  byteLength: z.number().int().nonnegative(),
});
/** One cached file's metadata row (table `entries`). */
export type CacheEntry = z.infer<typeof CacheEntry>;

/** One cached file's bytes (table `blobs`). */
interface CacheBlob {
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
  /** Storage manager used for quota checks; default `navigator.storage` when present. */
  readonly storage?: StorageLike;
  /** IndexedDB implementation (default: the global one). */
  readonly indexedDB?: IDBFactory;
  /** Clock for `storedAt` (ms since epoch). */
  readonly now?: () => number;
}

/** True when an error (or any error it wraps) is a quota error from IndexedDB or Dexie. */
export function isQuotaError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const { name, inner, cause } = e as { name?: unknown; inner?: unknown; cause?: unknown };
    if (name === "QuotaExceededError") return true;
    e = inner ?? cause;
  }
  return false;
}

const fileName = (url: string) => url.slice(url.lastIndexOf("/") + 1) || url;

/** A {@link ModelFileCache} over IndexedDB with quota checks and persistent storage. */
export class DexieModelCache implements ModelFileCache {
  readonly #db: Dexie;
  readonly #entries: Table<CacheEntry, string>;
  readonly #blobs: Table<CacheBlob, string>;
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
    // Schema history: bump the version and add an upgrade when a table or index changes.
    this.#db.version(1).stores({ entries: "&key, url, storedAt", blobs: "&key" });
    this.#entries = this.#db.table("entries");
    this.#blobs = this.#db.table("blobs");
    this.#storage = options.storage ??
      (globalThis.navigator as { storage?: StorageLike } | undefined)?.storage;
    this.#now = options.now ?? Date.now;
  }

  /** The bytes stored for exactly this key, or undefined (also for a damaged entry). */
  async get(key: FileKey): Promise<Uint8Array | undefined> {
    const k = cacheKey(key);
    const [entry, blob] = await this.#db.transaction(
      "r",
      this.#entries,
      this.#blobs,
      () => Promise.all([this.#entries.get(k), this.#blobs.get(k)]),
    );
    if (entry === undefined || blob === undefined) return undefined;
    if (blob.bytes.byteLength !== entry.byteLength) return undefined;
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
    // Copy into a standalone ArrayBuffer: `bytes` may be a view into a larger buffer.
    const copy = bytes.slice().buffer;
    const entry: CacheEntry = {
      key: k,
      url: key.url,
      size: key.size,
      etag: key.etag,
      storedAt: this.#now(),
      byteLength: bytes.byteLength,
    };
    try {
      await this.#db.transaction("rw", this.#entries, this.#blobs, async () => {
        await this.#blobs.put({ key: k, bytes: copy });
        await this.#entries.put(entry);
      });
    } catch (err) {
      if (!isQuotaError(err)) throw err;
      const usage = await this.#usageText();
      throw new StorageQuotaError(
        `Cannot cache model file '${
          fileName(key.url)
        }' (${bytes.byteLength} bytes) as the browser refused the write: storage quota exceeded${usage}`,
        { cause: err },
      );
    }
  }

  /** Every cached file (metadata only), oldest first. */
  async list(): Promise<CachedFileInfo[]> {
    const rows = await this.#entries.orderBy("storedAt").toArray();
    return rows.map((r) => ({ url: r.url, size: r.size, etag: r.etag, storedAt: r.storedAt }));
  }

  /** Remove every file whose URL starts with `prefix`; returns how many were removed. */
  deletePrefix(prefix: string): Promise<number> {
    return this.#db.transaction("rw", this.#entries, this.#blobs, async () => {
      const keys = await this.#entries.where("url").startsWith(prefix).primaryKeys();
      await this.#entries.bulkDelete(keys);
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
      throw new StorageQuotaError(
        `Cannot cache model file '${
          fileName(key.url)
        }' (${size} bytes) as browser storage is full: usage ${usage} of quota ${quota} bytes leaves ${free} bytes free (from ${key.url})`,
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
