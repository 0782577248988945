/**
 * POST /v1/pipelines/start and /v1/pipelines/step: the client-in-the-loop step protocol.
 *
 * @module
 */
import { Hono } from "hono";
import { type PipelineResponse, StartRequest, StepRequest } from "../../shared/pipeline.ts";
import { validate } from "../http/validate.ts";
import { type PipelineDeps, PipelineRunner } from "../pipeline/runner.ts";

/**
 * Routes of the step protocol, with full paths; mount with `app.route("/", ...)`.
 *
 * @example
 * ```ts
 * const app = new Hono().route("/", pipelineRoutes({ retriever, stateSecret: "a-long-secret-value" }));
 * ```
 */
export function pipelineRoutes(deps: PipelineDeps): Hono {
  const runner = new PipelineRunner(deps);
  return new Hono()
    .post(
      "/v1/pipelines/start",
      validate("json", StartRequest),
      async (c) => c.json<PipelineResponse>(await runner.start(c.req.valid("json"))),
    )
    .post(
      "/v1/pipelines/step",
      validate("json", StepRequest),
      async (c) => c.json<PipelineResponse>(await runner.step(c.req.valid("json"))),
    );
}
