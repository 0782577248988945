/**
 * Self-RAG as a pipeline stage (Asai et al., ICLR 2024, Algorithm 1 with segment-level beam
 * search). Modes:
 * - no_retrieval: one generation, no evidence.
 * - adaptive: the first request scores p[Retrieval] vs p[No Retrieval] (and, with reflection
 *   tokens, generates the evidence-free answer at the same time); retrieve when
 *   p[Retrieval] / (p[Retrieval] + p[No Retrieval]) > delta.
 * - always: retrieve at once.
 * Retrieval rounds: k passages per live node -> one candidate per passage (ONE batch) ->
 * critiques (ONE batch) -> node score = segment score x parent score -> keep the best
 * `beam_width`; a node goes deeper (up to `max_depth` segments) when the model asked for
 * more evidence ([Retrieval] in its text) or, without reflection tokens, when the judge
 * says the answer is incomplete.
 *
 * @module
 */
import { resultFor, type StageMachine } from "../pipeline/stage.ts";
import { rootNode } from "./beam.ts";
import { instructionPrompt, JUDGE, judgeGatePrompt, noRetrievalPrompt } from "./prompts.ts";
import { prob, retrievalProbability } from "./scoring.ts";
import { afterCandidates, afterCritique, expand } from "./search.ts";
import { ask, askAnswer, base, done, type State } from "./state.ts";
import { RETRIEVAL_TOKENS, stripReflection } from "./tokens.ts";

// The retrieval gate reads p[Retrieval] and p[No Retrieval].
const GATE_TOKENS = [RETRIEVAL_TOKENS[0], RETRIEVAL_TOKENS[1]] as const;

export { SelfRagStageState } from "./state.ts";

/** The Self-RAG stage machine. */
export const selfragStage: StageMachine<State> = {
  name: "selfrag",
  start(env) {
    const o = env.options.selfrag;
    if (o.mode === "no_retrieval") return Promise.resolve(askAnswer(env, base(), []));
    if (o.mode === "always") return expand(env, { ...base(), beam: [rootNode()] }, []);
    const requests = o.reflection_tokens
      ? [env.request("gate", { prompt: instructionPrompt(env.question) }, {
        max_tokens: env.options.max_tokens,
        score_tokens: GATE_TOKENS,
      })]
      : [
        env.request("gate", { prompt: judgeGatePrompt(env.question) }, {
          max_tokens: 0,
          score_tokens: JUDGE.gate.tokens,
        }),
        env.request("answer", { prompt: noRetrievalPrompt(env.question, false) }, {
          max_tokens: env.options.max_tokens,
        }),
      ];
    return Promise.resolve(ask(base(), requests, []));
  },
  step(env, state, results) {
    const o = env.options.selfrag;
    if (state.phase === "answer") {
      const answer = stripReflection(resultFor(results, env.pendingId("answer")).text);
      return Promise.resolve(
        done(env, answer, [{ event: "answer", data: { retrieval: false, output: answer } }]),
      );
    }
    if (state.phase === "gate") {
      const gate = resultFor(results, env.pendingId("gate"));
      const [yes, no] = o.reflection_tokens ? GATE_TOKENS : JUDGE.gate.tokens;
      const p = retrievalProbability(prob(gate.scores ?? {}, yes), prob(gate.scores ?? {}, no));
      const retrieve = p > o.delta;
      const answerText = o.reflection_tokens
        ? gate.text
        : resultFor(results, env.pendingId("answer")).text;
      const fallback = stripReflection(answerText);
      const events = [{ event: "gate", data: { p_retrieval: p, delta: o.delta, retrieve } }];
      if (!retrieve) {
        return Promise.resolve(
          done(env, fallback, [...events, {
            event: "answer",
            data: { retrieval: false, output: fallback },
          }]),
        );
      }
      return expand(env, { ...state, fallback, beam: [rootNode()] }, events);
    }
    if (state.phase === "candidates") return Promise.resolve(afterCandidates(env, state, results));
    return Promise.resolve(afterCritique(env, state, results));
  },
};
