/**
 * Running evaluation items concurrently: up to `concurrency` items in flight, so their engine
 * requests land in the same continuous batches (the engine admits rows from every pending
 * generate call up to its maxBatch). Progress lines carry counts, rate and ETA.
 *
 * @module
 */
import { formatDuration } from "../forge/train/progress.ts";

/** Items of one section in flight at once (each is one pipeline run). */
export const DEFAULT_CONCURRENCY = 16;

/** Settings of {@link runPool}. */
export interface PoolOptions {
  /** Label of the progress lines, e.g. "selfrag corpus_only". */
  readonly label: string;
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
  /** Seconds between progress lines (the last item always logs). */
  readonly logEverySeconds?: number;
  readonly signal?: AbortSignal;
}

/**
 * One progress line: "label 12/300 (4.0%) 1.9 items/s elapsed 6s ETA 2m32s".
 *
 * @example
 * ```ts
 * progressText("cove", 10, 40, 5); // "cove 10/40 (25.0%) 2.00 items/s elapsed 5s ETA 15s"
 * ```
 */
export function progressText(label: string, done: number, total: number, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.NaN;
  const pct = total > 0 ? (100 * done / total).toFixed(1) : "100.0";
  return `${label} ${done}/${total} (${pct}%) ${rate.toFixed(2)} items/s elapsed ${
    formatDuration(seconds)
  } ETA ${done === total ? "0s" : formatDuration(eta)}`;
}

/**
 * Map `fn` over `items` with at most `concurrency` calls pending; results in item order. The
 * first failure stops new items from starting and is rethrown once the running ones settle.
 *
 * @example
 * ```ts
 * const outs = await runPool([1, 2, 3], async (x) => x * 2, { label: "double" }); // [2, 4, 6]
 * ```
 */
export async function runPool<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  options: PoolOptions,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  const t0 = performance.now();
  const every = (options.logEverySeconds ?? 10) * 1000;
  let lastLog = t0;
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      if (options.signal?.aborted) {
        failure = { error: options.signal.reason ?? new Error("Cannot continue as aborted") };
        return;
      }
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
        return;
      }
      done++;
      const now = performance.now();
      if (done === items.length || now - lastLog >= every) {
        lastLog = now;
        options.log?.(progressText(options.label, done, items.length, (now - t0) / 1000));
      }
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, items.length));
  await Promise.all(Array.from({ length: width }, worker));
  if (failure !== undefined) throw failure.error;
  return out;
}
