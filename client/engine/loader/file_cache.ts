/**
 * The interface of a cache for downloaded model files. The browser implementation is
 * Dexie over IndexedDB (dexie_cache.ts); tests and Deno can pass none.
 *
 * @module
 */

/** Identifies one version of one remote file: URL plus size and etag. */
export interface FileKey {
  readonly url: string;
  readonly size: number | null;
  readonly etag: string | null;
}

/** Summary of one cached file. */
export interface CachedFileInfo extends FileKey {
  readonly storedAt: number;
}

/** A persistent store of downloaded model files. */
export interface ModelFileCache {
  /** The bytes stored for exactly this key, or undefined. */
  get(key: FileKey): Promise<Uint8Array | undefined>;
  /** Store bytes; throws StorageQuotaError when the quota is exhausted. */
  put(key: FileKey, bytes: Uint8Array): Promise<void>;
  /** Every cached file. */
  list(): Promise<CachedFileInfo[]>;
  /** Remove every file whose URL starts with the prefix; returns the count removed. */
  deletePrefix(prefix: string): Promise<number>;
}

/** The string key under which a file version is stored. */
export function cacheKey(key: FileKey): string {
  return `${key.url}|${key.size ?? "?"}|${key.etag ?? ""}`;
}
