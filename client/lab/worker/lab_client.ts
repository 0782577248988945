/**
 * The page side of the lab transport: start a run in the lab worker, receive its device choice
 * and progress, stop it through an AbortSignal. Every message from the worker is zod-checked;
 * errors are rebuilt with their lab class (a stopped run rejects with LabAbortedError).
 *
 * @module
 */
import type { LabDeviceName } from "../device.ts";
import type { LabExperimentName } from "../experiments.ts";
import {
  type DeviceChoice,
  FromLabWorker,
  fromWireError,
  type LabEndpoint,
  type ToLabWorker,
  type WireProgress,
} from "./protocol.ts";

/** Options of one {@link LabWorkerClient.run}. */
export interface LabRunOptions {
  /** Device to ask for (default "auto": WebGPU, else wasm with the reason). */
  readonly device?: LabDeviceName;
  /** Aborting stops the run in the worker; the promise then rejects with LabAbortedError. */
  readonly signal?: AbortSignal;
  /** Called once, when the worker has chosen its device. */
  readonly onDevice?: (choice: DeviceChoice) => void;
  /** Called with every progress report. */
  readonly onProgress?: (progress: WireProgress) => void;
}

interface Pending {
  readonly options: LabRunOptions;
  resolve(result: unknown): void;
  reject(err: Error): void;
}

/**
 * Runs experiments in a lab worker.
 *
 * @example
 * ```ts
 * const lab = new LabWorkerClient(new Worker("/ui/dist/lab_worker.js", { type: "module" }));
 * const result = await lab.run("grokking", settings, { onProgress: (p) => draw(p) });
 * ```
 */
export class LabWorkerClient {
  readonly #endpoint: LabEndpoint;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  readonly #onMessage = (event: MessageEvent) => this.#receive(event.data);

  /** @param endpoint a Worker running lab_worker.ts (or any endpoint speaking its protocol). */
  constructor(endpoint: LabEndpoint) {
    this.#endpoint = endpoint;
    endpoint.addEventListener("message", this.#onMessage);
  }

  /** Run one experiment in the worker and resolve to its JSON result. */
  run(
    experiment: LabExperimentName,
    settings: unknown,
    options: LabRunOptions = {},
  ): Promise<unknown> {
    const id = this.#nextId++;
    const post = (m: ToLabWorker) => this.#endpoint.postMessage(m);
    return new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { options, resolve, reject });
      const onAbort = () => post({ kind: "abort", id });
      if (options.signal?.aborted) queueMicrotask(onAbort);
      options.signal?.addEventListener("abort", onAbort, { once: true });
      post({ kind: "run", id, experiment, settings, device: options.device ?? "auto" });
    });
  }

  /** Reject every pending run with `reason` (the worker died or was terminated). */
  failAll(reason: Error): void {
    for (const p of this.#pending.values()) p.reject(reason);
    this.#pending.clear();
  }

  /** Stop listening; pending runs are rejected. */
  dispose(): void {
    this.#endpoint.removeEventListener("message", this.#onMessage);
    this.failAll(new Error("Cannot finish the lab run as the lab worker client was disposed"));
  }

  #receive(data: unknown): void {
    const parsed = FromLabWorker.safeParse(data);
    if (!parsed.success) return;
    const m = parsed.data;
    const p = this.#pending.get(m.id);
    if (p === undefined) return;
    switch (m.kind) {
      case "device":
        p.options.onDevice?.(m.choice);
        break;
      case "progress":
        p.options.onProgress?.(m.progress);
        break;
      case "result":
        this.#pending.delete(m.id);
        p.resolve(m.result);
        break;
      case "error":
        this.#pending.delete(m.id);
        p.reject(fromWireError(m.error));
        break;
    }
  }
}
