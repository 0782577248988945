/**
 * Verifier routing: with `sideEngines: { verifier }`, the requests the edge marks
 * `role: "verifier"` run on it as their own batch, the rest on the main engine. Two REAL
 * fixture engines (the target model as prover, the draft model as verifier; random weights)
 * and the REAL edge app.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Engine } from "../../../client/engine/api.ts";
import { runAction } from "../../../client/pipelines/run_action.ts";
import { runPipeline } from "../../../client/pipelines/run_pipeline.ts";
import type { TraceEvent } from "../../../shared/pipeline.ts";
import { fixtureEngine, ortTest } from "../engine/engine_fixtures.ts";
import { appFetch, edgeApp, recording } from "./pipeline_fixture.ts";

const QUESTION = "Ada buys 3 lamps at 40 coins each. How many coins does she pay?";
const SEED = 1234;
type Candidate = { id: string; seed: number; text: string; verifier_score: number | null };
const candidatesOf = (trace: readonly TraceEvent[]) =>
  (trace.find((e) => e.event === "candidates")?.data as { candidates: Candidate[] }).candidates;
const ids = (batches: readonly { id: string }[][]) => batches.flat().map((q) => q.id);
const VERIFIER_ROW = /\.best_of_n\.v\d+$/;
const CANDIDATE_ROW = /\.best_of_n\.c\d+$/;

Deno.test({
  name:
    "runPipeline() runs best-of-n's verifier rows on the verifier engine, candidates on the engine",
  ...ortTest,
  fn: async (t) => {
    const app = await edgeApp();
    const target = await fixtureEngine("target", "wasm");
    const draft = await fixtureEngine("draft", "wasm");
    const run = (verifier: Engine | undefined) => {
      const main = recording(target);
      const side = recording(draft);
      return runPipeline({
        edgeUrl: "http://edge.test",
        fetch: appFetch(app),
        engine: main.engine,
        ...(verifier === undefined ? {} : { sideEngines: { verifier: side.engine } }),
        pipeline: ["best_of_n"],
        messages: [{ role: "user", content: QUESTION }],
        options: {
          max_tokens: 10,
          best_of_n: { n: 3, seed: SEED, verifier: "learned", selection: "top" },
        },
      }).then((r) => ({ ...r, main: main.calls, side: side.calls }));
    };
    try {
      const routed = await run(draft);
      const local = await run(undefined);

      await t.step("the verifier rows ran on the verifier engine only, as their own batch", () => {
        const verifierRows = routed.side.generate.flat().filter((q) => VERIFIER_ROW.test(q.id));
        assert.deepEqual(verifierRows.map((q) => q.id), [
          "2.best_of_n.v0",
          "2.best_of_n.v1",
          "2.best_of_n.v2",
        ]);
        // Their own batch: one generate call holds all three and nothing of the prover.
        const batch = routed.side.generate.find((b) => b.some((q) => VERIFIER_ROW.test(q.id)));
        assert.ok(batch !== undefined && batch.every((q) => !CANDIDATE_ROW.test(q.id)));
        assert.equal(batch.filter((q) => VERIFIER_ROW.test(q.id)).length, 3);
        for (const q of verifierRows) {
          assert.match(q.prompt ?? "", /^Problem: Ada buys 3 lamps[\s\S]*\nAnswer:$/);
          assert.equal(q.speculative, undefined);
        }
        assert.deepEqual(ids(routed.main.generate).filter((id) => VERIFIER_ROW.test(id)), []);
        assert.deepEqual(ids(routed.side.generate).filter((id) => CANDIDATE_ROW.test(id)), []);
        assert.equal(routed.side.chat.length, 0);
      });

      await t.step("the prover rows ran on the engine with the seeds the edge gave them", () => {
        const rows = routed.main.generate.flat().filter((q) => CANDIDATE_ROW.test(q.id));
        assert.deepEqual(rows.map((q) => [q.id, q.seed]), [
          ["1.best_of_n.c0", SEED],
          ["1.best_of_n.c1", SEED + 1],
          ["1.best_of_n.c2", SEED + 2],
        ]);
        assert.deepEqual(candidatesOf(routed.trace).map((c) => c.seed), [SEED, SEED + 1, SEED + 2]);
      });

      await t.step("without a verifier engine every row runs on the engine", () => {
        assert.equal(local.side.generate.length, 0);
        assert.equal(ids(local.main.generate).filter((id) => VERIFIER_ROW.test(id)).length, 3);
      });

      await t.step("the same seeds give the same candidates; the draft's scores differ", () => {
        const a = candidatesOf(routed.trace);
        const b = candidatesOf(local.trace);
        assert.deepEqual(a.map((c) => c.text), b.map((c) => c.text), "seeded sampling");
        for (const c of [...a, ...b]) {
          assert.ok(c.verifier_score !== null && c.verifier_score >= 0 && c.verifier_score <= 1);
        }
        // Another model judged them: at least one score is not the target's.
        const diff = a.map((c, i) =>
          Math.abs((c.verifier_score ?? 0) - (b[i]?.verifier_score ?? 0))
        );
        assert.ok(Math.max(...diff) > 1e-6, JSON.stringify({ a, b }));
      });
    } finally {
      await target.dispose();
      await draft.dispose();
    }
  },
});

Deno.test({
  name:
    "runAction() gives verifier rows no speculation and splits their score strings on the verifier engine",
  ...ortTest,
  fn: async () => {
    const target = await fixtureEngine("target", "wasm");
    const draft = await fixtureEngine("draft", "wasm");
    try {
      const main = recording(target);
      const side = recording(draft);
      const tokenized: string[] = [];
      const results = await runAction({
        engine: main.engine,
        sideEngines: { verifier: side.engine },
        speculative: { gamma: 0 },
        // The prover's tokenizer: never asked about the verifier's strings.
        tokenize: (text) => (tokenized.push(text), Array.from(text)),
      }, [
        {
          id: "c0",
          prompt: "Ada lives in",
          max_tokens: 2,
          temperature: 0,
          stop: [],
          role: "prover",
          score_tokens: ["Po"],
        },
        {
          id: "v0",
          prompt: "Is it right? Answer:",
          max_tokens: 0,
          temperature: 0,
          stop: [],
          role: "verifier",
          score_tokens: ["Yes", "No"],
        },
      ]);
      assert.deepEqual(tokenized, ["Po"]);
      const sideRows = side.calls.generate.flat();
      // Probe rows (which pieces are single tokens) and the verifier rows all ran on the draft.
      assert.ok(sideRows.some((q) => q.id.startsWith("probe")), JSON.stringify(sideRows));
      assert.ok(sideRows.some((q) => q.id === "v0"));
      assert.ok(sideRows.every((q) => q.speculative === undefined));
      assert.deepEqual(main.calls.generate.flat().map((q) => [q.id, q.speculative]), [
        ["c0", { gamma: 0 }],
        ["c0#s0.1", { gamma: 0 }],
      ]);
      const v0 = results[1];
      assert.equal(v0?.id, "v0");
      assert.equal(v0?.text, "");
      assert.deepEqual(Object.keys(v0?.scores ?? {}).sort(), ["No", "Yes"]);
      for (const p of Object.values(v0?.scores ?? {})) assert.ok(p > 0 && p <= 1, String(p));
    } finally {
      await target.dispose();
      await draft.dispose();
    }
  },
});
