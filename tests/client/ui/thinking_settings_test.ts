/**
 * The chat's thinking setting without a browser: the zod schema and its field errors, the
 * translation into the engine's `thinking` request, the conflict with pipeline stages, and
 * what the bridge does with it (which answers go through the thinking path).
 *
 * @module
 */
import assert from "node:assert/strict";
import { ThinkingRequest } from "../../../client/engine/thinking/options.ts";
import {
  createPipelineBridge,
  thinkingOf,
  thinkingSupportOf,
  thinkingUnavailable,
} from "../../../client/ui/chat/pipeline_bridge.ts";
import { buildThinkingRequest } from "../../../client/ui/chat/thinking_answer.ts";
import {
  defaultPipelineSettings,
  PipelineSettings,
  toPipelineRequest,
} from "../../../client/ui/trace/pipeline_settings.ts";
import {
  defaultThinkingSettings,
  describeThinking,
  headUnavailable,
  thinkingFieldErrors,
  ThinkingSettings,
  toThinkingRequest,
  wLabel,
} from "../../../client/ui/trace/thinking_settings.ts";

const on = { ...defaultThinkingSettings, enabled: true };

Deno.test("thinking is off by default with the engine's defaults K = 2, t = 8, w = 0.5 fixed", () => {
  assert.deepEqual(defaultThinkingSettings, {
    enabled: false,
    k: 2,
    t: 8,
    w: "fixed",
    fixedW: 0.5,
    entropyThreshold: 1,
    maxW: 0.5,
  });
  assert.equal(toThinkingRequest(defaultThinkingSettings), undefined);
  assert.equal(thinkingOf(defaultPipelineSettings), undefined);
  assert.equal(thinkingOf(null), undefined, "a conversation without pipeline settings");
});

Deno.test("toThinkingRequest() maps fixed, entropy-gated and head w onto the engine's fields", () => {
  assert.deepEqual(toThinkingRequest({ ...on, fixedW: 0 }), { k: 2, t: 8, w: 0, trace: true });
  assert.deepEqual(toThinkingRequest({ ...on, k: 3, t: 4, fixedW: 0.25 }), {
    k: 3,
    t: 4,
    w: 0.25,
    trace: true,
  });
  assert.deepEqual(
    toThinkingRequest({ ...on, w: "entropy", entropyThreshold: 2.5, maxW: 0.75, fixedW: 0.1 }),
    { k: 2, t: 8, w: "entropy", entropy_threshold: 2.5, max_w: 0.75, trace: true },
  );
  assert.deepEqual(toThinkingRequest({ ...on, w: "head" }), { k: 2, t: 8, w: "head", trace: true });
  // Every request built is one the engine's own schema accepts.
  for (const w of ["fixed", "entropy", "head"] as const) {
    assert.equal(ThinkingRequest.safeParse(toThinkingRequest({ ...on, w })).success, true);
  }
});

Deno.test("thinkingFieldErrors() names each invalid field in the house style", () => {
  assert.deepEqual(thinkingFieldErrors(on), {});
  assert.deepEqual(thinkingFieldErrors({ ...on, fixedW: 1.5 }), {
    fixedW: "Cannot use w as it must be in [0, 1]: current value is 1.5",
  });
  assert.deepEqual(thinkingFieldErrors({ ...on, k: 0, t: 33 }), {
    k: "Cannot use thoughts (K) as it must be at least 1: current value is 0",
    t: "Cannot use tokens per thought (t) as it must be at most 32: current value is 33",
  });
  assert.deepEqual(thinkingFieldErrors({ ...on, k: 2.5 }), {
    k: "Cannot use thoughts (K) as it must be a whole number: current value is 2.5",
  });
  assert.deepEqual(thinkingFieldErrors({ ...on, maxW: Number.NaN }), {
    maxW: "Cannot use max w as it must be a number: current value is not a number",
  });
  assert.deepEqual(thinkingFieldErrors({ ...on, entropyThreshold: -1 }), {
    entropyThreshold:
      "Cannot use entropy threshold as it must be at least 0 nats: current value is -1",
  });
  assert.equal(ThinkingSettings.safeParse({ ...on, w: "learned" }).success, false);
});

Deno.test("fixed and entropy-gated w are labelled untrained, the mixing head trained", () => {
  assert.equal(wLabel("fixed"), "untrained");
  assert.equal(wLabel("entropy"), "untrained");
  assert.equal(wLabel("head"), "trained");
  assert.equal(describeThinking({ ...on, fixedW: 0.5 }), "K = 2, t = 8, w = 0.5 fixed (untrained)");
  assert.equal(
    describeThinking({ ...on, w: "entropy" }),
    "K = 2, t = 8, w entropy-gated above 1 nats up to 0.5 (untrained)",
  );
});

Deno.test("the mixing head is offered only when the engine info declares one", () => {
  assert.match(headUnavailable(undefined) ?? "", /declares no mixing head/);
  assert.match(headUnavailable({ markers: true }) ?? "", /declares no mixing head/);
  assert.equal(headUnavailable({ markers: true, mixingHead: true }), undefined);
  const info = {
    model: "m",
    ep: "wasm" as const,
    epReason: "",
    contextLength: 1,
    vocabSize: 1,
    maxBatch: 1,
  };
  assert.deepEqual(thinkingSupportOf(undefined), {});
  assert.deepEqual(thinkingSupportOf(info), {});
  assert.deepEqual(thinkingSupportOf({ ...info, thinking: { markers: true, mixing_head: true } }), {
    markers: true,
    mixingHead: true,
  });
  assert.equal(thinkingUnavailable({}, false), undefined);
  assert.match(thinkingUnavailable({}, true) ?? "", /draft model/);
  assert.match(thinkingUnavailable({ markers: false }, false) ?? "", /startofthought/);
});

Deno.test("PipelineSettings stored before thinking existed parse with thinking off", () => {
  const old = {
    s2a: "off",
    selfrag: false,
    cove: "off",
    speculative: { enabled: false, gamma: "auto" },
    bestOfN: { enabled: false },
  } as const;
  assert.deepEqual(PipelineSettings.parse(old).thinking, defaultThinkingSettings);
  const partial = PipelineSettings.parse({ ...old, thinking: { enabled: true, fixedW: 0 } });
  assert.deepEqual(partial.thinking, { ...on, fixedW: 0 });
});

Deno.test("PipelineSettings refuse thinking together with a pipeline stage", () => {
  const thinking = { ...defaultPipelineSettings, thinking: on };
  assert.equal(PipelineSettings.safeParse(thinking).success, true);
  for (
    const stage of [
      { s2a: "llm" },
      { s2a: "filter" },
      { selfrag: true },
      { cove: "joint" },
      { bestOfN: { ...defaultPipelineSettings.bestOfN, enabled: true } },
    ]
  ) {
    const parsed = PipelineSettings.safeParse({ ...thinking, ...stage });
    assert.equal(parsed.success, false, JSON.stringify(stage));
    assert.deepEqual(parsed.error?.issues.map((i) => i.path), [["thinking", "enabled"]]);
    assert.match(parsed.error?.issues[0]?.message ?? "", /^Cannot turn on thinking with pipeline/);
  }
  // Speculation is not a stage: thinking may be on with it (the engine refuses a draft itself).
  const spec = { ...thinking, speculative: { enabled: true, gamma: 2 } };
  assert.deepEqual(toPipelineRequest(spec).pipeline, []);
});

Deno.test("the bridge sends thinking answers down its own path, and only those", () => {
  const bridge = createPipelineBridge("http://127.0.0.1:1", () => false);
  assert.equal(bridge.isActive(defaultPipelineSettings), false, "a plain answer");
  assert.equal(bridge.isActive({ ...defaultPipelineSettings, thinking: on }), true);
  assert.equal(
    bridge.isActive({ ...defaultPipelineSettings, thinking: { ...on, enabled: false } }),
    false,
  );
  assert.deepEqual(thinkingOf({ ...defaultPipelineSettings, thinking: { ...on, fixedW: 0 } }), {
    k: 2,
    t: 8,
    w: 0,
    trace: true,
  });
});

Deno.test("buildThinkingRequest() streams the conversation with thinking and the answer options", () => {
  const request = buildThinkingRequest({
    messages: [{ role: "user", content: "What is 2 + 3?" }],
    thinking: { k: 2, t: 8, w: 0.5, trace: true },
    options: { max_tokens: 24, temperature: 0 },
    adapter: undefined,
    speculative: { gamma: 0 },
  });
  assert.deepEqual(request, {
    messages: [{ role: "user", content: "What is 2 + 3?" }],
    stream: true,
    max_tokens: 24,
    temperature: 0,
    thinking: { k: 2, t: 8, w: 0.5, trace: true },
    speculative: { gamma: 0 },
  });
  const withAdapter = buildThinkingRequest({
    messages: [{ role: "user", content: "x" }],
    thinking: { w: 0 },
    options: { max_tokens: 1, temperature: 0 },
    adapter: "terse",
  });
  assert.equal(withAdapter.adapter, "terse");
  assert.equal("speculative" in withAdapter, false);
});
