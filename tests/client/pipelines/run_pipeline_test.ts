/**
 * runPipeline against the REAL edge app (functions/app.ts over in-memory SQLite, reached
 * through app.fetch, and once over a real Deno.serve on 127.0.0.1) with the real engine on the
 * fixture model (random weights, so answers are gibberish; the tests check the protocol, the
 * trace and the batching, not the wording).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Engine } from "../../../client/engine/api.ts";
import {
  type PipelineProgressEvent,
  runPipeline,
  type RunPipelineOptions,
} from "../../../client/pipelines/run_pipeline.ts";
import type { PipelineOptionsInput, TraceEvent } from "../../../shared/pipeline.ts";
import { COVE_VARIANTS, type CoveVariant } from "../../../client/ui/trace/pipeline_settings.ts";
import { fixtureEngine, ortTest } from "../engine/engine_fixtures.ts";
import { appFetch, edgeApp, PLAN, recording, withPlan } from "./pipeline_fixture.ts";

const QUESTION = "Where does Ada live?";
const ASK = [{ role: "user" as const, content: QUESTION }];
const kinds = (trace: readonly TraceEvent[]) => trace.map((e) => `${e.stage}:${e.event}`);
// Small budgets keep every prompt inside the fixture's 512-token context.
const SMALL = { max_tokens: 12 };
const SELFRAG_JUDGE: PipelineOptionsInput = {
  selfrag: { mode: "always", k: 2, max_depth: 1, reflection_tokens: false },
};

Deno.test({
  name: "runPipeline drives every stage of the real edge with the real engine",
  ...ortTest,
  fn: async (t) => {
    const app = await edgeApp();
    const real = await fixtureEngine("target", "wasm");
    const run = async (engine: Engine, extra: Partial<RunPipelineOptions>) => {
      const tokens: string[] = [];
      const events: PipelineProgressEvent[] = [];
      const result = await runPipeline({
        edgeUrl: "http://edge.test",
        fetch: appFetch(app),
        engine,
        pipeline: [],
        messages: ASK,
        options: SMALL,
        onToken: (d) => tokens.push(d),
        onEvent: (e) => events.push(e),
        ...extra,
      });
      return { ...result, tokens, events };
    };
    try {
      await t.step(
        "s2a llm rewrites the input, then streams the answer token by token",
        async () => {
          const { engine, calls } = recording(real);
          const r = await run(engine, { pipeline: ["s2a"] });
          assert.deepEqual(kinds(r.trace), ["s2a:rewrite", "s2a:answer"]);
          // The rewrite is one generate batch; the streamed answer goes through the chat API.
          assert.equal(calls.generate.length, 1);
          assert.equal(calls.chat.length, 1);
          assert.equal(calls.chat[0]?.stream, true);
          assert.ok(r.tokens.length > 1, `expected several deltas, got ${r.tokens.length}`);
          assert.equal(r.tokens.join("").trim(), r.output);
          const rewrite = r.trace[0]?.data as { original: string; rewritten: string };
          assert.equal(rewrite.original, QUESTION);
          assert.equal(calls.chat[0]?.messages.at(-1)?.content, rewrite.rewritten);
        },
      );

      await t.step(
        "the s2a filter drops the opinion at the edge and only the rewrite is answered",
        async () => {
          const { engine, calls } = recording(real);
          const text = "I think Ada lives in Bo's house. Ada sells saltglass. Where does Ada live?";
          const r = await run(engine, {
            s2aFilter: true,
            messages: [{ role: "user", content: text }],
          });
          assert.deepEqual(kinds(r.trace), ["s2a:filter", "s2a:answer"]);
          const data = r.trace[0]?.data as {
            dropped: { sentence: string; reason: string }[];
            rewritten: string;
          };
          assert.deepEqual(data.dropped.map((d) => d.reason), ["opinion"]);
          assert.match(data.dropped[0]?.sentence ?? "", /I think/);
          assert.equal(data.rewritten, "Ada sells saltglass.\n\nWhere does Ada live?");
          assert.equal(calls.chat[0]?.messages.at(-1)?.content, data.rewritten);
          assert.deepEqual(r.events[0], { kind: "filter", kept: 2, dropped: 1 });
          assert.equal(r.tokens.join("").trim(), r.output);
        },
      );

      await t.step(
        "self-rag with judge prompts retrieves, critiques and selects, one batch per action",
        async () => {
          // Warm the pieces of the score strings (cached per engine object), then count.
          const { engine, calls } = recording(real);
          await run(engine, { pipeline: ["selfrag"], options: { ...SMALL, ...SELFRAG_JUDGE } });
          const probes = calls.generate.splice(0).length;
          assert.ok(probes > 2, `expected probing batches, got ${probes}`);
          const r = await run(engine, {
            pipeline: ["selfrag"],
            options: { ...SMALL, ...SELFRAG_JUDGE },
          });
          assert.deepEqual(kinds(r.trace), [
            "selfrag:retrieve",
            "selfrag:critique",
            "selfrag:beam",
            "selfrag:select",
          ]);
          const retrieved =
            (r.trace[0]?.data as { passages: { doc_id: string; score: number }[] }).passages;
          assert.ok(retrieved.some((p) => p.doc_id === "ada"), JSON.stringify(retrieved));
          const actions = r.events.filter((e) => e.kind === "generate");
          assert.equal(actions.length, 2); // candidates, then critiques
          assert.equal(calls.generate.length, actions.length, "one generate call per action");
          for (const [i, a] of actions.entries()) {
            const rowIds = new Set(calls.generate[i]?.map((q) => q.id));
            for (const id of a.ids) assert.ok(rowIds.has(id), `${id} not in batch ${i}`);
          }
          // Candidates: one per passage (k = 2). Critiques: rel, sup and use for each.
          assert.equal(actions[0]?.ids.length, 2);
          assert.equal(actions[1]?.ids.length, 6);
          const rows =
            (r.trace[1]?.data as { candidates: { rel: number; sup: number; use: number }[] })
              .candidates;
          for (const row of rows) {
            for (const x of [row.rel, row.sup]) assert.ok(x >= 0 && x <= 1, JSON.stringify(row));
            assert.ok(row.use >= -1 && row.use <= 1, JSON.stringify(row));
          }
          // No request streamed (the answer is picked from the beam): onToken gets it once.
          assert.deepEqual(r.tokens, r.output === "" ? [] : [r.output]);
        },
      );

      await t.step(
        "self-rag with reflection tokens scores multi-token strings through the gate",
        async () => {
          const r = await run(real, {
            pipeline: ["selfrag"],
            options: { ...SMALL, selfrag: { mode: "adaptive", delta: 0, k: 1, max_depth: 1 } },
          });
          assert.equal(r.trace[0]?.event, "gate");
          const gate = r.trace[0]?.data as { p_retrieval: number; retrieve: boolean };
          assert.ok(gate.p_retrieval > 0 && gate.p_retrieval <= 1, JSON.stringify(gate));
          assert.equal(gate.retrieve, true); // delta 0: any positive probability retrieves
          assert.ok(kinds(r.trace).includes("selfrag:select"), kinds(r.trace).join());
        },
      );

      const expected: Record<CoveVariant, string[]> = {
        joint: ["cove:baseline", "cove:plan", "cove:verify", "cove:final"],
        two_step: ["cove:baseline", "cove:plan", "cove:verify", "cove:final"],
        factored: ["cove:baseline", "cove:plan", "cove:verify", "cove:final"],
        factor_revise: [
          "cove:baseline",
          "cove:plan",
          "cove:verify",
          "cove:cross_check",
          "cove:final",
        ],
      };
      const verifyRows: Record<CoveVariant, number> = {
        joint: 0,
        two_step: 1,
        factored: 2,
        factor_revise: 2,
      };
      for (const variant of COVE_VARIANTS) {
        await t.step(
          `cove ${variant} verifies the planned questions and streams the final response`,
          async () => {
            const { engine, calls } = recording(withPlan(real, PLAN));
            const r = await run(engine, {
              pipeline: ["cove"],
              options: { ...SMALL, cove: { variant } },
            });
            assert.deepEqual(kinds(r.trace), expected[variant]);
            const batches = calls.generate.map((b) => b.map((q) => q.id.replace(/^\d+\./, "")));
            const verify = batches.find((b) => b.some((id) => id.startsWith("cove.verify"))) ?? [];
            assert.equal(verify.length, verifyRows[variant], JSON.stringify(batches));
            if (variant === "factor_revise") {
              assert.deepEqual(batches.find((b) => b[0]?.startsWith("cove.check")), [
                "cove.check0",
                "cove.check1",
              ]);
            }
            const pairs = (r.trace.find((e) =>
              e.event === "verify"
            )?.data as { pairs: { question: string }[] }).pairs;
            assert.deepEqual(pairs.map((p) => p.question), [
              "Where does Ada live?",
              "What does Ada sell?",
            ]);
            assert.equal((r.trace.at(-1)?.data as { revised: boolean }).revised, true);
            // The final request streams; engine.generate hands its text over in one piece.
            assert.equal(r.tokens.join("").trim(), r.output);
          },
        );
      }

      await t.step("cove on the raw model with no parsable plan ends unrevised", async () => {
        const r = await run(real, {
          pipeline: ["cove"],
          options: { ...SMALL, cove: { variant: "factored" } },
        });
        assert.deepEqual(kinds(r.trace).slice(0, 2), ["cove:baseline", "cove:plan"]);
        assert.equal(r.trace.at(-1)?.event, "final");
      });

      await t.step("no stages: a direct streamed answer with an empty trace", async () => {
        const { engine, calls } = recording(real);
        const r = await run(engine, {});
        assert.deepEqual(r.trace, []);
        assert.equal(calls.generate.length, 0);
        assert.equal(calls.chat.length, 1);
        assert.equal(r.tokens.join("").trim(), r.output);
      });

      await t.step(
        "all three stages run in order over a real HTTP server on 127.0.0.1",
        async () => {
          const server = Deno.serve(
            { hostname: "127.0.0.1", port: 0, onListen: () => {} },
            app.fetch,
          );
          try {
            const r = await run(withPlan(real, PLAN), {
              edgeUrl: `http://127.0.0.1:${server.addr.port}/`,
              fetch: globalThis.fetch,
              pipeline: ["s2a", "selfrag", "cove"],
              options: { ...SMALL, ...SELFRAG_JUDGE, cove: { variant: "factored" } },
            });
            const stages = r.trace.map((e) => e.stage);
            assert.deepEqual([...new Set(stages)], ["s2a", "selfrag", "cove"]);
            assert.equal(
              r.trace.find((e) => e.event === "baseline")?.data.source,
              "previous stage",
            );
          } finally {
            await server.shutdown();
          }
        },
      );
    } finally {
      await real.dispose();
    }
  },
});
