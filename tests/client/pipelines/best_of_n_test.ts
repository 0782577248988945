/**
 * Best-of-n end to end: runPipeline against the REAL edge app with the real engine on the
 * fixture model (random weights, so candidates are gibberish; the tests check that the n
 * candidates are ONE generate call of n rows, the learned verifier's batch, and the trace),
 * and the trace view's table of candidates.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runPipeline } from "../../../client/pipelines/run_pipeline.ts";
import { bestOfNSection } from "../../../client/ui/trace/best_of_n_view.ts";
import { builder } from "../../../client/ui/trace/dom.ts";
import type { PipelineOptionsInput, TraceEvent } from "../../../shared/pipeline.ts";
import { fixtureEngine, ortTest } from "../engine/engine_fixtures.ts";
import { appFetch, edgeApp, recording } from "./pipeline_fixture.ts";

const QUESTION = "Ada buys 3 lamps at 40 coins each. How many coins does she pay?";
const kinds = (trace: readonly TraceEvent[]) => trace.map((e) => `${e.stage}:${e.event}`);
type Candidate = { text: string; kept: boolean; score: number | null; chosen: boolean };

Deno.test({
  name: "best_of_n runs its n candidates as ONE engine batch of n rows",
  ...ortTest,
  fn: async (t) => {
    const app = await edgeApp();
    const real = await fixtureEngine("target", "wasm");
    const run = (options: PipelineOptionsInput) => {
      const { engine, calls } = recording(real);
      const tokens: string[] = [];
      const result = runPipeline({
        edgeUrl: "http://edge.test",
        fetch: appFetch(app),
        engine,
        pipeline: ["best_of_n"],
        messages: [{ role: "user", content: QUESTION }],
        options: { max_tokens: 12, ...options },
        onToken: (d) => tokens.push(d),
      });
      return result.then((r) => ({ ...r, calls, tokens }));
    };
    try {
      await t.step("arithmetic verifier: one generate call of n chat rows", async () => {
        const r = await run({ best_of_n: { n: 4, temperature: 0.9 } });
        assert.equal(r.calls.generate.length, 1, "one batch for the n candidates");
        assert.equal(r.calls.chat.length, 0);
        const rows = r.calls.generate[0] ?? [];
        assert.equal(rows.length, 4);
        assert.deepEqual(rows.map((q) => q.id), [0, 1, 2, 3].map((i) => `1.best_of_n.c${i}`));
        for (const q of rows) {
          assert.deepEqual(q.messages, [{ role: "user", content: QUESTION }]);
          assert.equal(q.temperature, 0.9);
        }
        assert.deepEqual(kinds(r.trace), ["best_of_n:candidates", "best_of_n:select"]);
        const cands = (r.trace[0]?.data as { candidates: Candidate[] }).candidates;
        assert.equal(cands.length, 4);
        // Sampled at temperature 0.9, the four rows do not all write the same text.
        assert.ok(new Set(cands.map((c) => c.text)).size > 1, JSON.stringify(cands));
        const chosen = cands.filter((c) => c.chosen);
        assert.equal(chosen.length, 1);
        assert.equal(r.output, chosen[0]?.text.trim());
        // The answer is picked, not streamed: onToken gets it once at the end.
        assert.deepEqual(r.tokens, r.output === "" ? [] : [r.output]);
      });

      await t.step("learned verifier: a second batch scores every candidate", async () => {
        const r = await run({ best_of_n: { n: 3, verifier: "learned", selection: "top" } });
        const batches = r.calls.generate.filter((b) => b.some((q) => q.id.includes("best_of_n")));
        assert.equal(batches.length, 2, "candidates, then verifier scores");
        assert.equal(batches[0]?.length, 3);
        const verifierRows = (batches[1] ?? []).filter((q) => /\.best_of_n\.v\d$/.test(q.id));
        assert.equal(verifierRows.length, 3);
        for (const q of verifierRows) {
          assert.match(q.prompt ?? "", /^Problem: Ada buys 3 lamps[\s\S]*\nAnswer:$/);
        }
        const cands = (r.trace[0]?.data as { candidates: Candidate[] }).candidates;
        for (const c of cands) assert.ok(c.score !== null && c.score >= 0 && c.score <= 1);
        const best = Math.max(...cands.map((c) => c.score ?? -1));
        assert.equal(cands.find((c) => c.chosen)?.score, best);
      });
    } finally {
      await real.dispose();
    }
  },
});

// A document just large enough for the trace builder (createElement, createTextNode,
// setAttribute, append): the view's structure is checked without a browser.
class FakeNode {
  readonly children: FakeNode[] = [];
  readonly attrs = new Map<string, string>();
  constructor(readonly tag: string, readonly text = "") {}
  setAttribute(k: string, v: string): void {
    this.attrs.set(k, v);
  }
  append(...nodes: FakeNode[]): void {
    this.children.push(...nodes);
  }
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join("");
  }
  all(tag: string): FakeNode[] {
    return this.children.flatMap((c) => [...(c.tag === tag ? [c] : []), ...c.all(tag)]);
  }
}
const fakeDoc = {
  createElement: (tag: string) => new FakeNode(tag),
  createTextNode: (text: string) => new FakeNode("#text", text),
} as unknown as Document;

Deno.test("the best-of-n trace view tables every candidate and the vote", () => {
  const cand = (index: number, text: string, extra: Record<string, unknown>) => ({
    index,
    id: `1.best_of_n.c${index}`,
    seed: index,
    text,
    steps: [{ ok: true }, { ok: extra.arithmetic_ok !== false }],
    arithmetic_ok: true,
    final_answer: "120",
    verifier_score: null,
    score: 1,
    kept: true,
    chosen: false,
    ...extra,
  });
  const trace: TraceEvent[] = [
    {
      stage: "best_of_n",
      event: "candidates",
      data: {
        n: 3,
        temperature: 0.8,
        verifier: "arithmetic",
        fallback: false,
        candidates: [
          cand(0, "<b>120</b>", { chosen: true }),
          cand(1, "130", { arithmetic_ok: false, kept: false, score: null, final_answer: "130" }),
          cand(2, "150", { final_answer: "150" }),
        ],
      },
    },
    {
      stage: "best_of_n",
      event: "select",
      data: {
        selection: "vote",
        chosen: 0,
        answer: "120",
        votes: [{ answer: "120", weight: 1, count: 1, best: 0 }, {
          answer: "150",
          weight: 1,
          count: 1,
          best: 2,
        }],
        vote_fallback: false,
      },
    },
  ];
  const section = bestOfNSection(builder(fakeDoc), trace) as unknown as FakeNode;
  const [cands, votes] = section.all("table");
  const rows = cands?.all("tbody")[0]?.all("tr") ?? [];
  assert.deepEqual(
    rows.map((r) => r.all("td").map((d) => d.textContent)),
    [
      ["1", "120", "2/2", "–", "1.000", "chosen", "<b>120</b>"],
      ["2", "130", "1/2", "–", "–", "rejected", "130"],
      ["3", "150", "2/2", "–", "1.000", "kept", "150"],
    ],
  );
  assert.equal(section.all("b").length, 0, "candidate text stays text");
  assert.deepEqual(rows.map((r) => r.attrs.get("class")), [
    "trace-candidate trace-candidate-chosen",
    "trace-candidate trace-candidate-rejected",
    "trace-candidate trace-candidate-kept",
  ]);
  assert.equal(votes?.all("tbody")[0]?.all("tr").length, 2);
  assert.equal(
    section.all("p")[0]?.textContent,
    "3 candidates, verifier arithmetic: 2 of 3 kept; answer 120 won the vote.",
  );
  assert.equal(bestOfNSection(builder(fakeDoc), []), null);
});
