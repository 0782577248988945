/**
 * The Self-RAG stage's state and the small outcomes every phase builds.
 *
 * @module
 */
import { z } from "zod";
import type { GenerateRequest } from "../../shared/pipeline.ts";
import type { StageEnv, StageEvent, StageOutcome } from "../pipeline/stage.ts";
import { BeamNode, Candidate } from "./beam.ts";
import { noRetrievalPrompt } from "./prompts.ts";

/** Self-RAG stage state carried in the pipeline token. */
export const SelfRagStageState = z.object({
  kind: z.literal("selfrag"),
  phase: z.enum(["gate", "answer", "candidates", "critique"]),
  depth: z.number().int(),
  /** Nodes of the level being expanded (their children are the candidates). */
  beam: z.array(BeamNode),
  finished: z.array(BeamNode),
  candidates: z.array(Candidate),
  /** The evidence-free answer generated with the gate, if any. */
  fallback: z.string().nullable(),
  next_id: z.number().int(),
});
/** Self-RAG stage state. */
export type SelfRagStageState = z.infer<typeof SelfRagStageState>;
/** Shorthand for the stage state. */
export type State = SelfRagStageState;
/** An outcome of the Self-RAG stage. */
export type Outcome = StageOutcome<State>;

/** A fresh state. */
export const base = (): State => ({
  kind: "selfrag",
  phase: "gate",
  depth: 0,
  beam: [],
  finished: [],
  candidates: [],
  fallback: null,
  next_id: 1,
});

/**
 * Ask the client for a batch. Every request Self-RAG asks for (the retrieval gate, the
 * evidence-free answer, the segment candidates, the critiques) passes here and is marked
 * `role: "reader"`: the client may run it on a separate reader model (the generator fine-tuned
 * with reflection tokens, as Asai et al. train theirs). The run's adapter stays on it.
 */
export function ask(state: State, requests: GenerateRequest[], events: StageEvent[]): Outcome {
  const marked = requests.map((r): GenerateRequest => ({ ...r, role: "reader" }));
  return { kind: "ask", state, requests: marked, events };
}

/** Hand the answer to the next stage. */
export function done(env: StageEnv, answer: string, events: StageEvent[]): Outcome {
  return { kind: "done", question: env.question, draft: answer, events };
}

/** Ask for an answer without evidence (the final request: it may stream). */
export function askAnswer(env: StageEnv, state: State, events: StageEvent[]): Outcome {
  const req = env.request("answer", {
    prompt: noRetrievalPrompt(env.question, env.options.selfrag.reflection_tokens),
  }, {
    max_tokens: env.options.max_tokens,
    ...(env.isLast && env.options.stream ? { stream: true } : {}),
  });
  return ask({ ...state, phase: "answer" }, [req], events);
}
