/**
 * Lab runs in IndexedDB through Dexie, in their own database ("verity-lab"), apart from the
 * model cache. Every record read back is checked with zod; a damaged one is skipped by `list`
 * and reported by `get`.
 *
 * @module
 */
import { Dexie, type Table } from "dexie";
import { RunRecord } from "./run_record.ts";

/** Default IndexedDB database name of the lab. */
export const LAB_DB = "verity-lab";

/** Options of {@link LabRunStore}. */
export interface LabRunStoreOptions {
  /** Database name (default {@link LAB_DB}). */
  readonly dbName?: string;
  /** IndexedDB implementation (default: the global one; fake-indexeddb in Deno tests). */
  readonly indexedDB?: IDBFactory;
  /** IDBKeyRange matching `indexedDB` (needed with a non-global one, for indexed queries). */
  readonly IDBKeyRange?: typeof IDBKeyRange;
}

/** A stored run: a record with its key. */
export type StoredRun = RunRecord & { id: number };

/** Raised when a stored run is missing or no longer matches the schema. */
export class LabStoreError extends Error {
  /** @param message what was looked for and what was found. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LabStoreError";
  }
}

/**
 * The lab's run history.
 *
 * @example
 * ```ts
 * const store = new LabRunStore();
 * const id = await store.add(newRunRecord("grokking", settings, "auto"));
 * await store.update(id, { status: "done", result });
 * ```
 */
export class LabRunStore {
  readonly #db: Dexie;
  readonly #runs: Table<RunRecord, number>;

  constructor(options: LabRunStoreOptions = {}) {
    this.#db = new Dexie(options.dbName ?? LAB_DB, {
      ...(options.indexedDB !== undefined ? { indexedDB: options.indexedDB } : {}),
      ...(options.IDBKeyRange !== undefined ? { IDBKeyRange: options.IDBKeyRange } : {}),
    });
    // Schema history (bump the version and add an upgrade when a table or index changes):
    // 1: runs (auto-increment id, indexed by experiment, startedAt and status).
    this.#db.version(1).stores({ runs: "++id, experiment, startedAt, status" });
    this.#runs = this.#db.table("runs");
  }

  /** Store a new run; returns its id. */
  async add(record: RunRecord): Promise<number> {
    const { id: _drop, ...rest } = RunRecord.parse(record);
    return await this.#runs.add(rest as RunRecord);
  }

  /** Change fields of a stored run. */
  async update(id: number, changes: Partial<Omit<RunRecord, "id">>): Promise<void> {
    const n = await this.#runs.update(id, changes);
    if (n === 0 && (await this.#runs.get(id)) === undefined) {
      throw new LabStoreError(
        `Cannot update lab run ${id} as it is not stored: current runs lack it`,
      );
    }
  }

  /** One run, checked against the schema. */
  async get(id: number): Promise<StoredRun> {
    const row = await this.#runs.get(id);
    if (row === undefined) {
      throw new LabStoreError(`Cannot open lab run ${id} as it is not stored: it may be deleted`);
    }
    const parsed = RunRecord.safeParse(row);
    if (!parsed.success) {
      throw new LabStoreError(
        `Cannot open lab run ${id} as it does not match the run schema: ${parsed.error.message}`,
      );
    }
    return { ...parsed.data, id };
  }

  /** Every valid run, newest first. */
  async list(): Promise<StoredRun[]> {
    const rows = await this.#runs.orderBy("startedAt").reverse().toArray();
    const out: StoredRun[] = [];
    for (const row of rows) {
      const parsed = RunRecord.safeParse(row);
      if (parsed.success && parsed.data.id !== undefined) {
        out.push({ ...parsed.data, id: parsed.data.id });
      }
    }
    return out;
  }

  /** Delete a run (no error when it is already gone). */
  async delete(id: number): Promise<void> {
    await this.#runs.delete(id);
  }

  /**
   * Mark runs left "running" by a page that went away as "interrupted"; returns how many.
   * Call it once when the Lab tab opens, before starting a run.
   */
  async markInterrupted(now: number = Date.now()): Promise<number> {
    return await this.#runs.where("status").equals("running").modify({
      status: "interrupted",
      finishedAt: now,
    });
  }

  /** Close the database connection. */
  close(): void {
    this.#db.close();
  }
}
