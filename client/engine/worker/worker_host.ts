/**
 * The worker side of the transport: owns one Engine, answers calls, streams chunks and
 * progress, and sends errors with their names.
 *
 * @module
 */
import { ChatCompletionRequest, type Engine, GenerateRequest } from "../api.ts";
import { EngineStateError, InvalidRequestError } from "../errors.ts";
import { EngineInit } from "../init.ts";
import type { LoadProgress } from "../loader/progress.ts";
import { type FromWorker, type MessageEndpoint, toWireError, ToWorker } from "./protocol.ts";
import { z } from "zod";

/** Creates the engine inside the worker. */
export type EngineFactory = (
  init: EngineInit,
  onProgress: (p: LoadProgress) => void,
) => Promise<Engine>;

function parse<T>(schema: z.ZodType<T>, payload: unknown, what: string): T {
  const r = schema.safeParse(payload);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new InvalidRequestError(
      `Invalid ${what}: '${i?.path.join(".") ?? ""}' ${i?.message ?? ""}`,
      { cause: r.error },
    );
  }
  return r.data;
}

/**
 * Serve an engine over a message endpoint (the worker global scope).
 *
 * @example
 * ```ts
 * serveEngine(self, (init, onProgress) => createEngine(init, { onProgress }));
 * ```
 */
export function serveEngine(scope: MessageEndpoint, factory: EngineFactory): void {
  let engine: Engine | undefined;
  const aborts = new Map<number, AbortController>();
  const send = (m: FromWorker) => scope.postMessage(m);
  const need = (): Engine => {
    if (engine === undefined) {
      throw new EngineStateError("Cannot run as no model is loaded: call load first");
    }
    return engine;
  };
  scope.addEventListener("message", async (event: MessageEvent) => {
    const parsed = ToWorker.safeParse(event.data);
    if (!parsed.success) return; // not ours
    const msg = parsed.data;
    if (msg.kind === "abort") {
      aborts.get(msg.id)?.abort();
      return;
    }
    const { id } = msg;
    const ctrl = new AbortController();
    aborts.set(id, ctrl);
    try {
      switch (msg.method) {
        case "load": {
          const init = parse(EngineInit, msg.payload, "engine init");
          if (engine !== undefined) await engine.dispose();
          engine = undefined;
          engine = await factory(init, (p) => send({ kind: "progress", id, payload: p }));
          send({ kind: "result", id, payload: await engine.info() });
          break;
        }
        case "chat": {
          const req = parse(ChatCompletionRequest, msg.payload, "chat completion request");
          if (req.stream === true) {
            const stream = await need().chat.completions.create({ ...req, stream: true }, {
              signal: ctrl.signal,
            });
            for await (const chunk of stream) send({ kind: "chunk", id, payload: chunk });
            send({ kind: "end", id });
          } else {
            send({
              kind: "result",
              id,
              payload: await need().chat.completions.create({ ...req, stream: false }, {
                signal: ctrl.signal,
              }),
            });
          }
          break;
        }
        case "generate": {
          const reqs = parse(z.array(GenerateRequest), msg.payload, "generate requests");
          send({
            kind: "result",
            id,
            payload: await need().generate(reqs, { signal: ctrl.signal }),
          });
          break;
        }
        case "info":
          send({ kind: "result", id, payload: await need().info() });
          break;
        case "stats":
          send({ kind: "result", id, payload: await need().stats() });
          break;
        case "adapterMetrics":
          send({ kind: "result", id, payload: await need().adapterMetrics() });
          break;
        case "dispose":
          await engine?.dispose();
          engine = undefined;
          send({ kind: "result", id, payload: null });
          break;
      }
    } catch (err) {
      send({ kind: "error", id, error: toWireError(err) });
    } finally {
      aborts.delete(id);
    }
  });
}
