/**
 * Messages between the page and the engine worker, `{ kind, id, ... }`, checked with zod on
 * both sides. Errors cross as `{ name, message, cause? }` and are rebuilt with their class.
 *
 * @module
 */
import { z } from "zod";
import { ENGINE_ERRORS } from "../errors.ts";
import { rebuildWireError, WireError } from "../../../shared/wire_error.ts";

export { type MessageEndpoint, toWireError, WireError } from "../../../shared/wire_error.ts";

/** Methods callable on the worker. */
export const Method = z.enum([
  "load",
  "chat",
  "generate",
  "info",
  "stats",
  "adapterMetrics",
  "dispose",
]);
/** Methods callable on the worker. */
export type Method = z.infer<typeof Method>;

/** Page -> worker. */
export const ToWorker = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("call"), id: z.number().int(), method: Method, payload: z.unknown() }),
  z.object({ kind: z.literal("abort"), id: z.number().int() }),
]);
/** Page -> worker. */
export type ToWorker = z.infer<typeof ToWorker>;

/** Worker -> page. */
export const FromWorker = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("result"), id: z.number().int(), payload: z.unknown() }),
  z.object({ kind: z.literal("chunk"), id: z.number().int(), payload: z.unknown() }),
  z.object({ kind: z.literal("end"), id: z.number().int() }),
  z.object({ kind: z.literal("progress"), id: z.number().int(), payload: z.unknown() }),
  z.object({ kind: z.literal("error"), id: z.number().int(), error: WireError }),
]);
/** Worker -> page. */
export type FromWorker = z.infer<typeof FromWorker>;

/** Rebuild an error with its original class when known (else a plain Error with the name kept). */
export function fromWireError(wire: WireError): Error {
  return rebuildWireError(wire, ENGINE_ERRORS);
}
