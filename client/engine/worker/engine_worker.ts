/**
 * Entry of the engine Web Worker (bundled by tools/build.ts to client/ui/dist/engine_worker.js).
 * It configures onnxruntime-web to load its wasm and glue files from the page's own origin
 * (`/ort/`, never a CDN) and serves one in-process engine over the worker transport, with the
 * Dexie model cache when the init asks for it. Adapters named by requests come from the Dexie
 * adapter store (the same IndexedDB database the page's Adapters panel imports into), opened on
 * first use.
 *
 * @module
 */
import { createEngine } from "../engine.ts";
import { DexieModelCache } from "../loader/dexie_cache.ts";
import { configureOrt } from "../ort.ts";
import type { MessageEndpoint } from "./protocol.ts";
import { serveEngine } from "./worker_host.ts";
import type { AdapterSource } from "../../adapters/source.ts";
import { AdapterStore } from "../../adapters/store/adapter_store.ts";

/** Options of {@link startEngineWorker}. */
export interface EngineWorkerOptions {
  /** URL prefix of onnxruntime-web's dist files (default "/ort/"). */
  readonly ortPrefix?: string;
  /** Where LoRA adapters named by requests are loaded from (e.g. the Dexie adapter store). */
  readonly adapters?: AdapterSource;
}

/** wasm threads: all cores when the page is cross-origin isolated (SharedArrayBuffer), else 1. */
export function wasmThreads(
  scope: { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } },
): number {
  if (scope.crossOriginIsolated !== true) return 1;
  return Math.max(1, Math.min(8, scope.navigator?.hardwareConcurrency ?? 1));
}

/**
 * Configure onnxruntime and serve an engine on a worker scope.
 *
 * @example
 * ```ts
 * startEngineWorker(self);
 * ```
 */
export function startEngineWorker(scope: MessageEndpoint, options: EngineWorkerOptions = {}): void {
  configureOrt({ wasmPaths: options.ortPrefix ?? "/ort/", numThreads: wasmThreads(globalThis) });
  // One cache (one IndexedDB connection) for every model this worker loads.
  let cache: DexieModelCache | undefined;
  serveEngine(scope, (init, onProgress) =>
    createEngine(init, {
      onProgress,
      ...(options.adapters !== undefined ? { adapters: options.adapters } : {}),
      ...(init.cache ? { cache: cache ??= new DexieModelCache() } : {}),
    }));
}

// Start only when this file is a worker's entry (onnxruntime's own pthread workers are named
// "em-pthread" and must not serve an engine); importing it on a page or in Deno has no effect.
const scope = globalThis as { WorkerGlobalScope?: abstract new () => unknown; name?: string };
const isWorker = scope.WorkerGlobalScope !== undefined &&
  globalThis instanceof scope.WorkerGlobalScope;
if (isWorker && !scope.name?.startsWith("em-pthread")) {
  let store: Promise<AdapterStore> | undefined;
  startEngineWorker(globalThis as unknown as MessageEndpoint, {
    adapters: { load: (id) => (store ??= AdapterStore.open()).then((s) => s.load(id)) },
  });
}
