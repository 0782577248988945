/**
 * Messages between the page and the engine worker, `{ kind, id, ... }`, checked with zod on
 * both sides. Errors cross as `{ name, message, cause? }` and are rebuilt with their class.
 *
 * @module
 */
import { z } from "zod";
import { ENGINE_ERRORS } from "../errors.ts";

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

/** A serialized error. */
export const WireError = z.object({
  name: z.string(),
  message: z.string(),
  cause: z.object({ name: z.string(), message: z.string() }).optional(),
});
/** A serialized error. */
export type WireError = z.infer<typeof WireError>;

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

/** Serialize an error, keeping its name and its cause's name and message. */
export function toWireError(err: unknown): WireError {
  const e = err instanceof Error ? err : new Error(String(err));
  const out: WireError = { name: e.name, message: e.message };
  if (e.cause instanceof Error) out.cause = { name: e.cause.name, message: e.cause.message };
  return out;
}

/** Rebuild an error with its original class when known (else a plain Error with the name kept). */
export function fromWireError(wire: WireError): Error {
  const Ctor = ENGINE_ERRORS[wire.name] ?? Error;
  const cause = wire.cause === undefined
    ? undefined
    : Object.assign(new Error(wire.cause.message), { name: wire.cause.name });
  const err = new Ctor(wire.message);
  if (cause !== undefined) {
    Object.defineProperty(err, "cause", {
      value: cause,
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
  if (err.name !== wire.name) err.name = wire.name;
  return err;
}

/** The part of a Worker / MessagePort / worker global scope used by the transport. */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}
