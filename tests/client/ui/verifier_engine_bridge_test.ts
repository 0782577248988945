/**
 * The chat's pipeline bridge and the learned verifier model: best-of-n with verifier "learned"
 * or "both" asks the loader for the verifier engine and hands it to runPipeline as
 * `sideEngines.verifier`; every other setting never asks for it; a failed load is reported as a
 * VerifierLoadError; the trace records (and the best-of-n view shows) which engine scored.
 * runPipeline is injected (no edge, no model), so these run without a browser.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Engine } from "../../../client/engine/api.ts";
import type { RunPipelineOptions } from "../../../client/pipelines/run_pipeline.ts";
import { PipelineAbortedError } from "../../../client/pipelines/errors.ts";
import { createPipelineBridge, markScorer } from "../../../client/ui/chat/pipeline_bridge.ts";
import { CHAT_MODEL_SCORER, VerifierLoadError } from "../../../client/ui/chat/verifier_engine.ts";
import { bestOfNSection } from "../../../client/ui/trace/best_of_n_view.ts";
import { builder } from "../../../client/ui/trace/dom.ts";
import {
  type BestOfNSettings,
  defaultPipelineSettings,
} from "../../../client/ui/trace/pipeline_settings.ts";
import type { SideRole, TraceEvent } from "../../../shared/pipeline.ts";
import { asFake, fakeDocument } from "./fake_dom.ts";
import { fakeEngine } from "./verifier_engine_fixtures.ts";

const CANDIDATES: TraceEvent = {
  stage: "best_of_n",
  event: "candidates",
  data: {
    n: 1,
    verifier: "learned",
    fallback: false,
    candidates: [{
      index: 0,
      text: "3 * 40 = 120. The answer is 120.",
      steps: [{ ok: true, expression: "3*40", claimed: "120", computed: "120" }],
      arithmetic_ok: true,
      final_answer: "120",
      verifier_score: 0.8124,
      score: 0.8124,
      kept: true,
      chosen: true,
    }],
  },
};
const SELECT: TraceEvent = {
  stage: "best_of_n",
  event: "select",
  data: { selection: "top", chosen: 0, answer: "120", votes: [] },
};

/** A bridge whose runPipeline records its options and answers with a best-of-n trace. */
function harness(verifierEngine?: () => Promise<Engine | undefined>) {
  const calls: RunPipelineOptions[] = [];
  let loads = 0;
  const bridge = createPipelineBridge("http://edge.test", () => false, () => undefined, {
    ...(verifierEngine !== undefined
      ? {
        sideEngine: (role: SideRole) => {
          assert.equal(role, "verifier", "best-of-n asks for the verifier only");
          loads++;
          return verifierEngine();
        },
      }
      : {}),
    runPipeline: (o) => {
      calls.push(o);
      return Promise.resolve({ output: "120", trace: [CANDIDATES, SELECT] });
    },
  });
  return { bridge, calls, loads: () => loads };
}

function run(
  h: ReturnType<typeof harness>,
  bestOfN: Partial<BestOfNSettings>,
  signal = new AbortController().signal,
) {
  return h.bridge.run({
    engine: fakeEngine("http://page.test/models/world/target_lora"),
    messages: [{ role: "user", content: "Ada buys 3 lamps at 40 coins each. How much?" }],
    settings: {
      ...defaultPipelineSettings,
      bestOfN: { ...defaultPipelineSettings.bestOfN, enabled: true, ...bestOfN },
    },
    options: { max_tokens: 32, temperature: 0 },
    signal,
    onToken: () => {},
  });
}

const candidatesData = (trace: unknown) =>
  ((trace as TraceEvent[]).find((e) => e.event === "candidates")?.data ?? {}) as Record<
    string,
    unknown
  >;

Deno.test("verifier 'learned' and 'both' load the verifier engine and pass it to runPipeline", async () => {
  for (const verifier of ["learned", "both"] as const) {
    const engine = fakeEngine("http://page.test/models/world/verifier");
    const h = harness(() => Promise.resolve(engine));
    const out = await run(h, { verifier });
    assert.equal(h.loads(), 1, verifier);
    assert.equal(h.calls.length, 1);
    assert.deepEqual(h.calls[0]?.sideEngines, { verifier: engine }, verifier);
    assert.deepEqual(h.calls[0]?.pipeline, ["best_of_n"]);
    assert.equal(candidatesData(out.trace).scored_by, "world/verifier");
    // Only the candidates event is marked; the select event is passed through as it came.
    assert.deepEqual((out.trace as TraceEvent[])[1], SELECT);
  }
});

Deno.test("verifier 'arithmetic', 'none' and best-of-n off never call the verifier loader", async () => {
  const engine = fakeEngine("http://page.test/models/world/verifier");
  for (const bestOfN of [{ verifier: "arithmetic" }, { verifier: "none" }, { enabled: false }]) {
    const h = harness(() => Promise.resolve(engine));
    const out = await run(h, bestOfN as Partial<BestOfNSettings>);
    assert.equal(h.loads(), 0, JSON.stringify(bestOfN));
    assert.equal(h.calls[0]?.sideEngines, undefined);
    assert.equal("scored_by" in candidatesData(out.trace), false);
  }
});

Deno.test("no verifier model for the loaded model: the chat model scores, and the trace says so", async () => {
  const h = harness(() => Promise.resolve(undefined));
  const out = await run(h, { verifier: "learned" });
  assert.equal(h.loads(), 1);
  assert.equal(h.calls[0]?.sideEngines, undefined);
  assert.equal(candidatesData(out.trace).scored_by, CHAT_MODEL_SCORER);

  const noLoader = harness();
  const plain = await run(noLoader, { verifier: "both" });
  assert.equal(candidatesData(plain.trace).scored_by, "the chat model");
});

Deno.test("a failed verifier load rejects with VerifierLoadError and runs nothing", async () => {
  const h = harness(() =>
    Promise.reject(new Error("Cannot fetch '/models/world/verifier/onnx/model.onnx': 404"))
  );
  await assert.rejects(() => run(h, { verifier: "learned" }), (err: unknown) => {
    assert.ok(err instanceof VerifierLoadError);
    assert.equal(err.name, "VerifierLoadError");
    assert.equal(
      err.message,
      "Cannot score best-of-n candidates with verifier 'learned' as the learned verifier model " +
        "did not load: current value is Error: Cannot fetch '/models/world/verifier/onnx/model.onnx': 404",
    );
    assert.ok(err.cause instanceof Error);
    return true;
  });
  assert.equal(h.calls.length, 0);
});

Deno.test("stopping the answer while the verifier loads rejects with PipelineAbortedError", async () => {
  const h = harness(() => new Promise<Engine | undefined>(() => {})); // never loads
  const stop = new AbortController();
  const answer = run(h, { verifier: "both" }, stop.signal);
  stop.abort();
  await assert.rejects(answer, PipelineAbortedError);
  assert.equal(h.calls.length, 0);
});

Deno.test("the best-of-n view names the engine that gave the learned scores", () => {
  const { doc } = fakeDocument();
  const marked = markScorer([CANDIDATES, SELECT], "world/verifier");
  const section = asFake(bestOfNSection(builder(doc), marked) as HTMLElement);
  const summary = section.withAttr("class", "trace-best-of-n-summary")[0]?.textContent;
  assert.equal(
    summary,
    "1 candidates, verifier learned (scored by world/verifier): 1 of 1 kept; the top-scored candidate.",
  );
  const learned = section.all("tbody")[0]?.all("td")[3];
  assert.equal(
    learned?.getAttribute("title"),
    "learned verifier score 0.812 (scored by world/verifier)",
  );

  const unmarked = asFake(bestOfNSection(builder(doc), [CANDIDATES, SELECT]) as HTMLElement);
  assert.equal(
    unmarked.withAttr("class", "trace-best-of-n-summary")[0]?.textContent,
    "1 candidates, verifier learned: 1 of 1 kept; the top-scored candidate.",
  );
});
