/**
 * A single-consumer async queue: producers push values, end or fail it; the consumer reads
 * it as an AsyncIterable.
 *
 * @module
 */

/** Push side plus the iterable. */
export interface AsyncQueue<T> {
  push(value: T): void;
  end(): void;
  fail(error: Error): void;
  readonly iterable: AsyncIterable<T>;
}

/**
 * Create a queue.
 *
 * @example
 * ```ts
 * const q = asyncQueue<number>();
 * q.push(1); q.end();
 * for await (const v of q.iterable) console.log(v);
 * ```
 */
export function asyncQueue<T>(): AsyncQueue<T> {
  const items: T[] = [];
  let done = false;
  let error: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(value) {
      items.push(value);
      notify();
    },
    end() {
      done = true;
      notify();
    },
    fail(e) {
      error ??= e;
      notify();
    },
    iterable: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (items.length > 0) {
            yield items.shift() as T;
            continue;
          }
          if (error !== undefined) throw error;
          if (done) return;
          await new Promise<void>((r) => (wake = r));
        }
      },
    },
  };
}
