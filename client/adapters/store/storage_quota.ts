/**
 * Browser storage for the adapter store: quota estimates, persistence, and turning an
 * IndexedDB QuotaExceededError into the engine's typed StorageQuotaError.
 *
 * @module
 */
import { StorageQuotaError } from "../../engine/errors.ts";
import { findQuotaError } from "../../engine/loader/dexie_cache.ts";

/** The part of `navigator.storage` the store uses (injectable; absent in some runtimes). */
export interface StorageManagerLike {
  estimate(): Promise<{ usage?: number; quota?: number }>;
  /** Only on windows (not workers). */
  persist?(): Promise<boolean>;
  persisted?(): Promise<boolean>;
}

/** Usage, quota and persistence of the origin's storage; null where the browser does not say. */
export interface StorageReport {
  readonly usage: number | null;
  readonly quota: number | null;
  readonly persisted: boolean | null;
}

/** `navigator.storage` when the runtime has one. */
export function defaultStorage(): StorageManagerLike | undefined {
  return (globalThis.navigator as { storage?: StorageManagerLike } | undefined)?.storage;
}

/** Read usage, quota and persistence (each null when unavailable or failing). */
export async function storageReport(
  storage: StorageManagerLike | undefined,
): Promise<StorageReport> {
  const estimate = await storage?.estimate().catch(() => undefined);
  const persisted = await storage?.persisted?.().catch(() => undefined);
  return {
    usage: estimate?.usage ?? null,
    quota: estimate?.quota ?? null,
    persisted: persisted ?? null,
  };
}

/**
 * Refuse an import the estimate says cannot fit, before anything is written.
 *
 * @example
 * ```ts
 * await checkQuota(navigator.storage, "my-lora", 1_000_000);
 * ```
 */
export async function checkQuota(
  storage: StorageManagerLike | undefined,
  name: string,
  bytes: number,
): Promise<void> {
  const { usage, quota } = await storageReport(storage);
  if (usage === null || quota === null) return;
  const free = Math.max(0, quota - usage);
  if (bytes > free) {
    throw new StorageQuotaError(
      `Cannot import adapter '${name}' (${bytes} bytes) as browser storage is full: usage ${usage} of quota ${quota} bytes leaves ${free} bytes free`,
    );
  }
}

/** A StorageQuotaError for a write IndexedDB refused, or undefined when `err` is no quota error. */
export async function quotaErrorOf(
  err: unknown,
  storage: StorageManagerLike | undefined,
  name: string,
  bytes: number,
): Promise<StorageQuotaError | undefined> {
  const cause = findQuotaError(err);
  if (cause === undefined) return undefined;
  const { usage, quota } = await storageReport(storage);
  const usageText = usage !== null && quota !== null
    ? ` (usage ${usage} of quota ${quota} bytes)`
    : "";
  return new StorageQuotaError(
    `Cannot import adapter '${name}' (${bytes} bytes) as the browser refused the write: storage quota exceeded${usageText}`,
    { cause },
  );
}
