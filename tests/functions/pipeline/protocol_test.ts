import assert from "node:assert/strict";
import { drive, FakeRetriever, passage, pipelineApp, postJson, SECRET } from "./fake_client.ts";

const START = {
  pipeline: ["cove"],
  input: { messages: [{ role: "user", content: "Where is Paris?" }] },
};

async function started(now?: () => number) {
  const app = pipelineApp(new FakeRetriever([]), now ? { now } : {});
  const first = await postJson(app, "/v1/pipelines/start", START);
  assert.equal(first.status, 200);
  const id: string = first.body.actions[0].requests[0].id;
  return { app, state: first.body.state as string, id };
}

Deno.test("start returns a signed state and ONE generate action", async () => {
  const { state, id } = await started();
  assert.match(state, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal(id, "1.cove.baseline");
});

Deno.test("step refuses tampered state with 401 state_tampered", async () => {
  const { app, state, id } = await started();
  const [v, kid, payload, sig] = state.split(".");
  const json = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
  json.data.question = "Where is Rome?";
  const forged = btoa(JSON.stringify(json)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
  const res = await postJson(app, "/v1/pipelines/step", {
    state: [v, kid, forged, sig].join("."),
    results: [{ id, text: "x" }],
  });
  assert.equal(res.status, 401);
  assert.equal(res.body.error.code, "state_tampered");
});

Deno.test("step refuses state signed with another key with 401 state_foreign_key", async () => {
  const other = pipelineApp(new FakeRetriever([]), { secret: `${SECRET}-other` });
  const first = await postJson(other, "/v1/pipelines/start", START);
  const { app } = await started();
  const res = await postJson(app, "/v1/pipelines/step", {
    state: first.body.state,
    results: [{ id: first.body.actions[0].requests[0].id, text: "x" }],
  });
  assert.equal(res.status, 401);
  assert.equal(res.body.error.code, "state_foreign_key");
});

Deno.test("step refuses expired state with 401 state_expired", async () => {
  let clock = 1_000_000;
  const { app, state, id } = await started(() => clock);
  clock += 15 * 60 * 1000 + 1;
  const res = await postJson(app, "/v1/pipelines/step", { state, results: [{ id, text: "x" }] });
  assert.equal(res.status, 401);
  assert.equal(res.body.error.code, "state_expired");
});

Deno.test("step refuses malformed and oversized state with 400", async () => {
  const { app, id } = await started();
  const bad = await postJson(app, "/v1/pipelines/step", {
    state: "not-a-token",
    results: [{ id, text: "x" }],
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "invalid_state");
  const big = await postJson(app, "/v1/pipelines/step", {
    state: "v1." + "a".repeat(70_000),
    results: [],
  });
  assert.equal(big.status, 400);
  assert.equal(big.body.error.code, "state_too_large");
});

Deno.test("step refuses results that do not answer exactly the pending ids", async () => {
  const { app, state, id } = await started();
  const cases = [
    [],
    [{ id: "1.cove.other", text: "x" }],
    [{ id, text: "x" }, { id: "1.cove.extra", text: "y" }],
    [{ id, text: "x" }, { id, text: "x" }],
  ];
  for (const results of cases) {
    const res = await postJson(app, "/v1/pipelines/step", { state, results });
    assert.equal(res.status, 400, JSON.stringify(results));
    assert.equal(res.body.error.code, "results_mismatch");
  }
  const ok = await postJson(app, "/v1/pipelines/step", {
    state,
    results: [{ id, text: " Paris" }],
  });
  assert.equal(ok.status, 200);
});

Deno.test("start refuses an invalid composition and a body without a user message", async () => {
  const app = pipelineApp(new FakeRetriever([]));
  for (const pipeline of [["cove", "s2a"], ["selfrag", "selfrag"], [], ["rerank"]]) {
    const res = await postJson(app, "/v1/pipelines/start", { ...START, pipeline });
    assert.equal(res.status, 400, JSON.stringify(pipeline));
    assert.equal(res.body.error.code, "invalid_request");
  }
  const res = await postJson(app, "/v1/pipelines/start", {
    pipeline: ["cove"],
    input: { messages: [{ role: "system", content: "hi" }] },
  });
  assert.equal(res.status, 400);
});

Deno.test("a state that would outgrow the size bound is refused with 413 state_too_large", async () => {
  const passages = Array.from(
    { length: 10 },
    (_, i) => passage(`d${i}#0`, `T${i}`, "lorem ipsum ".repeat(500)),
  );
  const app = pipelineApp(new FakeRetriever(passages));
  const res = await postJson(app, "/v1/pipelines/start", {
    pipeline: ["selfrag"],
    input: { messages: [{ role: "user", content: "q" }] },
    options: { selfrag: { mode: "always", k: 10 } },
  });
  assert.equal(res.status, 413);
  assert.equal(res.body.error.code, "state_too_large");
});

Deno.test("a finished run returns the final answer and no state", async () => {
  const app = pipelineApp(new FakeRetriever([]));
  const run = await drive(app, START, (r) => (r.id.endsWith("baseline") ? " Paris" : "no checks"));
  assert.equal(run.final.output, "Paris");
});
