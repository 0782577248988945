import assert from "node:assert/strict";
import type { GenerateRequest, GenerateResult } from "../../../../client/engine/api.ts";
import { fixtureEngine, ortTest } from "../engine_fixtures.ts";
import { type DraftKind, greedyRequests, specEngine } from "./spec_fixtures.ts";

/** Target-only greedy tokens of each request (the plain engine). */
async function targetOnly(reqs: readonly GenerateRequest[]): Promise<number[][]> {
  const engine = await fixtureEngine("target", "wasm");
  try {
    return (await engine.generate(reqs.map(({ speculative: _, ...r }) => r))).map((r) => r.tokens);
  } finally {
    await engine.dispose();
  }
}

/** Run the requests on a speculative engine; return results and the speculative counters. */
async function speculate(draft: DraftKind, reqs: readonly GenerateRequest[], maxBatch = 8) {
  const engine = await specEngine(draft, "wasm", maxBatch);
  try {
    const results = await engine.generate(reqs);
    const stats = await engine.stats();
    return { results, stats };
  } finally {
    await engine.dispose();
  }
}

function assertConsistentCounts(results: readonly GenerateResult[]): void {
  for (const r of results) {
    const d = r.usage.completion_tokens_details;
    assert.ok(d !== undefined, "speculative rows report prediction tokens");
    // Every round emits at least one token of its own; the first token comes from the prefill.
    assert.ok(d.accepted_prediction_tokens <= Math.max(0, r.tokens.length - 1), r.id);
  }
}

for (const draft of ["draft", "truncated", "target"] as const) {
  for (const gamma of [3, "auto"] as const) {
    Deno.test({
      name:
        `every row of a speculative batch equals target-only greedy decoding (wasm, ${draft} draft, gamma ${gamma}, prompts of different lengths)`,
      ...ortTest,
      fn: async () => {
        const reqs = greedyRequests((i) => 8 + 5 * i, { speculative: { gamma } });
        const expected = await targetOnly(reqs);
        const { results, stats } = await speculate(draft, reqs);
        assert.deepEqual(results.map((r) => r.tokens), expected);
        assertConsistentCounts(results);
        const s = stats.speculative!;
        const accepted = results.reduce(
          (n, r) => n + r.usage.completion_tokens_details!.accepted_prediction_tokens,
          0,
        );
        const rejected = results.reduce(
          (n, r) => n + r.usage.completion_tokens_details!.rejected_prediction_tokens,
          0,
        );
        assert.equal(accepted + rejected, s.proposed, "accepted + rejected = proposed");
        assert.ok(accepted <= s.accepted);
        if (gamma === 3) assert.ok(s.proposed > 0 && s.draftSteps > 0);
        if (draft === "target" && gamma === 3) {
          // Rows ending on an end-of-sequence token drop the proposals after it, so count the
          // verifier's acceptances.
          assert.equal(
            s.accepted,
            s.proposed,
            "a draft equal to the target has every proposal accepted",
          );
        }
        if (draft === "draft" && gamma === 3) {
          assert.ok(accepted < s.proposed / 10, "the random fixture draft rarely agrees");
        }
      },
    });
  }
}

Deno.test({
  name:
    "rows stay exact while rejected proposals pile up as holes and the caches are compacted mid-generation (wasm)",
  ...ortTest,
  fn: async () => {
    // Same length rows, so no row leaves (which would compact) before the holes pass the
    // threshold: each round adds 5 target columns and about 1 real token per row.
    const reqs = greedyRequests(() => 40, { speculative: { gamma: 4 } }).slice(0, 3);
    const expected = await targetOnly(reqs);
    const { results, stats } = await speculate("draft", reqs);
    assert.deepEqual(results.map((r) => r.tokens), expected);
    assert.ok(stats.speculative!.compactions >= 2, `compactions ${stats.speculative!.compactions}`);
  },
});

Deno.test({
  name:
    "a speculative batch with refill (maxBatch 2, six rows) and partial acceptance equals target-only greedy decoding (wasm)",
  ...ortTest,
  fn: async () => {
    const reqs = greedyRequests((i) => [3, 20, 5, 9, 14, 2][i]!, { speculative: { gamma: 4 } });
    const expected = await targetOnly(reqs);
    const { results, stats } = await speculate("truncated", reqs, 2);
    assert.deepEqual(results.map((r) => r.tokens), expected);
    assert.ok(stats.rebuilds >= 3, `rebuilds ${stats.rebuilds}`);
    const s = stats.speculative!;
    assert.ok(s.accepted > 0 && s.accepted < s.proposed, `accepted ${s.accepted} of ${s.proposed}`);
  },
});

Deno.test({
  name:
    "rows with different gammas, schedules and a repetition penalty share one speculative batch and each equals target-only greedy decoding (wasm)",
  ...ortTest,
  fn: async () => {
    const options = [
      { gamma: 0 },
      { gamma: 1 },
      { gamma: 6 },
      { gamma: "auto" as const },
      { gamma: "auto" as const, schedule: "heuristic" as const },
      { gamma: 2, max_gamma: 2 },
    ];
    const reqs = greedyRequests((i) => 12 + 3 * i).map((r, i) => ({
      ...r,
      speculative: options[i]!,
      ...(i % 2 === 1 ? { repetition_penalty: 1.3 } : {}),
    }));
    const expected = await targetOnly(reqs);
    const { results } = await speculate("truncated", reqs);
    assert.deepEqual(results.map((r) => r.tokens), expected);
    assert.equal(
      results[0]!.usage.completion_tokens_details!.accepted_prediction_tokens +
        results[0]!.usage.completion_tokens_details!.rejected_prediction_tokens,
      0,
      "gamma 0 proposes nothing",
    );
  },
});

Deno.test({
  name: "speculative decoding keeps token log-probabilities equal to target-only decoding (wasm)",
  ...ortTest,
  fn: async () => {
    const reqs = greedyRequests(() => 12, { speculative: { gamma: 3 } }).slice(0, 3);
    const engine = await fixtureEngine("target", "wasm");
    const plain = await engine.generate(reqs.map(({ speculative: _, ...r }) => r));
    await engine.dispose();
    const { results } = await speculate("truncated", reqs);
    results.forEach((r, i) => {
      r.token_logprobs.forEach((lp, j) => {
        assert.ok(Math.abs(lp - plain[i]!.token_logprobs[j]!) < 1e-4, `row ${i} token ${j}`);
      });
    });
  },
});
