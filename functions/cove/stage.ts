/**
 * Chain-of-Verification as a pipeline stage (Dhuliawala et al. 2023): (1) baseline draft,
 * (2) plan verification questions, (3) execute them, (4) final verified response.
 *
 * - joint: the plan prompt's output holds the questions AND their answers (2+3 in one).
 * - two_step: the questions are answered by ONE prompt holding all of them, never the draft.
 * - factored: one independent prompt per question (one batch), never the draft.
 * - factor_revise: factored, plus one cross-check per fact answering CONSISTENT. /
 *   INCONSISTENT. / PARTIALLY CONSISTENT. before the final response.
 *
 * With `plan: "auto"` (the default), a list question of a shape list_rules.ts knows is planned by
 * rule in the factored variants: one verification question per draft item, no plan or final
 * request; the verified list keeps the items the answers (factored) or cross-checks
 * (factor+revise) confirm.
 *
 * When an earlier stage (Self-RAG) produced an answer, it is the draft and step 1 is skipped.
 * Every request is marked `role: "cove"` (a client may run it on a CoVe model of its own).
 *
 * @module
 */
import { z } from "zod";
import type { GenerateRequest, StepResult } from "../../shared/pipeline.ts";
import { cleanAnswer, parseJointPairs, parseNumberedAnswers } from "./answers.ts";
import { parseListItems } from "./list_items.ts";
import { keptItems, planByRule, verifiedList } from "./list_rules.ts";
import { parseVerificationQuestions } from "./plan_parser.ts";
import {
  baselinePrompt,
  crossCheckPrompt,
  executePrompt,
  finalPrompt,
  planPrompt,
  twoStepPrompt,
  type VerifiedPair,
} from "./prompts.ts";
import { parseVerdict } from "./verdict.ts";
import {
  resultFor,
  type StageEnv,
  type StageEvent,
  type StageMachine,
  type StageOutcome,
} from "../pipeline/stage.ts";

/** Token budget of one verification answer. */
export const VERIFY_MAX_TOKENS = 64;
/** Token budget of one cross-check verdict. */
export const CROSS_CHECK_MAX_TOKENS = 16;

const Pair = z.object({
  fact: z.string(),
  question: z.string(),
  answer: z.string(),
  verdict: z.enum(["CONSISTENT", "INCONSISTENT", "PARTIALLY CONSISTENT", "UNKNOWN"]).optional(),
});

/** CoVe stage state carried in the pipeline token. */
export const CoveStageState = z.object({
  kind: z.literal("cove"),
  phase: z.enum(["baseline", "plan", "execute", "cross_check", "final"]),
  pending: z.array(z.string()),
  draft: z.string(),
  pairs: z.array(Pair),
  /** Set when the plan came from a list rule (list_rules.ts): owner, label, items per pair. */
  list: z.object({ owner: z.string(), label: z.string(), items: z.array(z.string()) })
    .optional(),
});
/** CoVe stage state. */
export type CoveStageState = z.infer<typeof CoveStageState>;
type Outcome = StageOutcome<CoveStageState>;

/**
 * Ask the client for a batch. Every request CoVe asks for (the baseline draft, the plan, the
 * verification answers, the cross-checks, the final response) passes here and is marked
 * `role: "cove"`: the client may run it on a separate CoVe model (the model fine-tuned on CoVe's
 * prompts). The run's adapter stays on it.
 */
function ask(
  state: Omit<CoveStageState, "kind" | "pending">,
  requests: GenerateRequest[],
  events: StageEvent[],
): Outcome {
  return {
    kind: "ask",
    state: { kind: "cove", ...state, pending: requests.map((r) => r.id) },
    requests: requests.map((r): GenerateRequest => ({ ...r, role: "cove" })),
    events,
  };
}

function askPlan(env: StageEnv, draft: string, events: StageEvent[]): Outcome {
  const { variant, plan: source, max_questions: max } = env.options.cove;
  const factored = variant === "factored" || variant === "factor_revise";
  const rule = source === "auto" && factored ? planByRule(env.question, draft, max) : null;
  if (rule !== null) {
    const list = { owner: rule.owner, label: rule.label, items: rule.items };
    const plan = { event: "plan", data: { source: "rules", questions: rule.questions } };
    const pairs = rule.questions.map((q) => ({ ...q, answer: "" }));
    return askExecute(env, draft, pairs, [...events, plan], list);
  }
  const req = env.request("plan", { prompt: planPrompt(env.question, draft) }, {
    max_tokens: env.options.max_tokens,
  });
  return ask({ phase: "plan", draft, pairs: [] }, [req], events);
}

/** The rule plan's list facts carried through execution and cross-checks. */
type ListState = NonNullable<CoveStageState["list"]>;

function askExecute(
  env: StageEnv,
  draft: string,
  pairs: VerifiedPair[],
  events: StageEvent[],
  list?: ListState,
): Outcome {
  const questions = pairs.map((p) => p.question);
  const requests = env.options.cove.variant === "two_step"
    ? [env.request("verify", { prompt: twoStepPrompt(questions) }, {
      max_tokens: VERIFY_MAX_TOKENS * questions.length,
    })]
    : questions.map((q, i) =>
      env.request(`verify${i}`, { prompt: executePrompt(q) }, {
        max_tokens: VERIFY_MAX_TOKENS,
        stop: ["\nQ:"],
      })
    );
  return ask({ phase: "execute", draft, pairs, ...(list ? { list } : {}) }, requests, events);
}

function askFinal(
  env: StageEnv,
  draft: string,
  pairs: VerifiedPair[],
  events: StageEvent[],
): Outcome {
  const req = env.request("final", { prompt: finalPrompt(draft, pairs) }, {
    max_tokens: env.options.max_tokens,
    ...(env.isLast && env.options.stream ? { stream: true } : {}),
  });
  return ask({ phase: "final", draft, pairs }, [req], events);
}

function unverified(env: StageEnv, draft: string, events: StageEvent[]): Outcome {
  const final = {
    event: "final",
    data: { response: draft, revised: false, reason: "no verification questions" },
  };
  return { kind: "done", question: env.question, draft, events: [...events, final] };
}

/** Done with the rule plan's verified list: the label and the items verification keeps. */
function listVerified(
  env: StageEnv,
  list: ListState,
  pairs: VerifiedPair[],
  events: StageEvent[],
): Outcome {
  const kept = keptItems(list, pairs);
  const response = verifiedList(list.label, kept);
  const final = {
    event: "final",
    data: { response, revised: true, source: "rules", draft_items: list.items, final_items: kept },
  };
  return { kind: "done", question: env.question, draft: response, events: [...events, final] };
}

function afterPlan(env: StageEnv, state: CoveStageState, text: string): Outcome {
  const max = env.options.cove.max_questions;
  if (env.options.cove.variant === "joint") {
    const pairs = parseJointPairs(text, max);
    const events = [
      {
        event: "plan",
        data: { raw: text, questions: pairs.map(({ fact, question }) => ({ fact, question })) },
      },
      { event: "verify", data: { pairs } },
    ];
    return pairs.length === 0
      ? unverified(env, state.draft, events)
      : askFinal(env, state.draft, pairs, events);
  }
  const questions = parseVerificationQuestions(text, max);
  const events = [{ event: "plan", data: { raw: text, questions } }];
  if (questions.length === 0) return unverified(env, state.draft, events);
  return askExecute(env, state.draft, questions.map((q) => ({ ...q, answer: "" })), events);
}

function afterExecute(
  env: StageEnv,
  state: CoveStageState,
  results: ReadonlyMap<string, StepResult>,
): Outcome {
  const answers = env.options.cove.variant === "two_step"
    ? parseNumberedAnswers(resultFor(results, state.pending[0] ?? "").text, state.pairs.length)
    : state.pending.map((id) => cleanAnswer(resultFor(results, id).text));
  const pairs = state.pairs.map((p, i) => ({ ...p, answer: answers[i] ?? "" }));
  const events = [{ event: "verify", data: { pairs } }];
  if (env.options.cove.variant !== "factor_revise") {
    return state.list !== undefined
      ? listVerified(env, state.list, pairs, events)
      : askFinal(env, state.draft, pairs, events);
  }
  const requests = pairs.map((p, i) =>
    env.request(`check${i}`, {
      prompt: crossCheckPrompt(p.fact || state.draft, p.question, p.answer),
    }, {
      max_tokens: CROSS_CHECK_MAX_TOKENS,
    })
  );
  const list = state.list !== undefined ? { list: state.list } : {};
  return ask({ phase: "cross_check", draft: state.draft, pairs, ...list }, requests, events);
}

/** The CoVe stage machine. */
export const coveStage: StageMachine<CoveStageState> = {
  name: "cove",
  start(env) {
    if (env.draft !== null) {
      const events = [{ event: "baseline", data: { draft: env.draft, source: "previous stage" } }];
      return Promise.resolve(askPlan(env, env.draft, events));
    }
    const req = env.request("baseline", { prompt: baselinePrompt(env.question) }, {
      max_tokens: env.options.max_tokens,
      stop: ["\nQ:"],
    });
    return Promise.resolve(ask({ phase: "baseline", draft: "", pairs: [] }, [req], []));
  },
  step(env, state, results) {
    const first = resultFor(results, state.pending[0] ?? "").text;
    switch (state.phase) {
      case "baseline": {
        const draft = cleanAnswer(first);
        return Promise.resolve(
          askPlan(env, draft, [{ event: "baseline", data: { draft, source: "baseline prompt" } }]),
        );
      }
      case "plan":
        return Promise.resolve(afterPlan(env, state, first));
      case "execute":
        return Promise.resolve(afterExecute(env, state, results));
      case "cross_check": {
        const pairs = state.pairs.map((p, i) => {
          const raw = resultFor(results, state.pending[i] ?? "").text;
          return { ...p, verdict: parseVerdict(raw), raw };
        });
        const events = [{ event: "cross_check", data: { checks: pairs } }];
        const checked = pairs.map(({ raw: _raw, ...p }) => p);
        return Promise.resolve(
          state.list !== undefined
            ? listVerified(env, state.list, checked, events)
            : askFinal(env, state.draft, checked, events),
        );
      }
      case "final": {
        const response = first.trim();
        const event = {
          event: "final",
          data: {
            response,
            revised: true,
            draft_items: parseListItems(state.draft),
            final_items: parseListItems(response),
          },
        };
        return Promise.resolve({
          kind: "done",
          question: env.question,
          draft: response,
          events: [event],
        });
      }
    }
  },
};
