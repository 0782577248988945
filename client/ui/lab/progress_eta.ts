/**
 * Time left in a run, from the fraction done and the time elapsed (a straight-line estimate;
 * runs that stop early, like grokking after the grok step, finish sooner). Pure.
 *
 * @module
 */

/** Estimated ms left, or null before there is anything to extrapolate from. */
export function etaMs(fraction: number, elapsedMs: number): number | null {
  if (!(fraction > 0) || !(elapsedMs > 0) || !Number.isFinite(fraction)) return null;
  if (fraction >= 1) return 0;
  return (elapsedMs * (1 - fraction)) / fraction;
}

/** A short duration: "45 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** The progress line: "42% · 1 min 05 s left" (or "42%" while the estimate is unknown). */
export function progressLine(fraction: number, elapsedMs: number): string {
  const pct = `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
  const eta = etaMs(fraction, elapsedMs);
  return eta === null ? pct : `${pct} · ${formatDuration(eta)} left`;
}
