/**
 * CoVe routing: with `sideEngines: { cove }`, every request the edge marks `role: "cove"` (the
 * baseline, the plan, the verification answers, the final response) runs on the CoVe engine,
 * none on the main engine; without one CoVe runs on the main engine. Two REAL fixture engines
 * (the target model as the chat model, the draft model as the CoVe model; random weights, the
 * plan text scripted by withPlan) and the REAL edge app.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Engine } from "../../../client/engine/api.ts";
import { runPipeline } from "../../../client/pipelines/run_pipeline.ts";
import { fixtureEngine, ortTest } from "../engine/engine_fixtures.ts";
import { appFetch, edgeApp, PLAN, recording, withPlan } from "./pipeline_fixture.ts";

const QUESTION = "Name the cities located in Dousistan.";
const COVE_ROW = /^\d+\.cove\.(baseline|plan|verify\d+|final)$/;
const ids = (batches: readonly { id: string }[][]) => batches.flat().map((q) => q.id);

Deno.test({
  name: "runPipeline() runs every CoVe row on the cove engine, none on the engine",
  ...ortTest,
  fn: async (t) => {
    const app = await edgeApp();
    const target = await fixtureEngine("target", "wasm");
    const draft = await fixtureEngine("draft", "wasm");
    const run = (cove: Engine | undefined) => {
      const main = recording(withPlan(target, PLAN));
      const side = recording(withPlan(draft, PLAN));
      const streamed: string[] = [];
      return runPipeline({
        edgeUrl: "http://edge.test",
        fetch: appFetch(app),
        engine: main.engine,
        ...(cove === undefined ? {} : { sideEngines: { cove: side.engine } }),
        pipeline: ["cove"],
        messages: [{ role: "user", content: QUESTION }],
        speculative: { gamma: 0 },
        // The model's plan (scripted by withPlan), so every CoVe step runs as a request.
        options: { max_tokens: 6, cove: { variant: "factored", plan: "model" } },
        onToken: (d) => streamed.push(d),
      }).then((r) => ({ ...r, main: main.calls, side: side.calls, streamed }));
    };
    try {
      const routed = await run(draft);
      const local = await run(undefined);

      await t.step("the baseline, plan, verifications and final ran on the cove engine", () => {
        const rows = ids(routed.side.generate).map((id) => id.replace(/^\d+\./, ""));
        assert.deepEqual(rows, [
          "cove.baseline",
          "cove.plan",
          "cove.verify0",
          "cove.verify1",
          "cove.final",
        ]);
        assert.ok(ids(routed.side.generate).every((id) => COVE_ROW.test(id)));
        assert.ok(routed.side.generate.flat().every((q) => q.speculative === undefined));
        assert.deepEqual(routed.main.generate, []);
        assert.deepEqual(routed.main.chat, []);
        // The final answer still reaches onToken (in one piece: raw prompts do not stream).
        assert.equal(routed.streamed.join(""), routed.output);
      });

      await t.step("without a cove engine every CoVe row runs on the engine", () => {
        assert.deepEqual(local.side.generate, []);
        const rows = ids(local.main.generate);
        assert.equal(rows.length, 5, rows.join(","));
        assert.ok(rows.every((id) => COVE_ROW.test(id)), rows.join(","));
      });

      await t.step(
        "the cove engine's draft differs from the target's: another model wrote it",
        () => {
          const draftOf = (trace: typeof routed.trace) =>
            JSON.stringify(trace.find((e) => e.stage === "cove" && e.event === "baseline")?.data);
          assert.notEqual(draftOf(routed.trace), draftOf(local.trace));
        },
      );
    } finally {
      await target.dispose();
      await draft.dispose();
    }
  },
});
