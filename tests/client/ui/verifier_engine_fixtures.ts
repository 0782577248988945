/**
 * Engine doubles shared by the learned-verifier tests: an engine whose only live method is
 * info() (the pipeline driver is injected, so nothing generates).
 *
 * @module
 */
import type { Engine, EngineInfo } from "../../../client/engine/api.ts";

/** The info of a wasm engine serving `model`. */
export function engineInfo(model: string): EngineInfo {
  return { model, ep: "wasm", epReason: "test", contextLength: 512, vocabSize: 1024, maxBatch: 8 };
}

/** An engine double: only info() answers; every other call rejects. */
export function fakeEngine(model: string): Engine {
  const unused = () => Promise.reject(new Error("not used by these tests"));
  return {
    // The chat API's overloads are not needed here: the double never answers a chat.
    chat: { completions: { create: unused } as unknown as Engine["chat"]["completions"] },
    generate: unused,
    info: () => Promise.resolve(engineInfo(model)),
    stats: unused,
    adapterMetrics: unused,
    dispose: () => Promise.resolve(),
  };
}
