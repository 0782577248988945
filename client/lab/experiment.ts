/**
 * The contract every lab experiment follows, so the Lab tab and the CLI can drive any of them:
 * `run(settings, { signal, onProgress })` validates its settings with zod, reports progress and
 * series points as it goes, honours the AbortSignal between steps, and resolves to a
 * JSON-serialisable result.
 *
 * @module
 */
import { LabAbortedError } from "./errors.ts";

/** One progress report: how far along, and optionally one new point of a named series. */
export type LabProgress = {
  /** Fraction done in [0, 1]. */
  fraction: number;
  /** Short human-readable status ("step 1200 / 6000"). */
  message: string;
  /** Series the point belongs to ("train", "checkpoints", "chain 0"). */
  series?: string;
  /** One new data point, e.g. `{ step, train_loss, test_acc }`. */
  point?: Record<string, number>;
};

/** Options shared by every experiment run. */
export type RunOptions = {
  /** Stops the run between steps; the promise then rejects with LabAbortedError. */
  signal?: AbortSignal;
  /** Called with progress and live series points. */
  onProgress?: (progress: LabProgress) => void;
};

/** Throw LabAbortedError when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LabAbortedError();
}

/** Report progress if a callback was given. */
export function report(options: RunOptions, progress: LabProgress): void {
  options.onProgress?.(progress);
}

/** Yield to the event loop so a UI can paint and an abort can land. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
