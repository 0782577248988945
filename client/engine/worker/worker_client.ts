/**
 * The page side of the transport: an {@link Engine} whose every call runs in a worker.
 * Responses are zod-checked; errors are rebuilt with their class and name.
 *
 * @module
 */
import { z } from "zod";
import {
  AdapterMetrics,
  type CallOptions,
  ChatCompletion,
  ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatCompletions,
  type Engine,
  EngineInfo,
  EngineStats,
  type GenerateRequest,
  GenerateResult,
} from "../api.ts";
import { asyncQueue } from "../async_queue.ts";
import type { EngineInitInput } from "../init.ts";
import type { LoadProgress } from "../loader/progress.ts";
import {
  fromWireError,
  FromWorker,
  type MessageEndpoint,
  type Method,
  type ToWorker,
} from "./protocol.ts";

interface Pending {
  onResult(payload: unknown): void;
  onChunk(payload: unknown): void;
  onEnd(): void;
  onProgress(payload: unknown): void;
  onError(err: Error): void;
}

/**
 * Connect to an engine worker and load a model in it.
 *
 * @example
 * ```ts
 * const worker = new Worker(new URL("./engine_worker.ts", import.meta.url), { type: "module" });
 * const engine = await connectWorkerEngine(worker, { model: { kind: "url", url } });
 * ```
 */
export async function connectWorkerEngine(
  endpoint: MessageEndpoint,
  init: EngineInitInput,
  onProgress?: (p: LoadProgress) => void,
): Promise<Engine> {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  endpoint.addEventListener("message", (event: MessageEvent) => {
    const parsed = FromWorker.safeParse(event.data);
    if (!parsed.success) return;
    const m = parsed.data;
    const p = pending.get(m.id);
    if (p === undefined) return;
    switch (m.kind) {
      case "result":
        pending.delete(m.id);
        p.onResult(m.payload);
        break;
      case "chunk":
        p.onChunk(m.payload);
        break;
      case "end":
        pending.delete(m.id);
        p.onEnd();
        break;
      case "progress":
        p.onProgress(m.payload);
        break;
      case "error":
        pending.delete(m.id);
        p.onError(fromWireError(m.error));
        break;
    }
  });
  const post = (m: ToWorker) => endpoint.postMessage(m);
  const bindAbort = (id: number, options?: CallOptions) => {
    options?.signal?.addEventListener("abort", () => post({ kind: "abort", id }), { once: true });
  };

  function call<T>(
    method: Method,
    payload: unknown,
    schema: z.ZodType<T>,
    options?: CallOptions,
    progress?: (p: LoadProgress) => void,
  ): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, {
        onResult: (payload) => {
          const r = schema.safeParse(payload);
          r.success ? resolve(r.data) : reject(
            new TypeError(
              `Malformed '${method}' response from the engine worker: ${r.error.message}`,
            ),
          );
        },
        onChunk: () => {},
        onEnd: () => resolve(undefined as T),
        onProgress: (p) => progress?.(p as LoadProgress),
        onError: reject,
      });
      bindAbort(id, options);
      post({ kind: "call", id, method, payload });
    });
  }

  function stream(payload: unknown, options?: CallOptions): AsyncIterable<ChatCompletionChunk> {
    const id = nextId++;
    const q = asyncQueue<ChatCompletionChunk>();
    pending.set(id, {
      onResult: () => q.end(),
      onChunk: (payload) => {
        const r = ChatCompletionChunk.safeParse(payload);
        r.success
          ? q.push(r.data)
          : q.fail(new TypeError(`Malformed chunk from the engine worker: ${r.error.message}`));
      },
      onEnd: () => q.end(),
      onProgress: () => {},
      onError: (e) => q.fail(e),
    });
    bindAbort(id, options);
    post({ kind: "call", id, method: "chat", payload });
    return q.iterable;
  }

  await call("load", init, EngineInfo, undefined, onProgress);

  const completions = {
    create(request: ChatCompletionRequest, options?: CallOptions) {
      if (request.stream === true) return Promise.resolve(stream(request, options));
      return call("chat", request, ChatCompletion, options);
    },
  } as ChatCompletions;

  return {
    chat: { completions },
    generate: (requests: readonly GenerateRequest[], options?: CallOptions) =>
      call("generate", requests, z.array(GenerateResult), options),
    info: () => call("info", null, EngineInfo),
    stats: () => call("stats", null, EngineStats),
    adapterMetrics: () => call("adapterMetrics", null, AdapterMetrics),
    dispose: () => call("dispose", null, z.null()).then(() => undefined),
  };
}
