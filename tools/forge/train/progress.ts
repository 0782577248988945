/**
 * A one-line training progress bar: step, bar, loss (running mean), learning rate,
 * throughput and ETA, redrawn in place with a carriage return.
 *
 * @module
 */

/** Format seconds as "1h02m", "3m07s" or "42s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  }
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** Inputs of one progress line. */
export interface ProgressLine {
  /** Steps done. */
  readonly step: number;
  /** Steps in the run. */
  readonly total: number;
  /** Loss to show. */
  readonly loss: number;
  /** Learning rate of the last step. */
  readonly lr: number;
  /** Seconds spent on the steps done in this process. */
  readonly elapsed: number;
  /** Steps done in this process (a resumed run starts counting at 0). */
  readonly stepsHere: number;
  /** Tokens per step (batch x seq). */
  readonly tokensPerStep: number;
}

/**
 * Render a progress line (no newline).
 *
 * @example
 * ```ts
 * progressLine({ step: 50, total: 100, loss: 2.5, lr: 1e-3, elapsed: 10, stepsHere: 50, tokensPerStep: 2048 });
 * // "step 50/100 [##########          ] loss 2.5000 lr 1.00e-3 10240 tok/s ETA 10s"
 * ```
 */
export function progressLine(p: ProgressLine, width = 20): string {
  const done = Math.round((width * p.step) / p.total);
  const perStep = p.stepsHere > 0 ? p.elapsed / p.stepsHere : Number.NaN;
  const tokPerS = p.stepsHere > 0 ? Math.round((p.tokensPerStep * p.stepsHere) / p.elapsed) : 0;
  return `step ${p.step}/${p.total} [${"#".repeat(done)}${" ".repeat(width - done)}] loss ${
    p.loss.toFixed(4)
  } lr ${p.lr.toExponential(2)} ${tokPerS} tok/s ETA ${
    formatDuration(perStep * (p.total - p.step))
  }`;
}

/** Writes progress lines to a stream (stderr by default), in place on a terminal. */
export class ProgressBar {
  readonly #write: (text: string) => void;
  readonly #inPlace: boolean;

  /** `write` receives raw text; `inPlace` redraws with "\r" instead of printing lines. */
  constructor(write: (text: string) => void, inPlace: boolean) {
    this.#write = write;
    this.#inPlace = inPlace;
  }

  /** Draw one update. */
  update(line: ProgressLine): void {
    const text = progressLine(line);
    this.#write(this.#inPlace ? `\r${text}\x1b[K` : `${text}\n`);
  }

  /** End the bar (newline after an in-place bar). */
  done(): void {
    if (this.#inPlace) this.#write("\n");
  }
}
