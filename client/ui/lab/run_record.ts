/**
 * One lab run as the Lab tab keeps it: what was asked (experiment, settings, device), what
 * happened (device used, status, progress, error) and what came out (every live series point
 * and the final JSON result). Stored in IndexedDB by ./run_store.ts and checked with zod when
 * read back. Pure: no DOM, no storage.
 *
 * @module
 */
import { z } from "zod";
import { LabDeviceName } from "../../lab/device.ts";
import { LabExperimentName } from "../../lab/experiments.ts";

/** Where a run stands. "interrupted": the page went away while it was running. */
export const RunStatus = z.enum(["running", "done", "stopped", "failed", "interrupted"]);
/** Where a run stands. */
export type RunStatus = z.infer<typeof RunStatus>;

/** Live series points by series name ("train", "chain 0", ...), in arrival order. */
export const SeriesPoints = z.record(z.string(), z.array(z.record(z.string(), z.number())));
/** Live series points by series name. */
export type SeriesPoints = z.infer<typeof SeriesPoints>;

/** A stored run. */
export const RunRecord = z.object({
  /** Auto-increment key; absent until stored. */
  id: z.number().int().positive().optional(),
  experiment: LabExperimentName,
  /** Settings as submitted (the form's input, before defaults). */
  settings: z.unknown(),
  requestedDevice: LabDeviceName,
  /** The jax-js device the worker used (null until it has chosen). */
  device: z.string().nullable(),
  /** Why the run fell back from WebGPU to wasm. */
  fallbackReason: z.string().optional(),
  status: RunStatus,
  /** ms since epoch. */
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  /** Last progress fraction in [0, 1] and message. */
  fraction: z.number(),
  message: z.string(),
  points: SeriesPoints,
  result: z.unknown().optional(),
  error: z.object({ name: z.string(), message: z.string() }).optional(),
});
/** A stored run. */
export type RunRecord = z.infer<typeof RunRecord>;

/** A fresh record for a run that is about to start. */
export function newRunRecord(
  experiment: LabExperimentName,
  settings: unknown,
  requestedDevice: LabDeviceName,
  now: number = Date.now(),
): RunRecord {
  return {
    experiment,
    settings,
    requestedDevice,
    device: null,
    status: "running",
    startedAt: now,
    finishedAt: null,
    fraction: 0,
    message: "starting",
    points: {},
  };
}

/** Append one live point to its series (mutates `points`). */
export function addPoint(
  points: SeriesPoints,
  series: string,
  point: Record<string, number>,
): void {
  (points[series] ??= []).push({ ...point });
}

/** Top-level scalar fields of a result (numbers, strings, booleans, null), for a summary line. */
export function resultScalars(result: unknown): [string, number | string | boolean | null][] {
  if (typeof result !== "object" || result === null || Array.isArray(result)) return [];
  return Object.entries(result).filter(([, v]) =>
    v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean"
  ) as [string, number | string | boolean | null][];
}

/** One line naming a run in the list of past runs. */
export function runLabel(record: RunRecord): string {
  const when = new Date(record.startedAt).toISOString().replace("T", " ").slice(0, 19);
  const device = record.device ?? record.requestedDevice;
  return `#${record.id ?? "?"} ${record.experiment} · ${record.status} · ${device} · ${when} UTC`;
}
