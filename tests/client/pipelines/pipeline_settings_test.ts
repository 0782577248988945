/**
 * Pipeline toggles to runPipeline arguments.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  defaultPipelineSettings,
  PipelineSettings,
  toPipelineRequest,
} from "../../../client/ui/trace/pipeline_settings.ts";

Deno.test("toPipelineRequest() of the defaults is a direct answer without speculation", () => {
  assert.deepEqual(toPipelineRequest(defaultPipelineSettings), {
    pipeline: [],
    options: {},
    s2aFilter: false,
    speculative: { gamma: 0 },
  });
});

Deno.test("toPipelineRequest() orders the stages s2a, selfrag, cove and passes the CoVe variant", () => {
  const r = toPipelineRequest({
    s2a: "llm",
    selfrag: true,
    cove: "factor_revise",
    speculative: { enabled: true, gamma: 3 },
  });
  assert.deepEqual(r, {
    pipeline: ["s2a", "selfrag", "cove"],
    options: { cove: { variant: "factor_revise" } },
    s2aFilter: false,
    speculative: { gamma: 3 },
  });
});

Deno.test("toPipelineRequest() runs the S2A filter on the client side instead of the s2a stage", () => {
  const r = toPipelineRequest({
    ...defaultPipelineSettings,
    s2a: "filter",
    speculative: { enabled: true, gamma: "auto" },
  });
  assert.deepEqual(r.pipeline, []);
  assert.equal(r.s2aFilter, true);
  assert.deepEqual(r.speculative, { gamma: "auto" });
});

Deno.test("PipelineSettings refuses unknown variants and gamma outside 1..32", () => {
  for (
    const bad of [
      { ...defaultPipelineSettings, cove: "triple" },
      { ...defaultPipelineSettings, speculative: { enabled: true, gamma: 0 } },
      { ...defaultPipelineSettings, speculative: { enabled: true, gamma: 33 } },
      { ...defaultPipelineSettings, s2a: true },
    ]
  ) {
    assert.equal(PipelineSettings.safeParse(bad).success, false, JSON.stringify(bad));
  }
  assert.throws(() => toPipelineRequest({ ...defaultPipelineSettings, cove: "x" as "joint" }));
});
