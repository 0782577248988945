/**
 * Items whose run failed (an edge error, a prompt over the context window): one bad item must
 * not sink a whole section of a long run, and it must not vanish either. A failed item scores
 * as wrong (the user would get no answer), its message is logged once per label, and the
 * section adds an "errors" row whenever any failed. An abort still stops the run.
 *
 * @module
 */
import type { EvalContext, EvalRow } from "./context.ts";
import type { RowKey } from "./rows.ts";

/** Messages of the failed items of one method, in order of failure. */
export type Failures = string[];

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Run one item; on failure record it in `failures`, log the first one and return `fallback`.
 *
 * @example
 * ```ts
 * const failures: Failures = [];
 * const out = await guard(ctx, "selfrag", failures, () => runOne(item), "");
 * ```
 */
export async function guard<T>(
  ctx: EvalContext,
  label: string,
  failures: Failures,
  fn: () => Promise<T>,
  fallback: T,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (ctx.signal?.aborted === true) throw error;
    failures.push(message(error));
    if (failures.length === 1) ctx.log(`${label}: an item failed (counted wrong): ${failures[0]}`);
    return fallback;
  }
}

/**
 * An "errors" row (share of items that failed, in points) when any did, else nothing.
 *
 * @example
 * ```ts
 * errorRows({ section: "cove", set: "list", method: "cove_factored" }, 200, ["EdgeRequestError: ..."]);
 * ```
 */
export function errorRows(
  key: Omit<RowKey, "metric">,
  n: number,
  failures: readonly string[],
): EvalRow[] {
  if (failures.length === 0) return [];
  return [{
    ...key,
    metric: "errors",
    n,
    value: Math.round(10000 * failures.length / n) / 100,
    note: `${failures.length} items failed and count as wrong; first: ${failures[0]}`,
  }];
}
