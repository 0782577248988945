/**
 * The Lab tab's handle on its worker: starts the lab worker on the first run (not at mount),
 * runs experiments through the transport, and stops them. Stop aborts the run inside the worker
 * (the experiment notices between steps); when the worker does not answer within a grace
 * period (a long GPU step, a hung shader) it is terminated and the next run starts a new one.
 *
 * @module
 */
import { LabAbortedError } from "../../lab/errors.ts";
import type { LabExperimentName } from "../../lab/experiments.ts";
import { type LabRunOptions, LabWorkerClient } from "../../lab/worker/lab_client.ts";

/** Makes the worker (injectable for tests). */
export type WorkerFactory = (url: string) => Worker;

/** Options of {@link WorkerRunner}. */
export interface WorkerRunnerOptions {
  readonly workerUrl: string;
  /** Default: a module Worker on `workerUrl`. */
  readonly createWorker?: WorkerFactory;
  /** ms to wait for an aborted run before terminating the worker (default 5000). */
  readonly stopGraceMs?: number;
}

/** Runs lab experiments in a worker, one at a time. */
export class WorkerRunner {
  readonly #url: string;
  readonly #create: WorkerFactory;
  readonly #graceMs: number;
  #worker: Worker | undefined;
  #client: LabWorkerClient | undefined;
  #current: AbortController | undefined;

  constructor(options: WorkerRunnerOptions) {
    this.#url = options.workerUrl;
    this.#create = options.createWorker ?? ((url) => new Worker(url, { type: "module" }));
    this.#graceMs = options.stopGraceMs ?? 5000;
  }

  /** Whether a run is going. */
  get running(): boolean {
    return this.#current !== undefined;
  }

  /** Run one experiment; rejects with LabAbortedError when stopped. */
  async run(
    experiment: LabExperimentName,
    settings: unknown,
    options: Omit<LabRunOptions, "signal"> = {},
  ): Promise<unknown> {
    const controller = new AbortController();
    this.#current = controller;
    try {
      return await this.#ensureClient().run(experiment, settings, {
        ...options,
        signal: controller.signal,
      });
    } finally {
      if (this.#current === controller) this.#current = undefined;
    }
  }

  /** Stop the current run (no-op when none is going). */
  stop(): void {
    const controller = this.#current;
    if (controller === undefined || controller.signal.aborted) return;
    controller.abort();
    setTimeout(() => {
      if (this.#current !== controller) return; // the worker answered in time
      this.#terminate(
        new LabAbortedError(
          `Lab experiment was stopped: the worker did not answer within ${this.#graceMs} ms and was terminated`,
        ),
      );
    }, this.#graceMs);
  }

  /** Terminate the worker; a pending run is rejected. */
  dispose(): void {
    this.#current?.abort();
    this.#terminate(new LabAbortedError("Lab experiment was stopped: the Lab tab was closed"));
  }

  #ensureClient(): LabWorkerClient {
    if (this.#client !== undefined) return this.#client;
    const worker = this.#create(this.#url);
    const client = new LabWorkerClient(worker);
    worker.addEventListener("error", (event: ErrorEvent) => {
      event.preventDefault();
      const why = event.message || "the script failed to load or threw at top level";
      this.#terminate(new Error(`Cannot run the lab worker from '${this.#url}': ${why}`));
    });
    this.#worker = worker;
    this.#client = client;
    return client;
  }

  #terminate(reason: Error): void {
    this.#client?.failAll(reason);
    this.#client?.dispose();
    this.#worker?.terminate();
    this.#client = undefined;
    this.#worker = undefined;
  }
}
