/**
 * OpenAPI descriptions of the orchestration endpoints (S2A filter, arithmetic verifier,
 * pipeline step protocol), whose routes live in s2a.ts, verify.ts and pipelines.ts. app.ts
 * lists a spec only when its route is mounted.
 *
 * @module
 */
import type { RouteSpec } from "../../shared/openapi.ts";
import { PipelineResponse, StartRequest, StepRequest } from "../../shared/pipeline.ts";
import { S2AFilterRequest, S2AFilterResponse } from "../../shared/s2a.ts";
import { VerifyArithmeticRequest, VerifyArithmeticResponse } from "../../shared/verify.ts";

/** Specs of the orchestration endpoints. */
export const orchestrationApi: readonly RouteSpec[] = [
  {
    method: "post",
    path: "/v1/s2a/filter",
    summary: "Model-free System 2 Attention: keep the unbiased context and the question",
    tag: "s2a",
    body: S2AFilterRequest,
    responses: { 200: { description: "Kept and dropped sentences", schema: S2AFilterResponse } },
  },
  {
    method: "post",
    path: "/v1/verify/arithmetic",
    summary: "Check every <<expr=result>> annotation and inline equation with exact arithmetic",
    tag: "verify",
    body: VerifyArithmeticRequest,
    responses: { 200: { description: "Checked steps", schema: VerifyArithmeticResponse } },
  },
  {
    method: "post",
    path: "/v1/pipelines/start",
    summary: "Start a pipeline (s2a, selfrag, cove or a composition): returns actions or a final",
    tag: "pipelines",
    body: StartRequest,
    responses: { 200: { description: "Next actions and signed state", schema: PipelineResponse } },
  },
  {
    method: "post",
    path: "/v1/pipelines/step",
    summary: "Advance a pipeline with the client's generation results",
    tag: "pipelines",
    body: StepRequest,
    responses: {
      200: { description: "Next actions and signed state, or the final", schema: PipelineResponse },
    },
  },
];
