/**
 * Prover-verifier best-of-n as a pipeline stage (Cobbe et al. 2021; Kirchner et al. 2024):
 * 1. ONE action of n requests: the same prompt, distinct seeds, temperature > 0 (one batch
 *    on the client);
 * 2. every candidate's steps are checked exactly by the arithmetic verifier (a hard filter
 *    for verifier "arithmetic" and "both": one wrong step rejects the candidate; "none" and
 *    "learned" only record the checks);
 * 3. for "learned" and "both", ONE action scores each surviving candidate with the verifier
 *    prompt (score_tokens accept / reject, `role: "verifier"`);
 * 4. the answer is the top-scored candidate or a verifier-weighted vote on final answers.
 * When the filter rejects every candidate, all of them go on (recorded as `fallback`), so a
 * run always answers. The trace records every candidate with its steps, final answer and
 * scores, and the selection.
 *
 * @module
 */
import { z } from "zod";
import type { BestOfNOptions, StepResult } from "../../../shared/pipeline.ts";
import { resultFor, type StageEnv, type StageMachine, type StageOutcome } from "../stage.ts";
import { candidateEvents } from "./events.ts";
import { checkCandidate, learnedScore, verifierPrompt } from "./verifier.ts";

/** Best-of-n stage state carried in the pipeline token. */
export const BestOfNStageState = z.object({
  kind: z.literal("best_of_n"),
  phase: z.enum(["candidates", "verify"]),
  /** Seed of each candidate, by index. */
  seeds: z.array(z.number().int()).min(1).max(32),
  /** Request id of each candidate, by index. */
  ids: z.array(z.string()).min(1).max(32),
  /** Candidate texts by index (empty until the client answered). */
  texts: z.array(z.string()),
  /** Indexes of the candidates that passed the filter (all, without one). */
  kept: z.array(z.number().int().min(0)),
  /** True when the filter rejected every candidate and all were kept. */
  fallback: z.boolean(),
});
/** Best-of-n stage state. */
export type BestOfNStageState = z.infer<typeof BestOfNStageState>;
type Outcome = StageOutcome<BestOfNStageState>;

const SEED_RANGE = 0xffff_0000;

function drawSeed(): number {
  return (crypto.getRandomValues(new Uint32Array(1))[0] ?? 0) % SEED_RANGE;
}

function usesFilter(o: BestOfNOptions): boolean {
  return o.verifier === "arithmetic" || o.verifier === "both";
}

function usesLearned(o: BestOfNOptions): boolean {
  return o.verifier === "learned" || o.verifier === "both";
}

/** Ask the learned verifier about each kept candidate, as one batch. */
function askVerifier(env: StageEnv, state: BestOfNStageState): Outcome {
  const o = env.options.best_of_n;
  const requests = state.kept.map((i) =>
    env.request(`v${i}`, {
      prompt: verifierPrompt(o.verifier_template, env.question, state.texts[i] ?? ""),
    }, {
      max_tokens: 0,
      temperature: 0,
      score_tokens: [o.accept_token, o.reject_token],
      role: "verifier",
    })
  );
  return { kind: "ask", state: { ...state, phase: "verify" }, requests, events: [] };
}

function finish(
  env: StageEnv,
  state: BestOfNStageState,
  learned: ReadonlyMap<number, number> | null,
): Outcome {
  const { output, events } = candidateEvents({
    options: env.options.best_of_n,
    seeds: state.seeds,
    texts: state.texts,
    ids: state.ids,
    kept: state.kept,
    fallback: state.fallback,
    learned,
  });
  return { kind: "done", question: env.question, draft: output, events };
}

function afterCandidates(
  env: StageEnv,
  state: BestOfNStageState,
  results: ReadonlyMap<string, StepResult>,
): Outcome {
  const o = env.options.best_of_n;
  const texts = state.ids.map((id) => resultFor(results, id).text);
  const all = texts.map((_, i) => i);
  const passed = usesFilter(o) ? all.filter((i) => checkCandidate(texts[i] ?? "").ok) : all;
  const fallback = passed.length === 0;
  const next = { ...state, texts, kept: fallback ? all : passed, fallback };
  return usesLearned(o) ? askVerifier(env, next) : finish(env, next, null);
}

/** The best-of-n stage machine. */
export const bestOfNStage: StageMachine<BestOfNStageState> = {
  name: "best_of_n",
  start(env) {
    const o = env.options.best_of_n;
    const base = o.seed ?? drawSeed();
    const seeds = Array.from({ length: o.n }, (_, i) => base + i);
    const requests = seeds.map((seed, i) =>
      env.request(`c${i}`, { messages: [{ role: "user", content: env.question }] }, {
        max_tokens: env.options.max_tokens,
        temperature: o.temperature,
        seed,
        role: "prover",
      })
    );
    const state: BestOfNStageState = {
      kind: "best_of_n",
      phase: "candidates",
      seeds,
      ids: requests.map((r) => r.id),
      texts: [],
      kept: [],
      fallback: false,
    };
    return Promise.resolve({ kind: "ask", state, requests, events: [] });
  },
  step(env, state, results) {
    if (state.phase === "candidates") return Promise.resolve(afterCandidates(env, state, results));
    const o = env.options.best_of_n;
    const learned = new Map(state.kept.map((i) => {
      const r = resultFor(results, env.pendingId(`v${i}`));
      return [i, learnedScore(r.scores ?? {}, o.accept_token, o.reject_token)] as const;
    }));
    return Promise.resolve(finish(env, state, learned));
  },
};
