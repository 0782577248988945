/**
 * Counts live backend buffers ("slots") of jax-js, to test that training loops leak nothing.
 *
 * jax-js 0.1.25 has no public slot counter (later releases add `checkLeaks`), and the wasm
 * backend keeps its slot table in a private `Map`. The probe briefly wraps `Map.prototype.set`,
 * allocates one array, recognises the backend's table by its entries (`{ ref, size, ptr }` on
 * wasm, `{ ref, size, buffer }` on WebGPU), restores `set`, and from then on reads the table's
 * size. Diagnostic only: experiments never call it.
 *
 * @module
 */
import { numpy as np } from "@jax-js/jax";

/** Reads the number of live backend buffers of the default device. */
export type LiveSlotProbe = { count(): number };

function isSlotEntry(key: unknown, value: unknown): boolean {
  if (typeof key !== "number" || value === null || typeof value !== "object") return false;
  return "ref" in value && "size" in value && ("ptr" in value || "buffer" in value);
}

/**
 * Attach a probe to the default device's slot table.
 *
 * @example
 * ```ts
 * const probe = attachLiveSlotProbe();
 * const before = probe.count();
 * // ... 1,000 training steps ...
 * probe.count() === before; // no leak
 * ```
 */
export function attachLiveSlotProbe(): LiveSlotProbe {
  const original = Map.prototype.set;
  const seen: { table: Map<unknown, unknown> | null } = { table: null };
  Map.prototype.set = function <K, V>(this: Map<K, V>, key: K, value: V): Map<K, V> {
    if (seen.table === null && isSlotEntry(key, value)) seen.table = this as Map<unknown, unknown>;
    return original.call(this, key, value) as Map<K, V>;
  };
  try {
    np.array(new Float32Array([1, 2, 3, 4])).dispose(); // non-constant data is stored eagerly
  } finally {
    Map.prototype.set = original;
  }
  const found = seen.table;
  if (found === null) throw new Error("Cannot find the jax-js slot table of the default device");
  return { count: () => found.size };
}
