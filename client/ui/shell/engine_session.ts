/**
 * One loaded model in one engine Web Worker. Loading another model (or recovering from a lost
 * WebGPU device) terminates the worker and starts a fresh one, so no state of the old engine
 * survives and onnxruntime starts clean.
 *
 * @module
 */
import type { Engine, EngineInfo } from "../../engine/api.ts";
import { EngineStateError } from "../../engine/errors.ts";
import type { LoadProgress } from "../../engine/loader/progress.ts";
import { connectWorkerEngine } from "../../engine/worker/worker_client.ts";

/** What to load. */
export interface LoadRequest {
  /** Absolute URL of the model folder. */
  readonly modelUrl: string;
  /** Absolute URL of a draft folder for speculative decoding, if any. */
  readonly draftUrl?: string;
  readonly ep: "auto" | "webgpu" | "wasm";
  /** Keep downloaded files in the IndexedDB cache. */
  readonly cache: boolean;
}

/** A loaded engine with its info. */
export interface LoadedEngine {
  readonly engine: Engine;
  readonly info: EngineInfo;
  readonly request: LoadRequest;
}

/** Options of {@link EngineSession}. */
export interface EngineSessionOptions {
  /** URL of the bundled engine worker. */
  readonly workerUrl: URL;
  /** Called when a loaded engine's worker stops with an uncaught error (a crash). */
  readonly onCrash?: (err: Error) => void;
}

/** Owns the engine worker; {@link load} replaces it. */
export class EngineSession {
  readonly #workerUrl: URL;
  readonly #onCrash: ((err: Error) => void) | undefined;
  #worker: Worker | undefined;
  #current: LoadedEngine | undefined;

  constructor(options: EngineSessionOptions) {
    this.#workerUrl = options.workerUrl;
    this.#onCrash = options.onCrash;
  }

  /** The loaded engine, if any. */
  get current(): LoadedEngine | undefined {
    return this.#current;
  }

  /**
   * Start a fresh worker and load `request` in it; progress events go to `onProgress`.
   * Rejects with the engine's typed error (ModelLoadError, StorageQuotaError, ...).
   */
  async load(request: LoadRequest, onProgress: (p: LoadProgress) => void): Promise<LoadedEngine> {
    this.terminate();
    const worker = new Worker(this.#workerUrl, { type: "module", name: "verity-engine" });
    this.#worker = worker;
    const url = this.#workerUrl;
    // A worker whose script fails to load never answers: fail the load instead of waiting forever.
    const workerFailed = new Promise<never>((_, reject) => {
      worker.addEventListener("error", (e) => {
        e.preventDefault();
        const why = e.message || "is the client built? (deno task build)";
        reject(new EngineStateError(`Cannot start the engine worker '${url.pathname}': ${why}`));
      }, { once: true });
    });
    workerFailed.catch(() => {});
    const engine = await Promise.race([
      connectWorkerEngine(worker, {
        model: { kind: "url", url: request.modelUrl },
        ...(request.draftUrl !== undefined
          ? { draft: { kind: "url", url: request.draftUrl } }
          : {}),
        ep: request.ep,
        cache: request.cache,
      }, onProgress),
      workerFailed,
    ]);
    const info = await engine.info();
    const loaded = { engine, info, request };
    if (this.#worker === worker) this.#current = loaded;
    worker.addEventListener("error", (e) => {
      if (this.#worker !== worker) return;
      e.preventDefault();
      this.#current = undefined; // Send stays disabled until a model is loaded again
      this.#onCrash?.(
        new EngineStateError(`The engine worker stopped: ${e.message || "unknown error"}`),
      );
    });
    return loaded;
  }

  /** Stop the worker (and any generation in it). */
  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#current = undefined;
  }
}
