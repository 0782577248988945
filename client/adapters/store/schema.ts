/**
 * The IndexedDB schema of the adapter store and its history. Table `adapters` holds one small
 * metadata row per adapter (listing reads only this table); table `files` holds the config text
 * and the weight bytes under the same id. Both are always written in one transaction.
 *
 * Versions (add one, never edit a shipped one):
 * 1. adapters `&id, createdAt`; files `&id`.
 * 2. adapters gain `nameKey` (the name case-folded), indexed, so listings sort by name in
 *    IndexedDB; the upgrade fills it for every v1 row.
 *
 * @module
 */
import type { Dexie, Transaction } from "dexie";
import { z } from "zod";

/** Default IndexedDB database name of the adapter store. */
export const ADAPTER_DB = "verity-adapters";

/** The newest schema version. */
export const LATEST_SCHEMA_VERSION = 2;

/** Metadata of a stored adapter, as the store returns it. */
export const AdapterMeta = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  peftType: z.string(),
  r: z.number().int().positive(),
  loraAlpha: z.number().positive(),
  targetModules: z.array(z.string()),
  useRslora: z.boolean(),
  rankPattern: z.record(z.string(), z.number().int().positive()),
  baseModel: z.string().nullable(),
  /** Size of adapter_model.safetensors in bytes. */
  bytes: z.number().int().nonnegative(),
  /** Hex SHA-256 of adapter_model.safetensors. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** When it was imported, ms since the epoch. */
  createdAt: z.number(),
});
/** Metadata of a stored adapter, as the store returns it. */
export type AdapterMeta = z.infer<typeof AdapterMeta>;

/** A row of table `adapters` (schema v2): the metadata plus its sort key. */
export const AdapterRow = AdapterMeta.extend({ nameKey: z.string() });
/** A row of table `adapters` (schema v2). */
export type AdapterRow = z.infer<typeof AdapterRow>;

/** The metadata of a row read back, or undefined when the row does not match the schema. */
export function toMeta(row: unknown): AdapterMeta | undefined {
  const parsed = AdapterRow.safeParse(row);
  if (!parsed.success) return undefined;
  const { nameKey: _, ...meta } = parsed.data;
  return meta;
}

/** A row of table `files`: the two PEFT files of one adapter. */
export interface FilesRow {
  readonly id: string;
  /** adapter_config.json as imported, byte for byte decoded as UTF-8. */
  readonly config: string;
  /** adapter_model.safetensors. */
  readonly weights: ArrayBuffer;
}

/** The sort key of a name: case-folded, so "beta" sorts between "Alpha" and "Gamma". */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/** One step of the schema history. */
interface SchemaStep {
  readonly version: number;
  readonly stores: Readonly<Record<string, string>>;
  readonly upgrade?: (tx: Transaction) => Promise<unknown>;
}

const HISTORY: readonly SchemaStep[] = [
  { version: 1, stores: { adapters: "&id, createdAt", files: "&id" } },
  {
    version: 2,
    stores: { adapters: "&id, createdAt, nameKey" },
    upgrade: (tx) =>
      tx.table("adapters").toCollection().modify((row: { name: string; nameKey?: string }) => {
        row.nameKey = nameKey(row.name);
      }),
  },
];

/**
 * Declare the schema history on `db` up to `version` (default: the latest). Tests pass an
 * older version to create a database the way an earlier release did.
 *
 * @example
 * ```ts
 * const db = new Dexie(ADAPTER_DB);
 * declareSchema(db);
 * ```
 */
export function declareSchema(db: Dexie, version: number = LATEST_SCHEMA_VERSION): void {
  for (const step of HISTORY) {
    if (step.version > version) break;
    const v = db.version(step.version).stores({ ...step.stores });
    if (step.upgrade !== undefined) v.upgrade(step.upgrade);
  }
}
