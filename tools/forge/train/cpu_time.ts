/**
 * Process CPU time, for step timings that do not count other processes' load.
 *
 * @module
 */

/**
 * CPU seconds this process has used (Linux /proc; NaN elsewhere).
 *
 * @example
 * ```ts
 * const c0 = processCpuSeconds();
 * ```
 */
export function processCpuSeconds(): number {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in 100 Hz ticks
  } catch {
    return Number.NaN;
  }
}
