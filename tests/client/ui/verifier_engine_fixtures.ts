/**
 * Doubles shared by the side-model tests (learned verifier, Self-RAG reader, CoVe model): an
 * engine whose only live method is info() (the pipeline driver is injected, so nothing
 * generates), side sessions that record their loads, and the manifest the server merges from a
 * world build.
 *
 * @module
 */
import type { Engine, EngineInfo } from "../../../client/engine/api.ts";
import type { LoadProgress } from "../../../client/engine/loader/progress.ts";
import type { PipelineBridge } from "../../../client/ui/chat/answer.ts";
import type { SideSession } from "../../../client/ui/chat/side_engine.ts";
import {
  defaultPipelineSettings,
  type PipelineSettings,
} from "../../../client/ui/trace/pipeline_settings.ts";
import type { LoadedEngine, LoadRequest } from "../../../client/ui/shell/engine_session.ts";
import { mergeModelManifests } from "../../../functions/models_manifest.ts";

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

/** One load progress event of a side model's weights file. */
export function loadProgress(loaded: number, total: number | null, cached = false): LoadProgress {
  return { file: "onnx/model.onnx", loaded, total, cached, overall: { loaded, total } };
}

/** A chat model's load request at `modelUrl`. */
export function chatAt(modelUrl: string, cache = false): LoadRequest {
  return { modelUrl, ep: "wasm", cache };
}

/**
 * Side-session doubles that record what they load and whether they were stopped: each load
 * reports 25% then 100% of 5.2 MB and resolves with an engine double, or rejects with `fail`.
 */
export function sideSessions(fail = false) {
  const made: { request?: LoadRequest; terminated: boolean }[] = [];
  const make = (): SideSession => {
    const record: { request?: LoadRequest; terminated: boolean } = { terminated: false };
    made.push(record);
    return {
      load(request, onProgress): Promise<LoadedEngine> {
        record.request = request;
        if (fail) return Promise.reject(new Error("Cannot load: 404"));
        onProgress(loadProgress(1_300_000, 5_200_000));
        onProgress(loadProgress(5_200_000, 5_200_000));
        const engine = fakeEngine(request.modelUrl);
        return Promise.resolve({ engine, info: engineInfo(request.modelUrl), request });
      },
      terminate() {
        record.terminated = true;
      },
    };
  };
  return { made, make };
}

/** A world build's manifest (with its side models) merged by the server beside the fixtures. */
export function mergedWorldManifest(): ReturnType<typeof mergeModelManifests> {
  const world = {
    generator: "verity-forge-world",
    entries: [
      { name: "target", kind: "model", path: "target" },
      { name: "draft", kind: "model", path: "draft" },
      { name: "target_lora", kind: "model", path: "target_lora" },
      { name: "verifier", kind: "model", path: "verifier" },
      { name: "reader", kind: "model", path: "reader" },
      { name: "cove", kind: "model", path: "cove" },
      { name: "adapter-terse", kind: "lora", path: "adapters/terse" },
    ],
  };
  const fixtures = { models: [{ name: "target", path: "target" }] };
  return mergeModelManifests([["world", [world]], ["fixtures", [fixtures]]]);
}

/**
 * Run `bridge` on one user question with the page's default pipeline settings overridden by
 * `settings`, on a world target_lora chat engine (32 tokens, greedy).
 */
export function runBridge(
  bridge: PipelineBridge,
  question: string,
  settings: Partial<PipelineSettings>,
  extra: { adapter?: string; signal?: AbortSignal } = {},
) {
  return bridge.run({
    engine: fakeEngine("http://page.test/models/world/target_lora"),
    messages: [{ role: "user", content: question }],
    settings: { ...defaultPipelineSettings, ...settings },
    options: { max_tokens: 32, temperature: 0 },
    ...(extra.adapter !== undefined ? { adapter: extra.adapter } : {}),
    signal: extra.signal ?? new AbortController().signal,
    onToken: () => {},
  });
}
