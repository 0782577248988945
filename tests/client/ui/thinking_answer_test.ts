/**
 * A thinking answer through the chat's pipeline bridge against the real engine (in-process,
 * onnxruntime-web on wasm) over the tiny forged model that has the thought markers: w = 0
 * answers exactly like thinking off, w = 0.5 reports its cost per emitted token, and the trace
 * the conversation stores renders as the thinking panel.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ChatMessage, Engine } from "../../../client/engine/api.ts";
import { createPipelineBridge } from "../../../client/ui/chat/pipeline_bridge.ts";
import { defaultPipelineSettings } from "../../../client/ui/trace/pipeline_settings.ts";
import { defaultThinkingSettings } from "../../../client/ui/trace/thinking_settings.ts";
import {
  outputIsThoughtFree,
  renderThinkingTrace,
  ThinkingTrace,
} from "../../../client/ui/trace/thinking_view.ts";
import { ortTest } from "../engine/engine_fixtures.ts";
import { thinkingEngine } from "../engine/thinking/thinking_model.ts";
import { asFake, fakeDocument } from "./fake_dom.ts";

const MESSAGES: ChatMessage[] = [{ role: "user", content: "The quick brown fox" }];
const OPTIONS = { max_tokens: 6, temperature: 0 };

async function plainAnswer(engine: Engine): Promise<string> {
  const r = await engine.chat.completions.create({ messages: MESSAGES, ...OPTIONS });
  return r.choices[0]?.message.content ?? "";
}

function settings(fixedW: number) {
  return {
    ...defaultPipelineSettings,
    thinking: { ...defaultThinkingSettings, enabled: true, k: 2, t: 2, fixedW },
  };
}

Deno.test({
  name: "a thinking answer via the bridge: w = 0 equals thinking off, w = 0.5 reports its cost",
  ...ortTest,
  fn: async () => {
    const engine = await thinkingEngine();
    try {
      const bridge = createPipelineBridge("http://127.0.0.1:1", () => false);
      const run = async (fixedW: number) => {
        const streamed: string[] = [];
        const out = await bridge.run({
          engine,
          messages: MESSAGES,
          settings: settings(fixedW),
          options: OPTIONS,
          signal: new AbortController().signal,
          onToken: (d) => streamed.push(d),
        });
        assert.equal(streamed.join(""), out.output, "the answer streams");
        return { output: out.output, trace: ThinkingTrace.parse(out.trace) };
      };
      const off = await plainAnswer(engine);
      const zero = await run(0);
      assert.ok(off.length > 0);
      assert.equal(zero.output, off, "w = 0 reproduces the base model");
      assert.equal(zero.trace.stats?.thinking_steps, zero.trace.stats?.emitted_tokens);

      const half = await run(0.5);
      const s = half.trace.stats;
      assert.ok(s !== undefined, "the finishing chunk carries the thinking report");
      assert.equal(s.w_source, "fixed");
      assert.equal(s.w_label, "untrained");
      assert.equal(s.k, 2);
      assert.equal(s.t, 2);
      // Every emitted position thought: 1 base pass + (t + 1) thought passes per token.
      assert.equal(s.thinking_steps, s.emitted_tokens);
      assert.equal(s.per_token.forward_passes, 1 + (s.t + 1));
      assert.equal(s.thought_tokens, s.emitted_tokens * s.k * s.t);
      assert.equal(s.trace?.length, s.emitted_tokens);
      assert.equal(half.trace.usage?.completion_tokens_details?.thought_tokens, s.thought_tokens);
      assert.equal(outputIsThoughtFree(half.trace), true);
      assert.deepEqual(half.trace.request, { k: 2, t: 2, w: 0.5, trace: true });

      // The stored trace renders as the thinking panel (the bridge picks it by its shape).
      const { doc } = fakeDocument();
      const panel = asFake(renderThinkingTrace(half.trace, doc));
      assert.equal(panel.getAttribute("data-w-label"), "untrained");
      const perToken = panel.withAttr("data-per-token").map((c) => [
        c.getAttribute("data-per-token"),
        c.textContent,
      ]);
      assert.deepEqual(perToken, [
        ["thought_tokens", s.per_token.thought_tokens.toFixed(2)],
        ["forward_passes", "4.00"],
        ["thought_ms", s.per_token.thought_ms.toFixed(1)],
      ]);
      assert.equal(panel.all("table")[1]?.all("tbody")[0]?.all("tr").length, s.emitted_tokens);
      assert.match(
        panel.withAttr("data-thought-free", "true")[0]?.textContent ?? "",
        /^Thought tokens in the output: none\./,
      );
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test("the thinking panel reads the w label and reports a cut answer without a report", () => {
  const { doc } = fakeDocument();
  const cut = asFake(renderThinkingTrace({
    kind: "thinking",
    request: { w: 0.5 },
    finish_reason: null,
  }, doc));
  assert.equal(
    cut.all("summary")[0]?.textContent,
    "Trace: thinking (no report: the answer ended early)",
  );
  assert.equal(cut.all("table").length, 0);
  assert.equal(
    ThinkingTrace.safeParse([{ stage: "cove" }]).success,
    false,
    "pipeline traces differ",
  );
});
