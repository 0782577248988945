/**
 * Traces recorded from real runs for the trace view test (tests/e2e/trace_view_test.ts): the
 * edge app over in-memory SQLite and the fixture model on the Deno engine, with HTML planted
 * where model output and retrieved text flow (a document, the user's message, a CoVe plan).
 *
 * @module
 */
import { runPipeline, type RunPipelineOptions } from "../../../client/pipelines/run_pipeline.ts";
import type { TraceEvent } from "../../../shared/pipeline.ts";
import { fixtureEngine } from "../engine/engine_fixtures.ts";
import { appFetch, edgeApp, withPlan } from "./pipeline_fixture.ts";

/** An <img> whose onerror would set `globalThis.xss` to `tag` if it ever became markup. */
export const IMG = (tag: string) => `<img src=x onerror="globalThis.xss='${tag}'">`;
/** A document whose title and text carry HTML. */
export const EVIL = {
  id: "evil",
  title: `Ada ${IMG("title")}`,
  text: `Ada lives in <b>Port Arlen</b> ${IMG("text")} and sells saltglass.`,
};
/** A message whose opinion sentence (dropped by the S2A filter) carries HTML. */
export const FILTERED = `I think ${
  IMG("s2a")
} is lovely. Ada sells saltglass. Where does Ada live?`;
/** A CoVe plan whose first question carries HTML. */
export const EVIL_PLAN = `Ada lives in Port Arlen, where does ${IMG("plan")} live?\nA: x\n` +
  "Ada sells saltglass, what does Ada sell?\nA: Saltglass\n";

/** One recorded run. */
export interface Recorded {
  readonly name: string;
  readonly trace: TraceEvent[];
  readonly output: string;
}

/** Three real runs: S2A filter + Self-RAG; Self-RAG + CoVe factor+revise; S2A LLM rewrite. */
export async function recordTraces(): Promise<Recorded[]> {
  const app = await edgeApp([EVIL]);
  const real = await fixtureEngine("target", "wasm");
  const judge = { mode: "always", k: 3, max_depth: 1, reflection_tokens: false } as const;
  const base = (over: Partial<RunPipelineOptions>): RunPipelineOptions => ({
    edgeUrl: "http://edge.test",
    fetch: appFetch(app),
    engine: real,
    pipeline: [],
    messages: [{ role: "user", content: "Where does Ada live?" }],
    ...over,
  });
  try {
    const filtered = await runPipeline(base({
      s2aFilter: true,
      pipeline: ["selfrag"],
      messages: [{ role: "user", content: FILTERED }],
      options: { max_tokens: 12, selfrag: judge },
    }));
    const verified = await runPipeline(base({
      engine: withPlan(real, EVIL_PLAN),
      pipeline: ["selfrag", "cove"],
      options: { max_tokens: 10, selfrag: judge, cove: { variant: "factor_revise" } },
    }));
    const rewritten = await runPipeline(base({
      pipeline: ["s2a"],
      messages: [{ role: "user", content: "I love Bo. Ada sells saltglass. Where does Ada live?" }],
      options: { max_tokens: 24 },
    }));
    return [
      { name: "filter+selfrag", ...filtered },
      { name: "selfrag+cove", ...verified },
      { name: "s2a", ...rewritten },
    ];
  } finally {
    await real.dispose();
  }
}
