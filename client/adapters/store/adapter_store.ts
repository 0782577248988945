/**
 * The LoRA adapter store: PEFT adapters kept in IndexedDB through Dexie. Metadata rows
 * (table `adapters`) and file rows (table `files`) are written in ONE transaction after the
 * files were read, validated and hashed, so an import that fails at any point (bad JSON, bad
 * safetensors, abort, network error, full quota) leaves nothing behind and never touches an
 * adapter already stored. `list()` reads only the metadata table. It implements AdapterSource,
 * the contract the engine's slot pool loads adapters through.
 *
 * @module
 */
import { Dexie, type Table } from "dexie";
import type { AdapterSource, PeftAdapterFiles } from "../source.ts";
import { AdapterExistsError, AdapterImportError, AdapterNotFoundError } from "./errors.ts";
import { fetchAdapterFiles, folderName, folderUrl } from "./fetch_adapter.ts";
import { type ImportProgress, ownBuffer, readBytes, readText, sha256Hex } from "./read_bytes.ts";
import {
  ADAPTER_DB,
  AdapterMeta,
  type AdapterRow,
  declareSchema,
  type FilesRow,
  nameKey,
  toMeta,
} from "./schema.ts";
import {
  checkQuota,
  defaultStorage,
  quotaErrorOf,
  type StorageManagerLike,
  type StorageReport,
  storageReport,
} from "./storage_quota.ts";
import { parseAdapterConfig, validateAdapter } from "./validate_adapter.ts";

export { AdapterMeta, type ImportProgress, type StorageReport };

/** Options of {@link AdapterStore.open}. */
export interface AdapterStoreOptions {
  /** IndexedDB database name (default "verity-adapters"). */
  readonly dbName?: string;
  /** IndexedDB implementation (default: the global one; tests pass fake-indexeddb's). */
  readonly indexedDB?: IDBFactory;
  readonly IDBKeyRange?: typeof IDBKeyRange;
  /** Storage manager for quota and persistence (default `navigator.storage`; null for none). */
  readonly storage?: StorageManagerLike | null;
  /** Clock for `createdAt`, ms since the epoch. */
  readonly now?: () => number;
}

/** Options shared by both imports. */
interface CommonImportOptions {
  /** Id to store under (default: a random UUID). */
  readonly id?: string;
  /** Replace an adapter stored under the same id; without it such an import fails. */
  readonly replace?: boolean;
  /** Bytes of the weights read so far. */
  readonly onProgress?: (p: ImportProgress) => void;
  readonly signal?: AbortSignal;
}

/** Options of {@link AdapterStore.importFiles}. */
export interface ImportFilesOptions extends CommonImportOptions {
  /** Display name. */
  readonly name: string;
}

/** Options of {@link AdapterStore.importUrl}. */
export interface ImportUrlOptions extends CommonImportOptions {
  /** Display name (default: the folder's last path segment). */
  readonly name?: string;
  /** The fetch to use (default: the global one). */
  readonly fetch?: typeof fetch;
}

/** The two files of an adapter as given to {@link AdapterStore.importFiles}. */
export interface AdapterFilesInput {
  /** adapter_config.json: text, UTF-8 bytes, or a File/Blob. */
  readonly config: string | Uint8Array | Blob;
  /** adapter_model.safetensors: bytes, or a File/Blob (read as a stream with progress). */
  readonly weights: Uint8Array | Blob;
}

function taken(name: string, id: string, holder: string): AdapterExistsError {
  return new AdapterExistsError(
    `Cannot import adapter '${name}' as id '${id}' is taken by adapter '${holder}': pass replace: true to overwrite it`,
  );
}

function checkName(name: string, id: string | undefined): string {
  if (name.trim() === "") {
    throw new AdapterImportError(
      `Cannot import adapter as 'name' must not be empty: current value is "${name}"`,
    );
  }
  if (id !== undefined && id.trim() === "") {
    throw new AdapterImportError(
      `Cannot import adapter '${name}' as 'id' must not be empty: current value is "${id}"`,
    );
  }
  return name;
}

/**
 * PEFT LoRA adapters in IndexedDB.
 *
 * @example
 * ```ts
 * const store = await AdapterStore.open();
 * const meta = await store.importUrl("/adapters/math/", { onProgress: console.log });
 * const { config, weights } = await store.load(meta.id);
 * ```
 */
export class AdapterStore implements AdapterSource {
  readonly #db: Dexie;
  readonly #adapters: Table<AdapterRow, string>;
  readonly #files: Table<FilesRow, string>;
  readonly #storage: StorageManagerLike | undefined;
  readonly #now: () => number;

  private constructor(db: Dexie, storage: StorageManagerLike | undefined, now: () => number) {
    this.#db = db;
    this.#adapters = db.table("adapters");
    this.#files = db.table("files");
    this.#storage = storage;
    this.#now = now;
  }

  /** Open (creating or upgrading) the database; rejects when IndexedDB refuses it. */
  static async open(options: AdapterStoreOptions = {}): Promise<AdapterStore> {
    const db = new Dexie(options.dbName ?? ADAPTER_DB, {
      // Weight rows are large: never keep query results in Dexie's in-memory cache.
      cache: "disabled",
      ...(options.indexedDB !== undefined ? { indexedDB: options.indexedDB } : {}),
      ...(options.IDBKeyRange !== undefined ? { IDBKeyRange: options.IDBKeyRange } : {}),
    });
    declareSchema(db);
    await db.open();
    const storage = options.storage === null ? undefined : options.storage ?? defaultStorage();
    return new AdapterStore(db, storage, options.now ?? Date.now);
  }

  /** Validate and store an adapter from its two files (e.g. from an `<input type=file>`). */
  async importFiles(files: AdapterFilesInput, options: ImportFilesOptions): Promise<AdapterMeta> {
    const name = checkName(options.name, options.id);
    await this.#checkFree(name, options);
    const config = await readText(files.config);
    parseAdapterConfig(name, config); // fail before reading large weights
    const weights = await readBytes(files.weights, options.onProgress, options.signal);
    return await this.#put(name, config, weights, options);
  }

  /** Download, validate and store the adapter in a folder holding the two PEFT files. */
  async importUrl(url: string, options: ImportUrlOptions = {}): Promise<AdapterMeta> {
    const folder = folderUrl(url);
    const name = checkName(options.name ?? folderName(folder), options.id);
    await this.#checkFree(name, options);
    const { config, weights } = await fetchAdapterFiles(folder, {
      name,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      onProgress: options.onProgress,
      signal: options.signal,
    });
    return await this.#put(name, config, weights, options);
  }

  /** Fail before any reading or download when the id is taken (the write checks again). */
  async #checkFree(name: string, options: CommonImportOptions): Promise<void> {
    if (options.id === undefined || options.replace === true) return;
    const existing = await this.#adapters.get(options.id);
    if (existing !== undefined) throw taken(name, options.id, existing.name);
  }

  async #put(
    name: string,
    config: string,
    weights: Uint8Array,
    options: CommonImportOptions,
  ): Promise<AdapterMeta> {
    const summary = validateAdapter(name, config, weights);
    const sha256 = await sha256Hex(weights);
    const bytes = weights.byteLength + new TextEncoder().encode(config).byteLength;
    await checkQuota(this.#storage, name, bytes);
    options.signal?.throwIfAborted();
    const { config: _, ...fields } = summary;
    const meta: AdapterMeta = {
      id: options.id ?? crypto.randomUUID(),
      name,
      ...fields,
      bytes: weights.byteLength,
      sha256,
      createdAt: this.#now(),
    };
    try {
      await this.#db.transaction("rw", this.#adapters, this.#files, async () => {
        const existing = await this.#adapters.get(meta.id);
        if (existing !== undefined && options.replace !== true) {
          throw taken(name, meta.id, existing.name);
        }
        await this.#adapters.put({ ...meta, nameKey: nameKey(name) });
        await this.#files.put({ id: meta.id, config, weights: ownBuffer(weights) });
        // An abort that arrives while writing rolls the whole transaction back.
        options.signal?.throwIfAborted();
      });
    } catch (err) {
      // Dexie wraps a DOMException thrown in a transaction; give callers the abort reason.
      options.signal?.throwIfAborted();
      throw (await quotaErrorOf(err, this.#storage, name, bytes)) ?? err;
    }
    return meta;
  }

  /** Metadata of every adapter, sorted by name (case-insensitive), then id. Reads no weights. */
  async list(): Promise<AdapterMeta[]> {
    const rows = await this.#adapters.orderBy("nameKey").toArray();
    return rows.flatMap((r) => toMeta(r) ?? []);
  }

  /** Metadata of one adapter, or undefined. */
  async get(id: string): Promise<AdapterMeta | undefined> {
    return toMeta(await this.#adapters.get(id));
  }

  /** The adapter's config (parsed JSON) and weight bytes; AdapterNotFoundError when absent. */
  async load(id: string): Promise<PeftAdapterFiles> {
    const { config, weights } = await this.exportFiles(id);
    return { config: JSON.parse(config) as unknown, weights };
  }

  /** The adapter's files exactly as imported. AdapterNotFoundError when absent or damaged. */
  async exportFiles(id: string): Promise<{ config: string; weights: Uint8Array }> {
    const [row, files] = await this.#db.transaction(
      "r",
      this.#adapters,
      this.#files,
      () => Promise.all([this.#adapters.get(id), this.#files.get(id)]),
    );
    const meta = toMeta(row);
    if (meta === undefined || files === undefined) {
      throw new AdapterNotFoundError(
        `Cannot load adapter '${id}' as no adapter with this id is stored`,
      );
    }
    if (!(files.weights instanceof ArrayBuffer) || files.weights.byteLength !== meta.bytes) {
      throw new AdapterNotFoundError(
        `Cannot load adapter '${id}' as its stored weights are damaged: expected ${meta.bytes} bytes`,
      );
    }
    return { config: files.config, weights: new Uint8Array(files.weights) };
  }

  /** Change an adapter's display name; AdapterNotFoundError when absent. */
  async rename(id: string, name: string): Promise<AdapterMeta> {
    if (name.trim() === "") {
      throw new RangeError(
        `Cannot rename adapter '${id}' as 'name' must not be empty: current value is "${name}"`,
      );
    }
    return await this.#db.transaction("rw", this.#adapters, async () => {
      const meta = toMeta(await this.#adapters.get(id));
      if (meta === undefined) {
        throw new AdapterNotFoundError(
          `Cannot rename adapter '${id}' as no adapter with this id is stored`,
        );
      }
      const renamed = { ...meta, name };
      await this.#adapters.put({ ...renamed, nameKey: nameKey(name) });
      return renamed;
    });
  }

  /** Remove an adapter (metadata and files together). Deleting an absent id does nothing. */
  async delete(id: string): Promise<void> {
    await this.#db.transaction("rw", this.#adapters, this.#files, async () => {
      await this.#adapters.delete(id);
      await this.#files.delete(id);
    });
  }

  /** Usage, quota and persistence of the origin's storage (null where unknown). */
  storage(): Promise<StorageReport> {
    return storageReport(this.#storage);
  }

  /** Ask the browser to keep this origin's storage under pressure; false when refused or unsupported. */
  async persist(): Promise<boolean> {
    try {
      return (await this.#storage?.persist?.()) ?? false;
    } catch {
      return false;
    }
  }

  /** Close the database connection. */
  close(): void {
    this.#db.close();
  }
}
