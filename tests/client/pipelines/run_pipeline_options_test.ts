/**
 * Every option of runPipeline that is not a stage reaches the engine: `speculative` on every
 * row (an engine with the fixture draft then proposes draft tokens, or none with gamma 0),
 * `adapter` through the edge onto every request (`tokenize`: score_pieces_test.ts).
 *
 * @module
 */
import assert from "node:assert/strict";
import { createEngine } from "../../../client/engine/engine.ts";
import { configureOrt } from "../../../client/engine/ort.ts";
import { runPipeline, type RunPipelineOptions } from "../../../client/pipelines/run_pipeline.ts";
import { fixturePath, ortTest } from "../engine/engine_fixtures.ts";
import { appFetch, edgeApp, recording } from "./pipeline_fixture.ts";

Deno.test({
  name: "runPipeline passes speculative and adapter settings to every engine row",
  ...ortTest,
  fn: async (t) => {
    const app = await edgeApp();
    configureOrt({ numThreads: 1 });
    const real = await createEngine({
      model: { kind: "path", path: fixturePath("target") },
      draft: { kind: "path", path: fixturePath("draft") },
      ep: "wasm",
    });
    const proposed = async () => (await real.stats()).speculative?.proposed ?? 0;
    const base = (over: Partial<RunPipelineOptions>): RunPipelineOptions => ({
      edgeUrl: "http://edge.test",
      fetch: appFetch(app),
      engine: real,
      pipeline: ["cove"],
      messages: [{ role: "user", content: "Where does Ada live?" }],
      options: { max_tokens: 16 },
      ...over,
    });
    try {
      await t.step("gamma 2 speculates on every row; gamma 0 proposes nothing", async () => {
        const { engine, calls } = recording(real);
        const before = await proposed();
        await runPipeline(base({ engine, speculative: { gamma: 2 } }));
        const rows = calls.generate.flat();
        assert.ok(rows.length >= 2);
        for (const row of rows) assert.deepEqual(row.speculative, { gamma: 2 });
        const spent = await proposed() - before;
        assert.ok(spent > 0, `expected draft proposals, got ${spent}`);
        const mid = await proposed();
        await runPipeline(base({ speculative: { gamma: 0 } }));
        assert.equal(await proposed(), mid, "gamma 0 proposes no draft tokens");
      });

      await t.step("the streamed chat answer carries the speculative setting too", async () => {
        const { engine, calls } = recording(real);
        await runPipeline(base({
          engine,
          pipeline: ["s2a"],
          speculative: { gamma: 3 },
          onToken: () => {},
        }));
        assert.deepEqual(calls.chat[0]?.speculative, { gamma: 3 });
      });

      await t.step(
        "adapter goes to the edge as options.adapter and comes back on every row",
        async () => {
          const bodies: unknown[] = [];
          const inner = appFetch(app);
          const watching: typeof fetch = (input, init) => {
            if (typeof init?.body === "string") bodies.push(JSON.parse(init.body));
            return inner(input, init);
          };
          const { engine, calls } = recording(real);
          // The fixture has no LoRA slots, so the engine refuses the adapter; the rows show
          // that the driver asked for it.
          const err = await runPipeline(base({ engine, fetch: watching, adapter: "tiny-lora" }))
            .then(() => null, (e: unknown) => e);
          assert.equal(
            (bodies[0] as { options: { adapter?: string } }).options.adapter,
            "tiny-lora",
          );
          assert.equal(calls.generate[0]?.[0]?.adapter, "tiny-lora");
          assert.ok(err instanceof Error && /adapter/i.test(err.message), String(err));
        },
      );
    } finally {
      await real.dispose();
    }
  },
});
