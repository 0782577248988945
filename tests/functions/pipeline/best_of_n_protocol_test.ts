import assert from "node:assert/strict";
import { GenerateRequest } from "../../../shared/pipeline.ts";
import { FakeRetriever, pipelineApp, postJson } from "./fake_client.ts";

const ASK = { messages: [{ role: "user", content: "Ada has 2 + 3 coins. How many?" }] };
const start = (best_of_n: Record<string, unknown>, pipeline = ["best_of_n"]) => ({
  pipeline,
  input: ASK,
  options: { best_of_n },
});

function assertErrorShape(body: unknown, code: string): void {
  const err = (body as { error?: { code?: unknown; message?: unknown } }).error;
  assert.equal(err?.code, code);
  assert.equal(typeof err?.message, "string");
  assert.deepEqual(Object.keys(body as object), ["error"]);
}

Deno.test("start refuses invalid best_of_n options with 400 invalid_request naming the field", async () => {
  const app = pipelineApp(new FakeRetriever([]));
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ n: 0 }, /best_of_n\.n/],
    [{ n: 33 }, /best_of_n\.n/],
    [{ n: 2.5 }, /best_of_n\.n/],
    [{ temperature: 0 }, /best_of_n\.temperature/],
    [{ temperature: 2.5 }, /best_of_n\.temperature/],
    [{ selection: "best" }, /best_of_n\.selection/],
    [{ verifier: "neural" }, /best_of_n\.verifier/],
    [{ verifier_template: "Is it right?" }, /must contain \{solution\}/],
    [{ accept_token: "Yes", reject_token: "Yes" }, /must differ/],
    [{ seed: -1 }, /best_of_n\.seed/],
  ];
  for (const [options, message] of cases) {
    const res = await postJson(app, "/v1/pipelines/start", start(options));
    assert.equal(res.status, 400, JSON.stringify(options));
    assertErrorShape(res.body, "invalid_request");
    assert.match(res.body.error.message, message, JSON.stringify(options));
  }
});

Deno.test("start refuses best_of_n beside selfrag and out of order", async () => {
  const app = pipelineApp(new FakeRetriever([]));
  for (const pipeline of [["selfrag", "best_of_n"], ["best_of_n", "s2a"], ["cove", "best_of_n"]]) {
    const res = await postJson(app, "/v1/pipelines/start", start({}, pipeline));
    assert.equal(res.status, 400, JSON.stringify(pipeline));
    assertErrorShape(res.body, "invalid_request");
  }
  for (const pipeline of [["best_of_n", "cove"], ["s2a", "best_of_n"]]) {
    const res = await postJson(app, "/v1/pipelines/start", start({}, pipeline));
    assert.equal(res.status, 200, JSON.stringify(pipeline));
  }
});

async function verifyPhase() {
  const app = pipelineApp(new FakeRetriever([]));
  const first = await postJson(
    app,
    "/v1/pipelines/start",
    start({ n: 2, seed: 1, verifier: "learned" }),
  );
  const results = [
    { id: "1.best_of_n.c0", text: "2 + 3 = <<2+3=5>>5. The answer is 5." },
    { id: "1.best_of_n.c1", text: "The answer is 6." },
  ];
  const second = await postJson(app, "/v1/pipelines/step", { state: first.body.state, results });
  assert.equal(second.status, 200);
  return { app, state: second.body.state as string, ids: ["2.best_of_n.v0", "2.best_of_n.v1"] };
}

Deno.test("step refuses a tampered best_of_n state with 401 state_tampered", async () => {
  const { app, state, ids } = await verifyPhase();
  const [v, kid, payload, sig] = state.split(".");
  const json = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
  // Swap the candidates: a forged state could pass a wrong answer off as verified.
  json.data.stage_state.texts.reverse();
  const forged = btoa(JSON.stringify(json)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
  const scores = { Yes: 0.5, No: 0.5 };
  const res = await postJson(app, "/v1/pipelines/step", {
    state: [v, kid, forged, sig].join("."),
    results: ids.map((id) => ({ id, text: "", scores })),
  });
  assert.equal(res.status, 401);
  assertErrorShape(res.body, "state_tampered");
});

Deno.test("step refuses verifier results without the accept and reject scores", async () => {
  const { app, state, ids } = await verifyPhase();
  const res = await postJson(app, "/v1/pipelines/step", {
    state,
    results: ids.map((id) => ({ id, text: "", scores: { Yes: 0.9 } })),
  });
  assert.equal(res.status, 400);
  assertErrorShape(res.body, "invalid_results");
  assert.match(res.body.error.message, /'scores' must contain "No"/);
  const ok = await postJson(app, "/v1/pipelines/step", {
    state,
    results: ids.map((id, i) => ({ id, text: "", scores: { Yes: i === 0 ? 0.9 : 0.1, No: 0.1 } })),
  });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.final.output, "2 + 3 = <<2+3=5>>5. The answer is 5.");
});

Deno.test("step refuses candidate results that miss a candidate with 400 results_mismatch", async () => {
  const app = pipelineApp(new FakeRetriever([]));
  const first = await postJson(app, "/v1/pipelines/start", start({ n: 3 }));
  const res = await postJson(app, "/v1/pipelines/step", {
    state: first.body.state,
    results: [{ id: "1.best_of_n.c0", text: "5" }, { id: "1.best_of_n.c1", text: "5" }],
  });
  assert.equal(res.status, 400);
  assertErrorShape(res.body, "results_mismatch");
  assert.deepEqual(res.body.error.details.missing, ["1.best_of_n.c2"]);
});

Deno.test("n = 32 with the learned verifier carries 32 candidates of 1,000 characters in its state", async () => {
  const app = pipelineApp(new FakeRetriever([]));
  const first = await postJson(app, "/v1/pipelines/start", start({ n: 32, verifier: "learned" }));
  assert.equal(first.body.actions[0].requests.length, 32);
  const solution = (i: number) => `${"2 + 3 = <<2+3=5>>5. ".repeat(48)}The answer is ${i % 3}.`;
  const results = Array.from({ length: 32 }, (_, i) => ({
    id: `1.best_of_n.c${i}`,
    text: solution(i).slice(-1_000),
  }));
  const second = await postJson(app, "/v1/pipelines/step", { state: first.body.state, results });
  assert.equal(second.status, 200, JSON.stringify(second.body).slice(0, 300));
  assert.equal(second.body.actions[0].requests.length, 32);
  const scores = { Yes: 0.5, No: 0.5 };
  const last = await postJson(app, "/v1/pipelines/step", {
    state: second.body.state,
    results: Array.from({ length: 32 }, (_, i) => ({ id: `2.best_of_n.v${i}`, text: "", scores })),
  });
  assert.equal(last.status, 200);
  // Equal scores: "0" (11 votes) beats "1" and "2" (11 and 10): on a tie, the answer seen first.
  assert.match(last.body.final.output, /The answer is 0\.$/);
});

Deno.test("generate requests accept a seed and a prover or verifier role, nothing else", () => {
  const base = { id: "x", prompt: "p", max_tokens: 1, temperature: 0, stop: [] };
  assert.ok(GenerateRequest.safeParse({ ...base, seed: 7, role: "verifier" }).success);
  assert.ok(GenerateRequest.safeParse({ ...base, role: "prover" }).success);
  assert.ok(!GenerateRequest.safeParse({ ...base, role: "judge" }).success);
  assert.ok(!GenerateRequest.safeParse({ ...base, seed: -1 }).success);
  assert.ok(!GenerateRequest.safeParse({ ...base, seed: 1.5 }).success);
});
