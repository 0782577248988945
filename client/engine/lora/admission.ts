/**
 * Adapter-aware admission: which waiting rows may join a running batch so that the batch never
 * needs more distinct adapters than there are slots. Strict FIFO at the first row that cannot
 * fit: nothing queued behind it overtakes it, so it is admitted as soon as running rows free an
 * adapter's slot (no starvation, and never a "no free slot" failure).
 *
 * @module
 */

/**
 * Pick the rows of `queue` (in order) to admit. `running` are the adapters of running rows
 * (undefined = base model, which needs no slot).
 *
 * @example
 * ```ts
 * admitByAdapters(["a", "b", "c", "a"], (x) => x, ["a"], 4, 2); // ["a", "b"]
 * ```
 */
export function admitByAdapters<T>(
  queue: readonly T[],
  adapterOf: (row: T) => string | undefined,
  running: Iterable<string | undefined>,
  room: number,
  capacity: number,
): T[] {
  const inUse = new Set<string>();
  for (const a of running) if (a !== undefined) inUse.add(a);
  const picked: T[] = [];
  for (const row of queue) {
    if (picked.length >= room) break;
    const adapter = adapterOf(row);
    if (adapter !== undefined && !inUse.has(adapter)) {
      if (inUse.size >= capacity) break;
      inUse.add(adapter);
    }
    picked.push(row);
  }
  return picked;
}
