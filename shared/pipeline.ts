/**
 * Wire types of the client-in-the-loop step protocol (design.md, "The client-in-the-loop
 * step protocol"): the edge plans, the client generates.
 *
 * @module
 */
import { z } from "zod";

/** Upper bound on the characters of one chat message or prompt the edge accepts. */
export const MAX_TEXT_CHARS = 16_000;
/** Upper bound on the characters of one generated text the client may return. */
export const MAX_RESULT_CHARS = 16_000;
/** Upper bound on the state token the edge accepts (bytes of its ASCII text). */
export const MAX_STATE_BYTES = 64 * 1024;

/**
 * The pipeline stages, in the only order in which they compose. "selfrag" and "best_of_n"
 * both answer the question, so a pipeline holds at most one of them (see
 * {@link isValidComposition}).
 */
export const STAGE_ORDER = ["s2a", "selfrag", "best_of_n", "cove"] as const;
/** One pipeline stage. */
export const Stage = z.enum(STAGE_ORDER);
/** One pipeline stage. */
export type Stage = z.infer<typeof Stage>;

/** A chat message in the OpenAI shape. */
export const ChatMessage = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});
/** A chat message in the OpenAI shape. */
export type ChatMessage = z.infer<typeof ChatMessage>;

/** A chat message the edge accepts as pipeline input (bounded in size). */
export const InputMessage = ChatMessage.extend({ content: z.string().max(MAX_TEXT_CHARS) });

/**
 * Request roles a client may run on a side model of its own, in the order their batches run
 * after the main batch: best-of-n's learned verifier, Self-RAG's reader and the CoVe model
 * (every request of the CoVe stage: baseline, plan, verification answers, cross-checks,
 * final). A world build names those models the same (`<folder>/verifier`, `<folder>/reader`,
 * `<folder>/cove`).
 */
export const SIDE_ROLES = ["verifier", "reader", "cove"] as const;
/** A request role that may run on a side model. */
export type SideRole = typeof SIDE_ROLES[number];

/**
 * One generation the client runs. Exactly one of `prompt` (raw completion text) and
 * `messages` (chat, rendered with the model's chat template) is set.
 *
 * `score_tokens`: the client returns `scores[t]`, the probability that the generated text
 * (leading whitespace ignored) begins with `t`, read from the distribution of the FIRST
 * generated position (for a string of several tokens, the product of their conditional
 * probabilities). `max_tokens: 0` asks for the scores only. `stream: true` marks the
 * request whose text is the run's final answer (the client may stream it to the UI).
 */
export const GenerateRequest = z.object({
  id: z.string().min(1).max(128),
  prompt: z.string().optional(),
  messages: z.array(ChatMessage).optional(),
  max_tokens: z.number().int().min(0).max(8192),
  temperature: z.number().min(0).max(2),
  stop: z.array(z.string()),
  adapter: z.string().optional(),
  score_tokens: z.array(z.string()).optional(),
  /** Return `token_logprobs` for the generated tokens. */
  logprobs: z.boolean().optional(),
  stream: z.boolean().optional(),
  /**
   * Sampling seed of this row; requests of one action that share a prompt get distinct seeds
   * (best-of-n candidates). A client without seeded sampling may ignore it.
   */
  seed: z.number().int().min(0).max(0xffff_ffff).optional(),
  /**
   * Who answers: "prover" (the default, the run's model), "verifier" (a request the client
   * may route to a separate verifier model; such requests carry no `adapter`), "reader" (a
   * Self-RAG generator request, gate, segment or critique, the client may route to a separate
   * reader model) or "cove" (a request of the CoVe stage, baseline, plan, verification answer,
   * cross-check or final response, the client may route to a separate CoVe model). "reader"
   * and "cove" requests keep the run's `adapter`, which a client may honour by running them on
   * the run's model instead.
   */
  role: z.enum(["prover", ...SIDE_ROLES]).optional(),
}).refine((r) => (r.prompt === undefined) !== (r.messages === undefined), {
  message: "exactly one of 'prompt' and 'messages' must be set",
});
/** One generation the client runs. */
export type GenerateRequest = z.infer<typeof GenerateRequest>;

/** A batch of independent generations the client runs as ONE batch. */
export const GenerateAction = z.object({
  kind: z.literal("generate"),
  requests: z.array(GenerateRequest).min(1),
});
/** A batch of independent generations. */
export type GenerateAction = z.infer<typeof GenerateAction>;

/** Anything the edge asks the client to do (only "generate" in v1). */
export const Action = z.discriminatedUnion("kind", [GenerateAction]);
/** Anything the edge asks the client to do. */
export type Action = z.infer<typeof Action>;

/** S2A stage options (Weston & Sukhbaatar 2023). */
export const S2AOptions = z.object({
  /** "unbiased": the paper's opinion-removal prompt; "relevance": its distractor variant. */
  variant: z.enum(["unbiased", "relevance"]).default("unbiased"),
});

/** Chain-of-Verification stage options (Dhuliawala et al. 2023). */
export const CoveOptions = z.object({
  variant: z.enum(["joint", "two_step", "factored", "factor_revise"]).default("factored"),
  /** At most this many verification questions are kept from the plan. */
  max_questions: z.number().int().min(1).max(16).default(8),
  /**
   * "auto": a list question of a shape the edge knows (functions/cove/list_rules.ts) is
   * planned by rule in the factored variants (one question per draft item, the verified list
   * kept by the answers or cross-checks); anything else, and "model", asks the model for the
   * plan and the final response (the paper's steps 2 and 4).
   */
  plan: z.enum(["auto", "model"]).default("auto"),
});

/** Self-RAG stage options (Asai et al. 2024); defaults are the paper's. */
export const SelfRagOptions = z.object({
  mode: z.enum(["adaptive", "always", "no_retrieval"]).default("adaptive"),
  /** Retrieval threshold on p[Retrieval] / (p[Retrieval] + p[No Retrieval]). */
  delta: z.number().min(0).max(1).default(0.2),
  /** Passages retrieved per segment (one candidate each). */
  k: z.number().int().min(1).max(10).default(5),
  w_rel: z.number().default(1.0),
  w_sup: z.number().default(1.0),
  w_use: z.number().default(0.5),
  /** Add exp(mean token logprob) of the candidate to its segment score. */
  use_seq_score: z.boolean().default(false),
  beam_width: z.number().int().min(1).max(4).default(2),
  /** Maximum number of segments (beam-search depth). */
  max_depth: z.number().int().min(1).max(4).default(2),
  /** false: the model has no reflection tokens; critiques become judge prompts. */
  reflection_tokens: z.boolean().default(true),
});

/** The default learned-verifier template; `{question}` and `{solution}` are filled in. */
export const DEFAULT_VERIFIER_TEMPLATE =
  "Problem: {question}\nSolution: {solution}\nIs the solution correct? Answer Yes or No.\nAnswer:";

/**
 * Prover-verifier best-of-n stage options (Cobbe et al. 2021; Kirchner et al. 2024): n sampled
 * candidates as ONE batch, the arithmetic verifier as a hard filter per step and/or a learned
 * verifier scoring each candidate, then the top-scored candidate or a verifier-weighted vote
 * over the final answers.
 */
export const BestOfNOptions = z.object({
  /** Candidates sampled as one batch. */
  n: z.number().int().min(1).max(32).default(4),
  /**
   * Sampling temperature of the candidates: > 0 when n > 1 (the candidates must differ);
   * n = 1 at 0 is greedy decoding, the baseline best-of-n is measured against.
   */
  temperature: z.number().min(0).max(2).default(0.8),
  /** Seed of candidate 0; candidate i gets seed + i. Unset: the edge draws one. */
  seed: z.number().int().min(0).max(0xffff_0000).optional(),
  /** "top": the best-scored candidate; "vote": verifier-weighted majority over final answers. */
  selection: z.enum(["top", "vote"]).default("vote"),
  /**
   * "arithmetic": reject every candidate with a wrong `<<expr=result>>` (or inline) step, the
   * survivors score 1; "learned": no filter, each candidate scored by the verifier prompt;
   * "both": the filter, then the learned score of the survivors; "none": no verifier, every
   * candidate scores 1 (plain majority vote with "vote").
   */
  verifier: z.enum(["arithmetic", "learned", "both", "none"]).default("arithmetic"),
  /** Learned-verifier prompt; must hold `{solution}` (and may hold `{question}`). */
  verifier_template: z.string().min(1).max(2_000).refine((t) => t.includes("{solution}"), {
    message: "must contain {solution}",
  }).default(DEFAULT_VERIFIER_TEMPLATE),
  /** Score string meaning "correct"; score = p(accept) / (p(accept) + p(reject)). */
  accept_token: z.string().min(1).max(32).default("Yes"),
  /** Score string meaning "incorrect". */
  reject_token: z.string().min(1).max(32).default("No"),
}).refine((o) => o.accept_token !== o.reject_token, {
  message: "accept_token and reject_token must differ",
}).refine((o) => o.n === 1 || o.temperature > 0, {
  message: "temperature must be above 0 when n > 1: the candidates would all be the same",
  path: ["temperature"],
});
/** Best-of-n stage options, defaults applied. */
export type BestOfNOptions = z.infer<typeof BestOfNOptions>;

/** Options of a pipeline run; every field has a default. */
export const PipelineOptions = z.object({
  /** Token budget of answer-producing generations. */
  max_tokens: z.number().int().min(1).max(4096).default(256),
  temperature: z.number().min(0).max(2).default(0),
  /** LoRA adapter the client applies to every request of this run. */
  adapter: z.string().min(1).max(128).optional(),
  /** Mark the request that produces the final answer with `stream: true`. */
  stream: z.boolean().default(false),
  /**
   * The client model's context window in tokens. When set, stages that pack retrieved
   * passages into prompts (Self-RAG) trim them, and the model text they put back into
   * prompts, so every prompt plus room to answer fits (see functions/pipeline/prompt_budget.ts).
   * Unset: prompts are sent whole.
   */
  context_tokens: z.number().int().min(64).max(1_048_576).optional(),
  /**
   * Characters per token assumed for templates and passages when `context_tokens` is set
   * (model-written text is counted by its UTF-8 bytes). The default 1.25 is conservative: the
   * tiny-world tokenizers measure 1.9 on corpus text and 1.3 on prompts with Self-RAG
   * markup; large BPE vocabularies give about 4 on English.
   */
  chars_per_token: z.number().min(0.5).max(8).default(1.25),
  s2a: S2AOptions.prefault({}),
  cove: CoveOptions.prefault({}),
  selfrag: SelfRagOptions.prefault({}),
  best_of_n: BestOfNOptions.prefault({}),
});
/** Options of a pipeline run, defaults applied. */
export type PipelineOptions = z.infer<typeof PipelineOptions>;
/** Options of a pipeline run as a caller writes them (all optional). */
export type PipelineOptionsInput = z.input<typeof PipelineOptions>;

/**
 * True when `stages` is a non-empty ordered subsequence of s2a, selfrag, best_of_n, cove
 * holding at most one of the answering stages selfrag and best_of_n.
 */
export function isValidComposition(stages: readonly Stage[]): boolean {
  let last = -1;
  for (const s of stages) {
    const at = STAGE_ORDER.indexOf(s);
    if (at <= last) return false;
    last = at;
  }
  return stages.length > 0 && !(stages.includes("selfrag") && stages.includes("best_of_n"));
}

/** POST /v1/pipelines/start body. */
export const StartRequest = z.object({
  pipeline: z.array(Stage).min(1).max(3).refine(isValidComposition, {
    message:
      'must be an ordered subset of "s2a", "selfrag", "best_of_n", "cove" with no repeats and not both "selfrag" and "best_of_n"',
  }),
  input: z.object({
    messages: z.array(InputMessage).min(1).max(64).refine(
      (ms) => ms.some((m) => m.role === "user" && m.content.trim() !== ""),
      { message: "must contain a non-empty user message" },
    ),
  }),
  options: PipelineOptions.prefault({}),
});
/** POST /v1/pipelines/start body. */
export type StartRequest = z.infer<typeof StartRequest>;

/** The client's answer to one generate request. */
export const StepResult = z.object({
  id: z.string().min(1).max(128),
  text: z.string().max(MAX_RESULT_CHARS),
  /** Log-probabilities of the generated tokens, in order. */
  token_logprobs: z.array(z.number().max(0)).max(8192).optional(),
  /** Probabilities of the request's score_tokens (see GenerateRequest). */
  scores: z.record(z.string(), z.number().min(0).max(1)).optional(),
});
/** The client's answer to one generate request. */
export type StepResult = z.infer<typeof StepResult>;

/** POST /v1/pipelines/step body. */
export const StepRequest = z.object({
  state: z.string().min(1).max(2 * MAX_STATE_BYTES),
  results: z.array(StepResult).max(256),
});
/** POST /v1/pipelines/step body. */
export type StepRequest = z.infer<typeof StepRequest>;

/** One recorded decision of a stage. */
export const TraceEvent = z.object({
  stage: Stage,
  event: z.string(),
  data: z.record(z.string(), z.unknown()),
});
/** One recorded decision of a stage. */
export type TraceEvent = z.infer<typeof TraceEvent>;

/** The answer of a finished run with every decision that led to it. */
export const FinalAnswer = z.object({ output: z.string(), trace: z.array(TraceEvent) });
/** The answer of a finished run. */
export type FinalAnswer = z.infer<typeof FinalAnswer>;

/** A run that needs more generations. */
export const PendingResponse = z.object({ state: z.string(), actions: z.array(Action).min(1) });
/** A run that needs more generations. */
export type PendingResponse = z.infer<typeof PendingResponse>;

/** A finished run. */
export const FinalResponse = z.object({ final: FinalAnswer });
/** A finished run. */
export type FinalResponse = z.infer<typeof FinalResponse>;

/** Response of /v1/pipelines/start and /v1/pipelines/step. */
export const PipelineResponse = z.union([PendingResponse, FinalResponse]);
/** Response of /v1/pipelines/start and /v1/pipelines/step. */
export type PipelineResponse = z.infer<typeof PipelineResponse>;
