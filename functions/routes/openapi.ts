/**
 * `GET /openapi.json`: the OpenAPI 3.1 document generated from the zod schemas.
 *
 * @module
 */
import { Hono } from "hono";
import { buildOpenApiDocument, type RouteSpec } from "../../shared/openapi.ts";

/** OpenAPI description of this route itself. */
export const openapiApi: readonly RouteSpec[] = [
  {
    method: "get",
    path: "/openapi.json",
    summary: "This OpenAPI 3.1 document",
    tag: "meta",
    responses: { 200: { description: "OpenAPI document" } },
  },
];

/**
 * The OpenAPI route. The document is built once, on the first request, from `specs()` (called
 * then so that every route is mounted by the time it runs).
 */
export function openapiRoutes(specs: () => readonly RouteSpec[], version: string): Hono {
  let document: Record<string, unknown> | undefined;
  return new Hono().get("/openapi.json", (c) => {
    document ??= buildOpenApiDocument({
      title: "Verity edge functions",
      version,
      description:
        "Stateless orchestration for verified reasoning with browser LLMs: retrieval, S2A, " +
        "Chain-of-Verification, Self-RAG and the signed client-in-the-loop step protocol.",
    }, specs());
    return c.json(document);
  });
}
