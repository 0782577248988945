/**
 * The chat's pipeline bridge and the Self-RAG reader model: a Self-RAG run asks the loader for
 * the reader engine and hands it to runPipeline as `sideEngines.reader`; runs without
 * Self-RAG, or with an adapter selected, never ask for it; a folder without a reader leaves
 * Self-RAG on the chat model; a failed load is a GeneratorLoadError; the trace records (and the
 * Self-RAG view shows) which model generated. runPipeline is injected (no edge, no model).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Engine, EngineStats } from "../../../client/engine/api.ts";
import type { RunPipelineOptions } from "../../../client/pipelines/run_pipeline.ts";
import { PipelineAbortedError } from "../../../client/pipelines/errors.ts";
import { createPipelineBridge } from "../../../client/ui/chat/pipeline_bridge.ts";
import {
  CHAT_MODEL_GENERATOR,
  GeneratorLoadError,
  markGenerator,
} from "../../../client/ui/chat/generator_engine.ts";
import { builder } from "../../../client/ui/trace/dom.ts";
import type { PipelineSettings } from "../../../client/ui/trace/pipeline_settings.ts";
import { selfragSection } from "../../../client/ui/trace/selfrag_view.ts";
import type { SideRole, TraceEvent } from "../../../shared/pipeline.ts";
import { asFake, fakeDocument } from "./fake_dom.ts";
import { fakeEngine, runBridge } from "./verifier_engine_fixtures.ts";

const GATE: TraceEvent = {
  stage: "selfrag",
  event: "gate",
  data: { p_retrieval: 0.8, delta: 0.2, retrieve: true },
};
const SELECT: TraceEvent = {
  stage: "selfrag",
  event: "select",
  data: { node: 1, score: 0.9, passages: ["ada#0"], output: "Port Arlen." },
};
const COVE: TraceEvent = { stage: "cove", event: "final", data: { output: "Port Arlen." } };

/**
 * A bridge whose runPipeline records its options and answers with a Self-RAG trace; its side
 * models are `readerEngine` for the reader and none for the other roles.
 */
function harness(readerEngine?: () => Promise<Engine | undefined>) {
  const calls: RunPipelineOptions[] = [];
  const asked: SideRole[] = [];
  let loads = 0;
  const bridge = createPipelineBridge("http://edge.test", () => false, () => undefined, {
    ...(readerEngine !== undefined
      ? {
        sideEngine: (role: SideRole) => {
          asked.push(role);
          if (role !== "reader") return Promise.resolve(undefined);
          loads++;
          return readerEngine();
        },
      }
      : {}),
    runPipeline: (o) => {
      calls.push(o);
      const trace = o.pipeline.includes("selfrag") ? [GATE, SELECT] : [];
      return Promise.resolve({ output: "Port Arlen.", trace: [...trace, COVE] });
    },
  });
  return { bridge, calls, asked, loads: () => loads };
}

function run(
  h: ReturnType<typeof harness>,
  settings: Partial<PipelineSettings>,
  extra: { adapter?: string; signal?: AbortSignal } = {},
) {
  return runBridge(h.bridge, "Where does Ada live?", settings, extra);
}

const selfragGeneratorOf = (trace: unknown) =>
  (trace as TraceEvent[]).filter((e) => e.stage === "selfrag" && e.event === "generator").map((
    e,
  ) => e.data.generated_by);

Deno.test("Self-RAG loads the reader engine once per run and passes it to runPipeline", async () => {
  const engine = fakeEngine("http://page.test/models/world/reader");
  const h = harness(() => Promise.resolve(engine));
  const out = await run(h, { selfrag: true, cove: "factored" });
  assert.equal(h.loads(), 1);
  assert.deepEqual(h.calls[0]?.sideEngines, { reader: engine });
  assert.deepEqual(h.calls[0]?.pipeline, ["selfrag", "cove"]);
  // CoVe asked for its own model too (none here: CoVe runs on the chat model).
  assert.deepEqual(h.asked, ["reader", "cove"]);
  // One generator event right before each stage's first; the others pass through as they came.
  assert.deepEqual(out.trace, [
    { stage: "selfrag", event: "generator", data: { generated_by: "world/reader" } },
    GATE,
    SELECT,
    { stage: "cove", event: "generator", data: { generated_by: "the chat model" } },
    COVE,
  ]);
});

Deno.test("the reader's decode work during the run is reported for the live stats", async () => {
  let decoded = 0;
  const stats = (): Promise<EngineStats> => {
    const tokens = decoded;
    decoded += 40; // the run (between the two reads) decodes 40 tokens in 80 ms
    return Promise.resolve({
      prefillTokens: 0,
      prefillMs: 0,
      decodeSteps: tokens,
      decodeTokens: tokens,
      decodeMs: tokens * 2,
      rowSteps: 0,
      rebuilds: 0,
      active: 0,
      waiting: 0,
      gpuTensorsLive: 0,
    });
  };
  const reader: Engine = { ...fakeEngine("http://page.test/models/world/reader"), stats };
  const out = await run(harness(() => Promise.resolve(reader)), { selfrag: true });
  assert.deepEqual(out.sideDecode, { tokens: 40, ms: 80 });
  // No side engine ran: nothing to report.
  const plain = await run(harness(() => Promise.resolve(undefined)), { selfrag: true });
  assert.equal("sideDecode" in plain, false);
});

Deno.test("runs without Self-RAG never ask for the reader nor mark a Self-RAG generator", async () => {
  const engine = fakeEngine("http://page.test/models/world/reader");
  const h = harness(() => Promise.resolve(engine));
  const out = await run(h, { cove: "factored" });
  assert.equal(h.loads(), 0);
  assert.deepEqual(h.asked, ["cove"]);
  assert.equal(h.calls[0]?.sideEngines, undefined);
  assert.deepEqual(selfragGeneratorOf(out.trace), []);
});

Deno.test("an adapter keeps Self-RAG on the chat model: the loader is never called", async () => {
  const h = harness(() => Promise.resolve(fakeEngine("http://page.test/models/world/reader")));
  const out = await run(h, { selfrag: true }, { adapter: "terse" });
  assert.equal(h.loads(), 0);
  assert.equal(h.calls[0]?.sideEngines, undefined);
  assert.equal(h.calls[0]?.adapter, "terse");
  assert.deepEqual(selfragGeneratorOf(out.trace), [CHAT_MODEL_GENERATOR]);
});

Deno.test("no reader in the loaded model's folder: the chat model generates, and the trace says so", async () => {
  const h = harness(() => Promise.resolve(undefined));
  const out = await run(h, { selfrag: true });
  assert.equal(h.loads(), 1);
  assert.equal(h.calls[0]?.sideEngines, undefined);
  assert.deepEqual(selfragGeneratorOf(out.trace), ["the chat model"]);

  const noLoader = await run(harness(), { selfrag: true });
  assert.deepEqual(selfragGeneratorOf(noLoader.trace), ["the chat model"]);
});

Deno.test("a failed reader load rejects with GeneratorLoadError and runs nothing", async () => {
  const h = harness(() =>
    Promise.reject(new Error("Cannot fetch '/models/world/reader/onnx/model.onnx': 404"))
  );
  await assert.rejects(() => run(h, { selfrag: true }), (err: unknown) => {
    assert.ok(err instanceof GeneratorLoadError);
    assert.equal(err.name, "GeneratorLoadError");
    assert.equal(
      err.message,
      "Cannot run Self-RAG on the reader model as it did not load: current value is " +
        "Error: Cannot fetch '/models/world/reader/onnx/model.onnx': 404",
    );
    assert.ok(err.cause instanceof Error);
    return true;
  });
  assert.equal(h.calls.length, 0);
});

Deno.test("stopping the answer while the reader loads rejects with PipelineAbortedError", async () => {
  const h = harness(() => new Promise<Engine | undefined>(() => {})); // never loads
  const stop = new AbortController();
  const answer = run(h, { selfrag: true }, { signal: stop.signal });
  stop.abort();
  await assert.rejects(answer, PipelineAbortedError);
  assert.equal(h.calls.length, 0);
});

Deno.test("the Self-RAG view names the model that generated", () => {
  const { doc } = fakeDocument();
  const section = (trace: TraceEvent[]) =>
    asFake(selfragSection(builder(doc), trace, new Map()) as HTMLElement);
  const marked = section(markGenerator([GATE, SELECT], "selfrag", "world/reader"));
  assert.equal(
    marked.withAttr("class", "trace-generator")[0]?.textContent,
    "Generated by world/reader.",
  );
  const chat = section(markGenerator([GATE, SELECT], "selfrag", CHAT_MODEL_GENERATOR));
  assert.equal(
    chat.withAttr("class", "trace-generator")[0]?.textContent,
    "Generated by the chat model.",
  );
  assert.deepEqual(section([GATE, SELECT]).withAttr("class", "trace-generator"), []);
  // A trace without Self-RAG events gets no generator event.
  assert.deepEqual(markGenerator([COVE], "selfrag", "world/reader"), [COVE]);
});
