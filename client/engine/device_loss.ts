/**
 * Watches the WebGPU device onnxruntime runs on and turns its loss into one
 * {@link DeviceLostError}: requests made after the loss fail with it at once, and rows that were
 * waiting or running end with it, whatever onnxruntime throws (or does not throw) meanwhile.
 *
 * Rows are ended from the `lost` handler itself, so a forward pass that never returns on a lost
 * device cannot leave a request hanging. A row the runner fails first (onnxruntime's own error
 * usually arrives a little before `lost` resolves) waits up to `settleMs` for the loss before its
 * error is passed on, so it too reports the loss rather than an opaque runtime error.
 *
 * @module
 */
import { DeviceLostError, GenerationAbortedError } from "./errors.ts";
import type { RowEnd } from "./batch_runner.ts";

/** The part of a `GPUDevice` this module needs. */
export interface LosableDevice {
  readonly lost: Promise<{ readonly reason: string; readonly message: string }>;
}

/** A row the guard can end: its `end` is replaced so the loss wins over runtime errors. */
export interface GuardedRow {
  end(outcome: RowEnd): void;
  readonly result: Promise<unknown>;
}

/** Options of {@link DeviceLossGuard}. */
export interface DeviceLossGuardOptions {
  /** How long a row failed by the runtime waits for `lost` before keeping its own error. */
  readonly settleMs?: number;
}

/** The message of a loss, in the engine's error style. */
export function deviceLostMessage(info: { reason: string; message: string }): string {
  const why = info.message.trim() === "" ? "no message" : info.message;
  return `Cannot run as the WebGPU device was lost (${info.reason}): ${why}`;
}

/**
 * Tracks rows of one engine and fails them when the watched device is lost.
 *
 * @example
 * ```ts
 * const guard = new DeviceLossGuard();
 * guard.watch(await webGpuDevice());
 * guard.check(); // throws DeviceLostError once the device is lost
 * runner.submit(guard.track(row));
 * ```
 */
export class DeviceLossGuard {
  readonly #settleMs: number;
  readonly #rows = new Map<GuardedRow, (outcome: RowEnd) => void>();
  #lost: Promise<DeviceLostError> | undefined;
  #error: DeviceLostError | undefined;

  constructor(options: DeviceLossGuardOptions = {}) {
    this.#settleMs = options.settleMs ?? 250;
  }

  /** The loss, once it happened. */
  get error(): DeviceLostError | undefined {
    return this.#error;
  }

  /** Rows submitted and not ended yet. */
  get tracked(): number {
    return this.#rows.size;
  }

  /** Start watching `device` (once; later calls are ignored). */
  watch(device: LosableDevice): void {
    if (this.#lost !== undefined) return;
    this.#lost = device.lost.then((info) => {
      const error = new DeviceLostError(deviceLostMessage(info));
      this.#error = error;
      const ends = [...this.#rows.values()];
      this.#rows.clear();
      for (const end of ends) end({ error });
      return error;
    });
  }

  /** Throw the {@link DeviceLostError} when the device was lost. */
  check(): void {
    if (this.#error !== undefined) throw this.#error;
  }

  /** Track `row` until it ends; returns it with its `end` guarded (later ends are ignored). */
  track<R extends GuardedRow>(row: R): R {
    const original = row.end.bind(row);
    let ended = false;
    const finish = (outcome: RowEnd) => {
      if (ended) return;
      ended = true;
      this.#rows.delete(row);
      original(outcome);
    };
    this.#rows.set(row, finish);
    row.end = (outcome: RowEnd) => {
      const lost = this.#lost;
      if (outcome.error === undefined || outcome.error instanceof GenerationAbortedError) {
        return finish(outcome);
      }
      if (this.#error !== undefined) return finish({ error: this.#error });
      if (lost === undefined) return finish(outcome);
      // The runtime failed first: give the device's `lost` a moment to tell why.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), this.#settleMs);
      });
      Promise.race([lost, late]).then((error) => {
        clearTimeout(timer);
        finish(error !== undefined ? { error } : outcome);
      });
    };
    return row;
  }
}
