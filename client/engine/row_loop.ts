/**
 * The scheduling loop of a continuous-batching runner (batch_runner.ts, and the speculative
 * runner): rows wait in a queue; each round the loop yields to the event loop, ends aborted
 * rows, admits waiting rows while the batch has room, and runs one forward round. A failed
 * round ends the rows in it with the error and clears the batch; the loop goes on with the
 * queue. It stops when nothing runs or waits and starts again on the next submit.
 *
 * What a round does is the runner's: it passes its {@link RowRounds}.
 *
 * @module
 */
import { GenerationAbortedError } from "./errors.ts";
import { yieldToEventLoop } from "./yield.ts";

/** What the loop needs of a row's driver. */
export interface LoopDriver {
  /** Aborting ends the row with its reason at the next round. */
  readonly signal?: AbortSignal | undefined;
  /** Called exactly once when the row leaves (idempotent in the runners' drivers). */
  end(outcome: { readonly error?: Error }): void;
}

/** A runner's side of the loop. */
export interface RowRounds<D extends LoopDriver> {
  /** Rows in the batch now (read several times a round: no allocation). */
  active(): number;
  /** The drivers of the rows in the batch now, in batch order. */
  running(): readonly D[];
  /** Take these rows (already ended) out of the batch. */
  drop(ended: readonly D[]): Promise<void>;
  /** Admit rows from `queue` (removing them from it): called while the batch has room. */
  admit(queue: D[]): Promise<void>;
  /** One forward round over the batch (called when it holds rows). */
  round(): Promise<void>;
  /** Forget every row in the batch and release its caches (after a failed round, at the end). */
  clear(): void;
}

/**
 * The error a row aborted through `signal` ends with: the signal's reason when it is a
 * {@link GenerationAbortedError}, else one carrying the reason's message.
 */
export function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof GenerationAbortedError) return reason;
  return new GenerationAbortedError(
    reason instanceof Error ? reason.message : typeof reason === "string" ? reason : undefined,
  );
}

/**
 * A queue of rows and the loop that feeds them to a runner's rounds.
 *
 * @example
 * ```ts
 * const loop = new RowLoop(rounds, 16);
 * loop.submit(driver);
 * await loop.idle();
 * ```
 */
export class RowLoop<D extends LoopDriver> {
  /** Rows waiting for a place, in arrival order. */
  readonly queue: D[] = [];
  readonly #rounds: RowRounds<D>;
  readonly #maxBatch: number;
  #loop: Promise<void> = Promise.resolve();
  #running = false;

  constructor(rounds: RowRounds<D>, maxBatch: number) {
    this.#rounds = rounds;
    this.#maxBatch = maxBatch;
  }

  /** Enqueue a row; the loop starts when idle. */
  submit(driver: D): void {
    this.queue.push(driver);
    // #running flips to false in the same synchronous step as the loop's last queue check,
    // so a row submitted after that starts a new loop and is never stranded.
    if (!this.#running) {
      this.#running = true;
      this.#loop = this.#run();
    }
  }

  /** Resolves when every submitted row has ended. */
  async idle(): Promise<void> {
    while (this.#running) await this.#loop;
  }

  async #run(): Promise<void> {
    const rounds = this.#rounds;
    while (rounds.active() > 0 || this.queue.length > 0) {
      try {
        await yieldToEventLoop();
        await this.#dropAborted();
        if (this.queue.length > 0 && rounds.active() < this.#maxBatch) {
          await rounds.admit(this.queue);
        }
        if (rounds.active() > 0) await rounds.round();
      } catch (err) {
        // A failed round fails the rows in it; the runner stays usable for the rest.
        const error = err instanceof Error ? err : new Error(String(err));
        for (const driver of rounds.running()) driver.end({ error });
        rounds.clear();
      }
    }
    rounds.clear();
    this.#running = false;
  }

  async #dropAborted(): Promise<void> {
    const aborted = (d: D) => d.signal?.aborted === true;
    for (const d of this.queue.filter(aborted)) d.end({ error: abortError(d.signal) });
    this.queue.splice(0, this.queue.length, ...this.queue.filter((d) => !aborted(d)));
    const ended = this.#rounds.running().filter(aborted);
    for (const d of ended) d.end({ error: abortError(d.signal) });
    if (ended.length > 0) await this.#rounds.drop(ended);
  }
}
