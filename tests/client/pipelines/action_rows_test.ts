/**
 * The mapping between edge requests and engine rows: multi-piece score strings become extra
 * teacher-forced rows of the same batch and their probabilities multiply; scores-only
 * requests return no text; log-probabilities stay finite and non-positive.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { GenerateResult } from "../../../client/engine/api.ts";
import { MIN_LOGPROB, planRows, readResult } from "../../../client/pipelines/action_rows.ts";
import { PipelineRequestError } from "../../../client/pipelines/errors.ts";
import type { GenerateRequest } from "../../../shared/pipeline.ts";

const REQ: GenerateRequest = {
  id: "1.selfrag.gate",
  prompt: "Question: q\nAnswer:",
  max_tokens: 0,
  temperature: 0,
  stop: [],
  score_tokens: ["Yes", "No"],
};
const PIECES: Record<string, string[]> = { Yes: ["Y", "es"], No: ["No"] };
const pieces = (t: string) => PIECES[t] ?? [t];

function result(id: string, over: Partial<GenerateResult> = {}): GenerateResult {
  return {
    id,
    text: "generated",
    finish_reason: "length",
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    tokens: [7],
    token_logprobs: [-0.5],
    ...over,
  };
}

Deno.test("planRows() adds one teacher-forced row per extra piece, prompt extended by the earlier pieces", () => {
  const plan = planRows(REQ, pieces, { speculative: { gamma: 0 } });
  assert.deepEqual(plan.rows.map((r) => r.id), ["1.selfrag.gate", "1.selfrag.gate#s0.1"]);
  assert.deepEqual(plan.rows[0]?.score_tokens, ["Y", "No"]);
  assert.equal(plan.rows[0]?.max_tokens, 1, "max_tokens 0 still generates one token");
  assert.equal(plan.rows[1]?.prompt, "Question: q\nAnswer:Y");
  assert.deepEqual(plan.rows[1]?.score_tokens, ["es"]);
  assert.deepEqual(plan.rows[1]?.speculative, { gamma: 0 });
  assert.equal(plan.rows[0]?.stop, undefined, "an empty stop list is left out");
});

Deno.test("readResult() multiplies the conditional probabilities and returns no text for max_tokens 0", () => {
  const plan = planRows(REQ, pieces);
  const byId = new Map([
    ["1.selfrag.gate", result("1.selfrag.gate", { scores: { Y: 0.5, No: 0.25 } })],
    ["1.selfrag.gate#s0.1", result("1.selfrag.gate#s0.1", { scores: { es: 0.4 } })],
  ]);
  assert.deepEqual(readResult(plan, byId), {
    id: "1.selfrag.gate",
    text: "",
    scores: { Yes: 0.2, No: 0.25 },
  });
});

Deno.test("readResult() returns clamped token_logprobs only when the request asks for them", () => {
  const req: GenerateRequest = { ...REQ, max_tokens: 4, score_tokens: undefined, logprobs: true };
  const plan = planRows(req, pieces);
  const byId = new Map([[req.id, result(req.id, { token_logprobs: [-1, 1e-7, -Infinity, NaN] })]]);
  assert.deepEqual(readResult(plan, byId), {
    id: req.id,
    text: "generated",
    token_logprobs: [-1, 0, MIN_LOGPROB, MIN_LOGPROB],
  });
  const plain = planRows({ ...req, logprobs: undefined }, pieces);
  assert.equal(readResult(plain, byId).token_logprobs, undefined);
});

Deno.test("planRows() refuses multi-piece scores on chat requests and over-long stop lists", () => {
  const chat: GenerateRequest = {
    ...REQ,
    prompt: undefined,
    messages: [{ role: "user", content: "q" }],
  };
  assert.throws(() => planRows(chat, pieces), PipelineRequestError);
  assert.doesNotThrow(() => planRows({ ...chat, score_tokens: ["No"] }, pieces));
  assert.throws(
    () => planRows({ ...REQ, stop: ["a", "b", "c", "d", "e"] }, pieces),
    /Cannot run request '1\.selfrag\.gate' as the engine accepts at most 4 stop strings: it has 5/,
  );
});
