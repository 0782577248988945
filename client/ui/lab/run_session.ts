/**
 * One run from start to stored outcome, without the DOM: store the new record, run the
 * experiment through a runner, collect its live points into the record (saving them every few
 * seconds so a closed page keeps most of them), and store how it ended: done with its result,
 * stopped (LabAbortedError) or failed with the error's name and message.
 *
 * @module
 */
import type { LabExperimentName } from "../../lab/experiments.ts";
import type { LabRunOptions } from "../../lab/worker/lab_client.ts";
import type { DeviceChoice, WireProgress } from "../../lab/worker/protocol.ts";
import { addPoint, type RunRecord } from "./run_record.ts";
import type { LabRunStore } from "./run_store.ts";

/** What runs the experiment (a WorkerRunner in the page). */
export interface ExperimentRunner {
  run(
    experiment: LabExperimentName,
    settings: unknown,
    options: Omit<LabRunOptions, "signal">,
  ): Promise<unknown>;
}

/** Callbacks of a session, for the screen. */
export interface SessionEvents {
  /** The record is stored and has its id. */
  onStarted?(record: RunRecord & { id: number }): void;
  onDevice?(record: RunRecord): void;
  /** After the record took the report (and its point, when it had one). */
  onProgress?(record: RunRecord, progress: WireProgress): void;
}

/** Options of {@link runSession}. */
export interface SessionOptions {
  /** Save the points of a running experiment at most this often (ms; default 2000). */
  readonly saveEveryMs?: number;
  /** Clock in ms (default performance.now). */
  readonly now?: () => number;
}

/**
 * Run `record` (a fresh record from newRunRecord) and keep it in `store`; resolves to the final
 * record. Rejects only when the store fails.
 *
 * @example
 * ```ts
 * const done = await runSession(store, runner, newRunRecord("ntk", settings, "auto"));
 * done.status; // "done", "stopped" or "failed"
 * ```
 */
export async function runSession(
  store: Pick<LabRunStore, "add" | "update">,
  runner: ExperimentRunner,
  record: RunRecord,
  events: SessionEvents = {},
  options: SessionOptions = {},
): Promise<RunRecord> {
  const now = options.now ?? (() => performance.now());
  const saveEvery = options.saveEveryMs ?? 2000;
  const id = await store.add(record);
  const r: RunRecord & { id: number } = { ...record, id };
  events.onStarted?.(r);
  let saved = now();
  let saving: Promise<void> = Promise.resolve();
  const onDevice = (c: DeviceChoice) => {
    r.device = c.device;
    if (c.fallbackReason !== undefined) r.fallbackReason = c.fallbackReason;
    events.onDevice?.(r);
    const { device, fallbackReason } = r;
    saving = saving.then(() =>
      store.update(id, { device, ...(fallbackReason !== undefined ? { fallbackReason } : {}) })
    );
  };
  const onProgress = (p: WireProgress) => {
    if (p.series !== undefined && p.point !== undefined) addPoint(r.points, p.series, p.point);
    r.fraction = p.fraction;
    r.message = p.message;
    events.onProgress?.(r, p);
    if (now() - saved >= saveEvery) {
      saved = now();
      const snapshot = {
        points: structuredClone(r.points),
        fraction: r.fraction,
        message: r.message,
      };
      saving = saving.then(() => store.update(id, snapshot));
    }
  };
  try {
    r.result = await runner.run(r.experiment, r.settings, {
      device: r.requestedDevice,
      onDevice,
      onProgress,
    });
    r.status = "done";
    r.fraction = 1;
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    r.status = e.name === "LabAbortedError" ? "stopped" : "failed";
    r.error = { name: e.name, message: e.message };
  }
  r.finishedAt = Date.now();
  await saving;
  const { id: _id, ...changes } = r;
  await store.update(id, changes);
  return r;
}
