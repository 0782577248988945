/**
 * Reader routing: with `sideEngines: { reader }`, the requests the edge marks `role: "reader"`
 * (every Self-RAG request) run on it as their own batch, the rest on the main engine, results
 * in request order; without one everything runs on the main engine. Side batches run after the
 * main one in SIDE_ROLES order (verifier, reader, cove). Two REAL fixture engines (the
 * target model as the chat model, the draft model as the reader; random weights) and the REAL
 * edge app.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Engine } from "../../../client/engine/api.ts";
import { runAction } from "../../../client/pipelines/run_action.ts";
import { runPipeline } from "../../../client/pipelines/run_pipeline.ts";
import { type GenerateRequest, SIDE_ROLES } from "../../../shared/pipeline.ts";
import { fixtureEngine, ortTest } from "../engine/engine_fixtures.ts";
import { appFetch, edgeApp, PLAN, recording, withPlan } from "./pipeline_fixture.ts";

const QUESTION = "Where does Ada live?";
const SELFRAG_ROW = /^\d+\.selfrag\./;
const COVE_ROW = /^\d+\.cove\./;
const ids = (batches: readonly { id: string }[][]) => batches.flat().map((q) => q.id);

Deno.test({
  name: "runPipeline() runs Self-RAG's rows on the reader engine and CoVe's on the engine",
  ...ortTest,
  fn: async (t) => {
    const app = await edgeApp();
    const target = await fixtureEngine("target", "wasm");
    const draft = await fixtureEngine("draft", "wasm");
    const run = (reader: Engine | undefined) => {
      const main = recording(withPlan(target, PLAN));
      const side = recording(draft);
      return runPipeline({
        edgeUrl: "http://edge.test",
        fetch: appFetch(app),
        engine: main.engine,
        ...(reader === undefined ? {} : { sideEngines: { reader: side.engine } }),
        pipeline: ["selfrag", "cove"],
        messages: [{ role: "user", content: QUESTION }],
        speculative: { gamma: 0 },
        options: { max_tokens: 6, selfrag: { mode: "always", k: 2, max_depth: 1 } },
      }).then((r) => ({ ...r, main: main.calls, side: side.calls }));
    };
    try {
      const routed = await run(draft);
      const local = await run(undefined);

      await t.step("every Self-RAG row ran on the reader, in batches of their own", () => {
        const rows = ids(routed.side.generate).filter((id) => !id.startsWith("probe"));
        assert.ok(rows.length >= 6, rows.join(","));
        assert.ok(rows.every((id) => SELFRAG_ROW.test(id)), rows.join(","));
        assert.ok(rows.some((id) => /\.selfrag\.c\d+$/.test(id)), "candidates");
        assert.ok(rows.some((id) => /\.selfrag\.c\d+\.sup$/.test(id)), "critiques");
        assert.ok(routed.side.generate.flat().every((q) => q.speculative === undefined));
        assert.equal(routed.side.chat.length, 0);
      });

      await t.step("CoVe's rows ran on the engine, none of Self-RAG's did", () => {
        const rows = ids(routed.main.generate);
        assert.ok(rows.some((id) => COVE_ROW.test(id)), rows.join(","));
        assert.deepEqual(rows.filter((id) => SELFRAG_ROW.test(id)), []);
        const cove = routed.main.generate.flat().filter((q) => COVE_ROW.test(q.id));
        assert.ok(cove.every((q) => q.speculative?.gamma === 0));
      });

      await t.step("without a reader engine every row runs on the engine", () => {
        assert.equal(local.side.generate.length, 0);
        const rows = ids(local.main.generate);
        assert.ok(rows.filter((id) => SELFRAG_ROW.test(id)).length >= 6, rows.join(","));
      });

      await t.step("the reader's texts differ from the target's: another model generated", () => {
        const texts = (trace: typeof routed.trace) =>
          JSON.stringify(trace.filter((e) => e.stage === "selfrag" && e.event === "critique"));
        assert.notEqual(texts(routed.trace), texts(local.trace));
      });
    } finally {
      await target.dispose();
      await draft.dispose();
    }
  },
});

Deno.test({
  name:
    "runAction() answers mixed prover, verifier, reader and cove requests in request order, side batches in SIDE_ROLES order",
  ...ortTest,
  fn: async () => {
    const target = await fixtureEngine("target", "wasm");
    const draft = await fixtureEngine("draft", "wasm");
    try {
      // Which engine ran each generate call, in call order.
      const order: string[] = [];
      const logged = (name: string, engine: Engine) => {
        const r = recording(engine);
        const generate = r.engine.generate;
        r.engine = {
          ...r.engine,
          generate: (rows, options) => (order.push(name), generate(rows, options)),
        };
        return r;
      };
      const main = logged("main", target);
      const verifier = logged("verifier", draft);
      const reader = logged("reader", draft);
      const cove = logged("cove", draft);
      const req = (id: string, role: GenerateRequest["role"]): GenerateRequest => ({
        id,
        prompt: `Ada lives in Port Arlen. ${id}:`,
        max_tokens: 2,
        temperature: 0,
        stop: [],
        ...(role !== undefined ? { role } : {}),
      });
      const requests = [
        req("c0", "cove"),
        req("r0", "reader"),
        req("p0", "prover"),
        req("v0", "verifier"),
        req("r1", "reader"),
        req("n0", undefined),
        req("c1", "cove"),
      ];
      const all = { verifier: verifier.engine, reader: reader.engine, cove: cove.engine };
      const results = await runAction({ engine: main.engine, sideEngines: all }, requests);
      assert.deepEqual(results.map((r) => r.id), ["c0", "r0", "p0", "v0", "r1", "n0", "c1"]);
      assert.deepEqual(order, ["main", ...SIDE_ROLES]);
      assert.deepEqual(main.calls.generate.map((b) => b.map((q) => q.id)), [["p0", "n0"]]);
      assert.deepEqual(verifier.calls.generate.map((b) => b.map((q) => q.id)), [["v0"]]);
      assert.deepEqual(reader.calls.generate.map((b) => b.map((q) => q.id)), [["r0", "r1"]]);
      assert.deepEqual(cove.calls.generate.map((b) => b.map((q) => q.id)), [["c0", "c1"]]);
      // Each text is its own engine's greedy output.
      const [own] = await draft.generate([{
        id: "r1",
        prompt: "Ada lives in Port Arlen. r1:",
        max_tokens: 2,
        temperature: 0,
      }]);
      assert.equal(results[4]?.text, own?.text);

      // No reader or cove engine: their rows join the main batch; the verifier keeps its own.
      const ctx = { engine: main.engine, sideEngines: { verifier: verifier.engine } };
      const again = await runAction(ctx, requests);
      assert.deepEqual(again.map((r) => r.id), ["c0", "r0", "p0", "v0", "r1", "n0", "c1"]);
      assert.deepEqual(main.calls.generate.at(-1)?.map((q) => q.id), [
        "c0",
        "r0",
        "p0",
        "r1",
        "n0",
        "c1",
      ]);
      assert.equal(reader.calls.generate.length, 1);
      assert.equal(cove.calls.generate.length, 1);
      const [chat] = await target.generate([{
        id: "r0",
        prompt: "Ada lives in Port Arlen. r0:",
        max_tokens: 2,
        temperature: 0,
      }]);
      assert.equal(again[1]?.text, chat?.text);
      // Only prover requests: nothing reaches a side engine.
      await runAction({ engine: main.engine, sideEngines: all }, [req("p2", "prover")]);
      assert.equal(verifier.calls.generate.length, 2);
      assert.equal(reader.calls.generate.length, 1);
      assert.equal(cove.calls.generate.length, 1);
    } finally {
      await target.dispose();
      await draft.dispose();
    }
  },
});
