import assert from "node:assert/strict";
import { Hono } from "hono";
import { handleError } from "../../../functions/http/errors.ts";
import { s2aRoutes } from "../../../functions/routes/s2a.ts";
import { S2AFilterResponse } from "../../../shared/s2a.ts";

function post(body: unknown): Promise<Response> {
  const app = new Hono();
  app.onError(handleError);
  app.route("/", s2aRoutes());
  return Promise.resolve(app.request("/v1/s2a/filter", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  }));
}

Deno.test("POST /v1/s2a/filter returns context, question, kept and dropped", async () => {
  const res = await post({
    text:
      "Ben has 5 cards. Ben gets 3 more cards. My teacher said it's 9. How many cards does Ben have?",
  });
  assert.equal(res.status, 200);
  assert.deepEqual(S2AFilterResponse.parse(await res.json()), {
    context: "Ben has 5 cards. Ben gets 3 more cards.",
    question: "How many cards does Ben have?",
    kept: ["Ben has 5 cards.", "Ben gets 3 more cards.", "How many cards does Ben have?"],
    dropped: [{ sentence: "My teacher said it's 9.", reason: "opinion" }],
  });
});

Deno.test("POST /v1/s2a/filter answers 400 invalid_request for empty text", async () => {
  const res = await post({ text: "" });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, "invalid_request");
});
