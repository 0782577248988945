/**
 * The store half of the LoRA benchmark, on the Dexie adapter store over fake-indexeddb (an
 * in-memory IndexedDB in JavaScript; a browser's IndexedDB has other costs): cold loads from
 * the store into a resident slot, and listing a store of 1,000 adapters.
 *
 * @module
 */
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { AdapterStore } from "../client/adapters/store/adapter_store.ts";
import { AdapterSlotPool } from "../client/engine/lora/slot_pool.ts";
import { loraSpecFromConfig } from "../client/engine/lora/lora_spec.ts";
import type { DecoderConfig } from "../client/engine/model_config.ts";
import type { PeftAdapterFiles } from "../client/adapters/source.ts";
import type { LlamaConfig } from "../tools/forge/llama_config.ts";

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function asImport(files: PeftAdapterFiles): { config: string; weights: Uint8Array } {
  return { config: JSON.stringify(files.config), weights: files.weights };
}

async function openStore(tag: string): Promise<AdapterStore> {
  return await AdapterStore.open({
    dbName: `verity-bench-lora-${tag}-${crypto.randomUUID()}`,
    indexedDB,
    IDBKeyRange,
    storage: null,
  });
}

/**
 * Cold loads: every acquire of a 1-slot pool misses, so each one reads the adapter from the store,
 * validates it against the base and writes it into the slot (wasm: CPU tensors). Returns the
 * per-load times, ms.
 */
export async function coldLoadTimes(
  config: LlamaConfig,
  adapters: readonly PeftAdapterFiles[],
  loads: number,
): Promise<number[]> {
  const store = await openStore("cold");
  try {
    const ids: string[] = [];
    for (const [i, files] of adapters.entries()) {
      ids.push((await store.importFiles(asImport(files), { name: `bench ${i}` })).id);
    }
    const spec = loraSpecFromConfig(config as unknown as DecoderConfig)!;
    const pool = await AdapterSlotPool.create(spec, store, 1, "wasm");
    for (let i = 0; i < loads; i++) {
      const got = await pool.acquire([ids[i % ids.length]!], new Set());
      const slot = [...got.values()][0];
      if (slot instanceof Error) throw slot;
    }
    const m = pool.metrics();
    if (m.misses !== loads) throw new Error(`expected ${loads} cold loads, saw ${m.misses} misses`);
    return m.loadMsRecent.slice(-loads);
  } finally {
    store.close();
  }
}

/** Import `count` copies of a small adapter, then time `list()` (median of `reps`), ms. */
export async function listTimes(
  files: PeftAdapterFiles,
  count: number,
  reps: number,
): Promise<{ importMs: number; listMs: number[]; listed: number }> {
  const store = await openStore("list");
  try {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      await store.importFiles(asImport(files), { name: `adapter ${i}` });
    }
    const importMs = performance.now() - t0;
    const listMs: number[] = [];
    let listed = 0;
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      listed = (await store.list()).length;
      listMs.push(performance.now() - t);
    }
    return { importMs, listMs, listed };
  } finally {
    store.close();
  }
}
