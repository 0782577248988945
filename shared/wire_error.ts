/**
 * Errors as they cross a worker boundary (the engine worker, the lab worker): serialized as
 * `{ name, message, cause? }` and rebuilt on the other side with their own class when the
 * receiver knows it, so an `instanceof` check on the page still holds.
 *
 * @module
 */
import { z } from "zod";

/** A serialized error. */
export const WireError = z.object({
  name: z.string(),
  message: z.string(),
  cause: z.object({ name: z.string(), message: z.string() }).optional(),
});
/** A serialized error. */
export type WireError = z.infer<typeof WireError>;

/** Error classes by name, for rebuilding errors on the receiving side. */
export type ErrorClasses = Readonly<Record<string, new (message: string) => Error>>;

/** The part of a Worker / MessagePort / worker global scope a transport uses. */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

/**
 * Serialize an error, keeping its name and its cause's name and message.
 *
 * @example
 * ```ts
 * toWireError(new RangeError("too big")); // { name: "RangeError", message: "too big" }
 * ```
 */
export function toWireError(err: unknown): WireError {
  const e = err instanceof Error ? err : new Error(String(err));
  const out: WireError = { name: e.name, message: e.message };
  if (e.cause instanceof Error) out.cause = { name: e.cause.name, message: e.cause.message };
  return out;
}

/**
 * Rebuild an error with its class from `classes` when known (else a plain Error with the name
 * kept); the cause comes back as a non-enumerable Error with its name.
 *
 * @example
 * ```ts
 * rebuildWireError({ name: "RangeError", message: "too big" }, { RangeError }) instanceof RangeError; // true
 * ```
 */
export function rebuildWireError(wire: WireError, classes: ErrorClasses): Error {
  const Ctor = classes[wire.name] ?? Error;
  const err = new Ctor(wire.message);
  if (wire.cause !== undefined) {
    const cause = Object.assign(new Error(wire.cause.message), { name: wire.cause.name });
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
