/**
 * `POST /v1/retrieve`: the k best passages for a query.
 *
 * @module
 */
import { Hono } from "hono";
import type { RouteSpec } from "../../shared/openapi.ts";
import { RetrieveRequest, RetrieveResponse } from "../../shared/retrieve.ts";
import { validate } from "../http/validate.ts";
import type { Retriever } from "../retrieval/retriever.ts";

/** OpenAPI description of the retrieve route. */
export const retrieveApi: readonly RouteSpec[] = [
  {
    method: "post",
    path: "/v1/retrieve",
    summary: "Retrieve the k best passages (BM25 over SQLite FTS5)",
    tag: "retrieval",
    body: RetrieveRequest,
    responses: { 200: { description: "Passages, best first", schema: RetrieveResponse } },
  },
];

/** The retrieve route. */
export function retrieveRoutes(deps: { readonly retriever: Retriever }): Hono {
  return new Hono().post("/v1/retrieve", validate("json", RetrieveRequest), async (c) => {
    const { query, k } = c.req.valid("json");
    const passages = await deps.retriever.retrieve(query, k);
    return c.json(RetrieveResponse.parse({ passages }));
  });
}
