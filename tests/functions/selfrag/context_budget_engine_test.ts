/**
 * The report this fixes: Self-RAG over the seed corpus overflowed the fixture model's 512-token
 * window ("the prompt has 573 tokens"). With `context_tokens: 512` the same run goes through
 * the REAL engine on the fixture model (random weights: its output is invalid UTF-8 gibberish,
 * the worst case for re-tokenized critique prompts) and the real edge app, every stage of
 * Self-RAG included. (It lives with the edge tests because the fix is the edge's.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { runPipeline } from "../../../client/pipelines/run_pipeline.ts";
import { DEFAULT_LIMITS } from "../../../functions/config.ts";
import { seedStore } from "../../../functions/seed.ts";
import { fixtureEngine, ortTest } from "../../client/engine/engine_fixtures.ts";
import { appFetch } from "../../client/pipelines/pipeline_fixture.ts";
import { testApp, testSettings } from "../app_fixture.ts";

const SEED = new URL("../../../functions/seed_corpus.json", import.meta.url).pathname;

Deno.test({
  name:
    "selfrag over the seed corpus fits the fixture model's 512-token window with context_tokens",
  ...ortTest,
  fn: async () => {
    const limits = { ...DEFAULT_LIMITS, rateLimitPerSecond: 10_000, rateLimitBurst: 10_000 };
    const { app, store } = await testApp(testSettings({ limits }));
    await seedStore(store, SEED, 1_700_000_000_000);
    const engine = await fixtureEngine("target", "wasm");
    try {
      const run = await runPipeline({
        edgeUrl: "http://edge.test",
        fetch: appFetch(app),
        engine,
        pipeline: ["selfrag"],
        messages: [{ role: "user", content: "Who founded Port Arlen?" }],
        // Default k (5), beam and depth; 64 answer tokens keep the test short.
        options: { max_tokens: 64, context_tokens: 512, selfrag: { mode: "always" } },
      });
      const kinds = run.trace.map((e) => e.event);
      assert.equal(kinds[0], "retrieve");
      assert.ok(kinds.includes("critique") && kinds.at(-1) === "select", kinds.join(","));
      const passages = run.trace[0]?.data.passages as { trimmed?: { chars: number } }[];
      assert.equal(passages.length, 5);
      assert.ok(passages.some((p) => p.trimmed !== undefined), "seed passages were trimmed");
    } finally {
      await engine.dispose();
    }
  },
});
