import assert from "node:assert/strict";
import { z } from "zod";
import { buildOpenApiDocument, toOpenApiPath } from "../../../shared/openapi.ts";
import { testApp } from "../app_fixture.ts";

Deno.test("buildOpenApiDocument() turns zod schemas into request and response schemas", () => {
  const Body = z.object({ q: z.string().max(5), k: z.number().int().default(3) });
  const doc = buildOpenApiDocument({ title: "t", version: "1" }, [{
    method: "post",
    path: "/v1/x/{id}",
    summary: "x",
    admin: true,
    body: Body,
    params: z.object({ id: z.string() }),
    responses: { 200: { description: "ok", schema: z.object({ n: z.number() }) } },
  }]);
  const op = (doc.paths as Record<string, Record<string, Record<string, unknown>>>)["/v1/x/{id}"]
    ?.["post"];
  assert.ok(op);
  assert.deepEqual(op.security, [{ adminKey: [] }]);
  const body = JSON.stringify(op.requestBody);
  assert.match(body, /"maxLength":5/);
  assert.match(body, /"default":3/);
  assert.deepEqual(op.parameters, [{
    name: "id",
    in: "path",
    required: true,
    schema: { type: "string" },
  }]);
  const responses = op.responses as Record<string, unknown>;
  for (const status of ["200", "400", "401", "403", "413", "429", "500"]) {
    assert.ok(responses[status], status);
  }
  assert.equal(doc.openapi, "3.1.0");
});

Deno.test("toOpenApiPath() converts Hono parameters", () => {
  assert.equal(toOpenApiPath("/v1/documents/:id"), "/v1/documents/{id}");
  assert.equal(toOpenApiPath("/a/:x{[0-9]+}/b/:y"), "/a/{x}/b/{y}");
});

Deno.test("/openapi.json lists routes that have no spec too", async () => {
  const { app, store } = await testApp();
  app.get("/v1/extra/:name", (c) => c.text("x"));
  const doc = await (await app.request("/openapi.json")).json();
  assert.ok(doc.paths["/v1/extra/{name}"]?.get);
  assert.ok(doc.paths["/v1/documents/{id}"]?.delete);
  await store.close();
});
