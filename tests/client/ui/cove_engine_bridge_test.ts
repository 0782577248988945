/**
 * The chat's pipeline bridge and the CoVe model: a CoVe run asks the page for its side model
 * "cove" and hands it to runPipeline as `sideEngines.cove`; runs without CoVe, or with an
 * adapter selected, never ask for it; a folder without a CoVe model leaves CoVe on the chat
 * model; a failed load is a GeneratorLoadError; the trace records (and the CoVe view shows)
 * which model generated. runPipeline is injected (no edge, no model).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Engine } from "../../../client/engine/api.ts";
import type { RunPipelineOptions } from "../../../client/pipelines/run_pipeline.ts";
import { PipelineAbortedError } from "../../../client/pipelines/errors.ts";
import {
  CHAT_MODEL_GENERATOR,
  GeneratorLoadError,
  markGenerator,
} from "../../../client/ui/chat/generator_engine.ts";
import { createPipelineBridge } from "../../../client/ui/chat/pipeline_bridge.ts";
import { coveSection } from "../../../client/ui/trace/cove_view.ts";
import { builder } from "../../../client/ui/trace/dom.ts";
import type { PipelineSettings } from "../../../client/ui/trace/pipeline_settings.ts";
import { KNOWN_EVENTS } from "../../../client/ui/trace/trace_data.ts";
import type { SideRole, TraceEvent } from "../../../shared/pipeline.ts";
import { asFake, fakeDocument } from "./fake_dom.ts";
import { fakeEngine, runBridge } from "./verifier_engine_fixtures.ts";

const BASELINE: TraceEvent = {
  stage: "cove",
  event: "baseline",
  data: { draft: "Port Arlen, Bly", source: "baseline prompt" },
};
const FINAL: TraceEvent = {
  stage: "cove",
  event: "final",
  data: { response: "Port Arlen", revised: true },
};
const GATE: TraceEvent = {
  stage: "selfrag",
  event: "gate",
  data: { p_retrieval: 0.8, delta: 0.2, retrieve: true },
};

/** The page's side models in a test: `models[role]` loads, a role without one has none. */
function harness(models: Partial<Record<SideRole, () => Promise<Engine | undefined>>> = {}) {
  const calls: RunPipelineOptions[] = [];
  const asked: SideRole[] = [];
  const bridge = createPipelineBridge("http://edge.test", () => false, () => undefined, {
    sideEngine: (role) => {
      asked.push(role);
      return models[role]?.() ?? Promise.resolve(undefined);
    },
    runPipeline: (o) => {
      calls.push(o);
      const selfrag = o.pipeline.includes("selfrag") ? [GATE] : [];
      const cove = o.pipeline.includes("cove") ? [BASELINE, FINAL] : [];
      return Promise.resolve({ output: "Port Arlen", trace: [...selfrag, ...cove] });
    },
  });
  return { bridge, calls, asked };
}

function run(
  h: ReturnType<typeof harness>,
  settings: Partial<PipelineSettings>,
  extra: { adapter?: string; signal?: AbortSignal } = {},
) {
  return runBridge(h.bridge, "Name the cities located in Dousistan.", settings, extra);
}

const generators = (trace: unknown) =>
  (trace as TraceEvent[]).filter((e) => e.event === "generator").map((e) => [
    e.stage,
    e.data.generated_by,
  ]);

Deno.test("CoVe loads the cove engine and passes it to runPipeline as sideEngines.cove", async () => {
  const cove = fakeEngine("http://page.test/models/world/cove");
  const h = harness({ cove: () => Promise.resolve(cove) });
  const out = await run(h, { cove: "factor_revise" });
  assert.deepEqual(h.asked, ["cove"]);
  assert.deepEqual(h.calls[0]?.sideEngines, { cove });
  assert.deepEqual(h.calls[0]?.pipeline, ["cove"]);
  // One generator event, right before CoVe's first; the others pass through as they came.
  assert.deepEqual(out.trace, [
    { stage: "cove", event: "generator", data: { generated_by: "world/cove" } },
    BASELINE,
    FINAL,
  ]);
});

Deno.test("Self-RAG then CoVe: each stage runs on its own side model, in one run", async () => {
  const reader = fakeEngine("http://page.test/models/world/reader");
  const cove = fakeEngine("http://page.test/models/world/cove");
  const h = harness({ reader: () => Promise.resolve(reader), cove: () => Promise.resolve(cove) });
  const out = await run(h, { selfrag: true, cove: "factored" });
  assert.deepEqual(h.asked, ["reader", "cove"]);
  assert.deepEqual(h.calls[0]?.sideEngines, { reader, cove });
  assert.deepEqual(generators(out.trace), [["selfrag", "world/reader"], ["cove", "world/cove"]]);
});

Deno.test("runs without CoVe never ask for the cove model nor mark a CoVe generator", async () => {
  const h = harness({
    cove: () => Promise.resolve(fakeEngine("http://page.test/models/world/cove")),
  });
  const out = await run(h, { selfrag: true });
  assert.deepEqual(h.asked, ["reader"]);
  assert.equal(h.calls[0]?.sideEngines, undefined);
  assert.deepEqual(generators(out.trace), [["selfrag", CHAT_MODEL_GENERATOR]]);
});

Deno.test("an adapter keeps CoVe on the chat model: the cove model is never asked for", async () => {
  const h = harness({
    cove: () => Promise.resolve(fakeEngine("http://page.test/models/world/cove")),
  });
  const out = await run(h, { cove: "factored" }, { adapter: "terse" });
  assert.deepEqual(h.asked, []);
  assert.equal(h.calls[0]?.sideEngines, undefined);
  assert.equal(h.calls[0]?.adapter, "terse");
  assert.deepEqual(generators(out.trace), [["cove", "the chat model"]]);
});

Deno.test("no CoVe model in the loaded model's folder: the chat model runs CoVe, and the trace says so", async () => {
  const h = harness();
  const out = await run(h, { cove: "two_step" });
  assert.deepEqual(h.asked, ["cove"]);
  assert.equal(h.calls[0]?.sideEngines, undefined);
  assert.equal("sideDecode" in out, false);
  assert.deepEqual(generators(out.trace), [["cove", "the chat model"]]);
});

Deno.test("a failed cove load rejects with GeneratorLoadError and runs nothing", async () => {
  const h = harness({
    cove: () => Promise.reject(new Error("Cannot fetch '/models/world/cove/onnx/model.onnx': 404")),
  });
  await assert.rejects(() => run(h, { cove: "factored" }), (err: unknown) => {
    assert.ok(err instanceof GeneratorLoadError);
    assert.equal(err.name, "GeneratorLoadError");
    assert.equal(
      err.message,
      "Cannot run CoVe on the cove model as it did not load: current value is " +
        "Error: Cannot fetch '/models/world/cove/onnx/model.onnx': 404",
    );
    assert.ok(err.cause instanceof Error);
    return true;
  });
  assert.equal(h.calls.length, 0);
});

Deno.test("stopping the answer while the cove model loads rejects with PipelineAbortedError", async () => {
  const h = harness({ cove: () => new Promise<Engine | undefined>(() => {}) }); // never loads
  const stop = new AbortController();
  const answer = run(h, { cove: "factored" }, { signal: stop.signal });
  stop.abort();
  await assert.rejects(answer, PipelineAbortedError);
  assert.equal(h.calls.length, 0);
});

Deno.test("the CoVe view names the model that generated; generator events are known events", () => {
  const { doc } = fakeDocument();
  const section = (trace: TraceEvent[]) => asFake(coveSection(builder(doc), trace) as HTMLElement);
  const marked = markGenerator([BASELINE, FINAL], "cove", "world/cove");
  assert.equal(
    section(marked).withAttr("class", "trace-generator")[0]?.textContent,
    "Generated by world/cove.",
  );
  assert.equal(
    section(markGenerator([BASELINE, FINAL], "cove", CHAT_MODEL_GENERATOR))
      .withAttr("class", "trace-generator")[0]?.textContent,
    "Generated by the chat model.",
  );
  assert.deepEqual(section([BASELINE, FINAL]).withAttr("class", "trace-generator"), []);
  // A trace without CoVe events gets no CoVe generator event.
  assert.deepEqual(markGenerator([GATE], "cove", "world/cove"), [GATE]);
  // The generator events are known events: the panel lists neither under "Other events".
  assert.ok(KNOWN_EVENTS.has("cove:generator") && KNOWN_EVENTS.has("selfrag:generator"));
});

Deno.test("the CoVe view says when the edge planned a list by rule and how many items it kept", () => {
  const { doc } = fakeDocument();
  const pair = { fact: "Bly is located in X", question: "In which country is Bly?" };
  const trace: TraceEvent[] = [
    BASELINE,
    { stage: "cove", event: "plan", data: { source: "rules", questions: [pair, pair] } },
    {
      stage: "cove",
      event: "final",
      data: {
        response: "Cities located in X: Arlen.",
        revised: true,
        source: "rules",
        draft_items: ["Arlen", "Bly"],
        final_items: ["Arlen"],
      },
    },
  ];
  const section = asFake(coveSection(builder(doc), trace) as HTMLElement);
  assert.equal(
    section.withAttr("class", "trace-verification")[0]?.childNodes[0]?.textContent,
    "Verification questions (2, one per listed item, by rule)",
  );
  assert.equal(
    section.withAttr("class", "trace-cove-final")[0]?.textContent,
    "The verified list keeps 1 of the 2 drafted items (those whose verification confirmed them).",
  );
  const model = asFake(coveSection(builder(doc), [BASELINE, FINAL]) as HTMLElement);
  assert.match(
    model.withAttr("class", "trace-cove-final")[0]?.textContent ?? "",
    /^The final|^Not/,
  );
});
