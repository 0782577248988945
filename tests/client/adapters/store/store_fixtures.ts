/**
 * Opens adapter stores on fake-indexeddb for Deno tests: each call gets a fresh, empty
 * IndexedDB (its own IDBFactory), no storage manager unless one is given, and a counting clock.
 *
 * @module
 */
import { Dexie } from "dexie";
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
import {
  AdapterStore,
  type AdapterStoreOptions,
} from "../../../../client/adapters/store/adapter_store.ts";

/** A store and the fake IndexedDB behind it. */
export interface TestStore {
  readonly store: AdapterStore;
  readonly factory: IDBFactory;
  readonly dbName: string;
  /** Reopen a store on the same database (e.g. after close()). */
  reopen(options?: AdapterStoreOptions): Promise<AdapterStore>;
}

/** Open a store on a fresh fake IndexedDB; `createdAt` counts 1, 2, 3, ... */
export async function openTestStore(options: AdapterStoreOptions = {}): Promise<TestStore> {
  const factory = new IDBFactory();
  const dbName = options.dbName ?? "verity-adapters";
  let clock = 0;
  const reopen = (extra: AdapterStoreOptions = {}) =>
    AdapterStore.open({
      indexedDB: factory,
      IDBKeyRange,
      storage: null,
      now: () => ++clock,
      ...options,
      ...extra,
    });
  return { store: await reopen(), factory, dbName, reopen };
}

/** Row counts of both tables, read through a separate connection (sees orphans too). */
export async function rawCounts(
  factory: IDBFactory,
  dbName = "verity-adapters",
): Promise<{ adapters: number; files: number }> {
  const db = new Dexie(dbName, { indexedDB: factory, IDBKeyRange });
  try {
    await db.open(); // dynamic mode: opens whatever schema exists
    return { adapters: await db.table("adapters").count(), files: await db.table("files").count() };
  } finally {
    db.close();
  }
}

/** Hex SHA-256, computed independently of the store. */
export async function sha256Of(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

/** The bytes in four parts (a Blob of several parts streams in several chunks under Deno). */
export function quarters(bytes: Uint8Array): Uint8Array<ArrayBuffer>[] {
  const q = Math.ceil(bytes.byteLength / 4);
  return [0, 1, 2, 3].map((i) => bytes.slice(i * q, (i + 1) * q));
}
