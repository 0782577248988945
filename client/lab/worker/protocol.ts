/**
 * Messages between the Lab tab and the lab worker, `{ kind, id, ... }`, checked with zod on both
 * sides. Errors cross as `{ name, message, cause? }` and are rebuilt with their lab class, so a
 * stopped run still arrives as a `LabAbortedError` on the page.
 *
 * @module
 */
import { z } from "zod";
import { LabDeviceName } from "../device.ts";
import { LabAbortedError, LabDeviceError, LabNumericsError, LabSettingsError } from "../errors.ts";
import { LabExperimentName } from "../experiments.ts";
import {
  type ErrorClasses,
  type MessageEndpoint,
  rebuildWireError,
  WireError,
} from "../../../shared/wire_error.ts";

export { toWireError, WireError } from "../../../shared/wire_error.ts";

/** Page -> worker: run one experiment, or abort the run with this id. */
export const ToLabWorker = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("run"),
    id: z.number().int(),
    experiment: LabExperimentName,
    settings: z.unknown(),
    device: LabDeviceName,
  }),
  z.object({ kind: z.literal("abort"), id: z.number().int() }),
]);
/** Page -> worker. */
export type ToLabWorker = z.infer<typeof ToLabWorker>;

/** A progress report as it crosses the boundary (see LabProgress in ../experiment.ts). */
export const WireProgress = z.object({
  fraction: z.number(),
  message: z.string(),
  series: z.string().optional(),
  // NaN, which structured clone keeps, marks a missing value (e.g. no MALA acceptance).
  point: z.record(z.string(), z.number()).optional(),
});
/** A progress report as it crosses the boundary. */
export type WireProgress = z.infer<typeof WireProgress>;

/** Which device a run got, and why it is not the one asked for when it differs. */
export const DeviceChoice = z.object({
  requested: LabDeviceName,
  device: z.string(),
  /** Set when WebGPU was wanted (explicitly or by "auto") and the run fell back to wasm. */
  fallbackReason: z.string().optional(),
});
/** Which device a run got. */
export type DeviceChoice = z.infer<typeof DeviceChoice>;

/** Worker -> page. */
export const FromLabWorker = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("device"), id: z.number().int(), choice: DeviceChoice }),
  z.object({ kind: z.literal("progress"), id: z.number().int(), progress: WireProgress }),
  z.object({ kind: z.literal("result"), id: z.number().int(), result: z.unknown() }),
  z.object({ kind: z.literal("error"), id: z.number().int(), error: WireError }),
]);
/** Worker -> page. */
export type FromLabWorker = z.infer<typeof FromLabWorker>;

/** Lab error classes by name, for rebuilding errors on the page. */
export const LAB_ERRORS: ErrorClasses = {
  LabSettingsError,
  LabAbortedError,
  LabDeviceError,
  LabNumericsError,
  TypeError,
  RangeError,
};

/** Rebuild an error with its lab class when known (else a plain Error with the name kept). */
export function fromWireError(wire: WireError): Error {
  return rebuildWireError(wire, LAB_ERRORS);
}

/** The part of a Worker or worker global scope the lab transport uses. */
export type LabEndpoint = MessageEndpoint;
