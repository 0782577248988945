/**
 * `GET /health`: liveness.
 *
 * @module
 */
import { Hono } from "hono";
import { HealthResponse } from "../../shared/health.ts";
import type { RouteSpec } from "../../shared/openapi.ts";

/** OpenAPI description of the health route. */
export const healthApi: readonly RouteSpec[] = [
  {
    method: "get",
    path: "/health",
    summary: "Liveness",
    tag: "meta",
    responses: { 200: { description: "The server is up", schema: HealthResponse } },
  },
];

/** The health route. */
export function healthRoutes(): Hono {
  return new Hono().get("/health", (c) => c.json(HealthResponse.parse({ status: "ok" })));
}
