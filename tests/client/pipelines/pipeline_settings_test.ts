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
import { isValidComposition, StartRequest } from "../../../shared/pipeline.ts";

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

Deno.test("PipelineSettings stored before best-of-n existed parse with best-of-n off", () => {
  const old = {
    s2a: "llm",
    selfrag: true,
    cove: "joint",
    speculative: { enabled: false, gamma: "auto" },
  } as const;
  const s = PipelineSettings.parse(old);
  assert.deepEqual(s.bestOfN, { enabled: false, n: 4, selection: "vote", verifier: "arithmetic" });
  assert.deepEqual(s.bestOfN, defaultPipelineSettings.bestOfN);
  assert.deepEqual(toPipelineRequest(old).pipeline, ["s2a", "selfrag", "cove"]);
  // A partial best-of-n record fills in the rest.
  const partial = PipelineSettings.parse({ ...old, selfrag: false, bestOfN: { enabled: true } });
  assert.deepEqual(partial.bestOfN, {
    enabled: true,
    n: 4,
    selection: "vote",
    verifier: "arithmetic",
  });
});

Deno.test("toPipelineRequest() puts best_of_n between s2a and cove with its n, selection and verifier", () => {
  const r = toPipelineRequest({
    ...defaultPipelineSettings,
    s2a: "llm",
    cove: "factored",
    bestOfN: { enabled: true, n: 7, selection: "top", verifier: "both" },
  });
  assert.deepEqual(r, {
    pipeline: ["s2a", "best_of_n", "cove"],
    options: {
      best_of_n: { n: 7, selection: "top", verifier: "both" },
      cove: { variant: "factored" },
    },
    s2aFilter: false,
    speculative: { gamma: 0 },
  });
  // What the edge would be sent is a valid start request with those options applied.
  const start = StartRequest.parse({
    pipeline: r.pipeline,
    input: { messages: [{ role: "user", content: "2 + 2?" }] },
    options: r.options,
  });
  assert.equal(start.options.best_of_n.n, 7);
  assert.equal(start.options.best_of_n.selection, "top");
  assert.equal(start.options.best_of_n.verifier, "both");
  assert.equal(start.options.best_of_n.temperature, 0.8, "the edge's default: candidates differ");
});

Deno.test("toPipelineRequest() sends nothing for best-of-n while it is off, whatever its fields", () => {
  const r = toPipelineRequest({
    ...defaultPipelineSettings,
    bestOfN: { enabled: false, n: 9, selection: "top", verifier: "none" },
  });
  assert.deepEqual(r.pipeline, []);
  assert.deepEqual(r.options, {});
});

Deno.test("PipelineSettings refuses Self-RAG together with best-of-n, as the edge would", () => {
  const both = {
    ...defaultPipelineSettings,
    selfrag: true,
    bestOfN: { ...defaultPipelineSettings.bestOfN, enabled: true },
  };
  const parsed = PipelineSettings.safeParse(both);
  assert.equal(parsed.success, false);
  assert.deepEqual(parsed.error?.issues.map((i) => i.path), [["bestOfN", "enabled"]]);
  assert.match(
    parsed.error?.issues[0]?.message ?? "",
    /^Cannot turn on both Self-RAG and best-of-n as /,
  );
  assert.throws(() => toPipelineRequest(both), /Cannot turn on both Self-RAG and best-of-n/);
  assert.equal(isValidComposition(["selfrag", "best_of_n"]), false);
  // Each one alone is fine.
  assert.deepEqual(toPipelineRequest({ ...both, selfrag: false }).pipeline, ["best_of_n"]);
  assert.deepEqual(
    toPipelineRequest({ ...both, bestOfN: { ...both.bestOfN, enabled: false } }).pipeline,
    ["selfrag"],
  );
});

Deno.test("PipelineSettings refuses best-of-n n outside 1..32 and unknown selections or verifiers", () => {
  const on = (b: Record<string, unknown>) => ({
    ...defaultPipelineSettings,
    bestOfN: { ...defaultPipelineSettings.bestOfN, enabled: true, ...b },
  });
  for (
    const bad of [{ n: 0 }, { n: 33 }, { n: 2.5 }, { selection: "best" }, { verifier: "oracle" }]
  ) {
    assert.equal(PipelineSettings.safeParse(on(bad)).success, false, JSON.stringify(bad));
  }
  for (const good of [{ n: 1 }, { n: 32 }, { selection: "top" }, { verifier: "none" }]) {
    assert.equal(PipelineSettings.safeParse(on(good)).success, true, JSON.stringify(good));
  }
});
