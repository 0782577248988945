/**
 * Browser entry for tests/e2e/adapter_store_test.ts: the adapter store, its schema history and
 * Dexie (to write a v1 database), the seeded PEFT file maker, and a raw IndexedDB row count
 * (bypassing the store, so orphans would show).
 *
 * @module
 */
export { AdapterStore } from "../../client/adapters/store/adapter_store.ts";
export { declareSchema } from "../../client/adapters/store/schema.ts";
export { makePeftFiles, MODULE_DIMS } from "../client/adapters/store/peft_files.ts";
export { Dexie } from "dexie";

/** Rows in each table of the adapter database, read with plain IndexedDB. */
export async function rawCounts(dbName = "verity-adapters"): Promise<Record<string, number>> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(dbName);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    const names = [...db.objectStoreNames];
    if (names.length === 0) return {};
    const tx = db.transaction(names, "readonly");
    const counts = await Promise.all(names.map((n) =>
      new Promise<number>((resolve, reject) => {
        const req = tx.objectStore(n).count();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      })
    ));
    return Object.fromEntries(names.map((n, i) => [n, counts[i]!]));
  } finally {
    db.close();
  }
}
