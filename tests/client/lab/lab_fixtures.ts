/**
 * Shared setup of the lab tests: jax-js on the wasm device. jax-js starts a pool of wasm worker
 * threads on first use and keeps it for the process, so lab tests turn off Deno's op and
 * resource sanitizers (as the onnxruntime tests do).
 */
import { initLabDevice } from "../../../client/lab/device.ts";

/** Options for every lab test. */
export const labTest = { sanitizeOps: false, sanitizeResources: false } as const;

/** Initialise jax-js on wasm (idempotent). */
export async function wasm(): Promise<void> {
  await initLabDevice("wasm");
}

/** Largest absolute difference between two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
