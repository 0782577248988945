import assert from "node:assert/strict";
import { Hono } from "hono";
import { handleError } from "../../../functions/http/errors.ts";
import { verifyRoutes } from "../../../functions/routes/verify.ts";
import { VerifyArithmeticResponse } from "../../../shared/verify.ts";

function app(): Hono {
  const a = new Hono();
  a.onError(handleError);
  a.route("/", verifyRoutes());
  return a;
}

function post(body: unknown): Promise<Response> {
  return Promise.resolve(
    app().request("/v1/verify/arithmetic", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

Deno.test("POST /v1/verify/arithmetic checks every step", async () => {
  const res = await post({ text: "<<12/60=0.2>> then 0.2 x 50 = $11" });
  assert.equal(res.status, 200);
  const body = VerifyArithmeticResponse.parse(await res.json());
  assert.equal(body.ok, false);
  assert.deepEqual(body.steps.map((s) => [s.expression, s.claimed, s.computed, s.ok]), [
    ["12/60", "0.2", "0.2", true],
    ["0.2 x 50", "$11", "10", false],
  ]);
});

Deno.test("POST /v1/verify/arithmetic answers 400 invalid_request without text", async () => {
  const res = await post({ txt: "1+1=2" });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, "invalid_request");
});
