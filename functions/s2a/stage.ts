/**
 * System 2 Attention as a pipeline stage (Weston & Sukhbaatar 2023): x' = LLM(P_S2A(x)),
 * then, when S2A is the last stage, y = LLM(x'). The rewrite REPLACES x: later stages and
 * the answer see x' only (the trace keeps x for the record).
 *
 * @module
 */
import { z } from "zod";
import { parseS2ARewrite } from "./parse_rewrite.ts";
import { rewrittenInput, s2aPrompt } from "./prompts.ts";
import {
  resultFor,
  type StageEnv,
  type StageMachine,
  type StageOutcome,
} from "../pipeline/stage.ts";

/** S2A stage state carried in the pipeline token. */
export const S2AStageState = z.object({
  kind: z.literal("s2a"),
  phase: z.enum(["rewrite", "answer"]),
  pending: z.string(),
  rewritten: z.string(),
});
/** S2A stage state. */
export type S2AStageState = z.infer<typeof S2AStageState>;

function askAnswer(env: StageEnv, rewritten: string): StageOutcome<S2AStageState> {
  const req = env.request("answer", { messages: [{ role: "user", content: rewritten }] }, {
    max_tokens: env.options.max_tokens,
    ...(env.options.stream ? { stream: true } : {}),
  });
  return {
    kind: "ask",
    state: { kind: "s2a", phase: "answer", pending: req.id, rewritten },
    requests: [req],
    events: [],
  };
}

/** The S2A stage machine. */
export const s2aStage: StageMachine<S2AStageState> = {
  name: "s2a",
  start(env) {
    const req = env.request(
      "rewrite",
      { messages: [{ role: "user", content: s2aPrompt(env.question, env.options.s2a.variant) }] },
      { max_tokens: env.options.max_tokens },
    );
    return Promise.resolve({
      kind: "ask",
      state: { kind: "s2a", phase: "rewrite", pending: req.id, rewritten: "" },
      requests: [req],
      events: [],
    });
  },
  step(env, state, results) {
    const text = resultFor(results, state.pending).text;
    if (state.phase === "answer") {
      const answer = text.trim();
      return Promise.resolve({
        kind: "done",
        question: state.rewritten,
        draft: answer,
        events: [{ event: "answer", data: { input: state.rewritten, output: answer } }],
      });
    }
    const parsed = parseS2ARewrite(text, env.question);
    const rewritten = rewrittenInput(parsed.context, parsed.question);
    const event = {
      event: "rewrite",
      data: {
        variant: env.options.s2a.variant,
        original: env.question,
        raw: text,
        context: parsed.context,
        question: parsed.question,
        parse: parsed.parse,
        rewritten,
      },
    };
    if (env.isLast) {
      const next = askAnswer(env, rewritten);
      return Promise.resolve({ ...next, events: [event] });
    }
    return Promise.resolve({ kind: "done", question: rewritten, draft: null, events: [event] });
  },
};
