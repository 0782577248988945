/**
 * The engine's public API in the OpenAI shape: request and response schemas (zod, so the
 * worker transport can check every message) and the `Engine` interface implemented both
 * in-process (engine.ts) and over a Web Worker (worker/worker_client.ts).
 *
 * @module
 */
import { z } from "zod";
import type { LoadProgress } from "./loader/progress.ts";
import { SpeculativeRequest } from "./speculative/options.ts";
import { ThinkingRequest } from "./thinking/options.ts";
import { ThinkingStats } from "./thinking/stats.ts";

/** One chat message. */
export const ChatMessage = z.object({
  role: z.enum(["system", "user", "assistant", "tool"]),
  content: z.string(),
});
/** One chat message. */
export type ChatMessage = z.infer<typeof ChatMessage>;

/** Sampling fields shared by chat completions and generate requests (OpenAI names). */
export const SamplingFields = z.object({
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  min_p: z.number().min(0).lt(1).optional(),
  repetition_penalty: z.number().gt(0).optional(),
  seed: z.number().int().optional(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).optional(),
  /**
   * Speculative decoding (engines created with a `draft`): `{ gamma?: number | "auto",
   * schedule?: "optimal" | "heuristic", max_gamma?: number }`; see speculative/options.ts.
   * Rows of such an engine speculate with the defaults when this is absent.
   */
  speculative: SpeculativeRequest.optional(),
  /**
   * Quiet-STaR decoding: `{ k?, t?, w?: number | "entropy" | "head", entropy_threshold?,
   * max_w?, only_above_entropy?, trace? }`; see thinking/options.ts. Needs thought markers in
   * the tokenizer; not with a draft model or an adapter.
   */
  thinking: ThinkingRequest.optional(),
});

/** `engine.chat.completions.create` request. */
export const ChatCompletionRequest = SamplingFields.extend({
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().optional(),
  n: z.number().int().min(1).max(16).optional(),
  model: z.string().optional(),
  /** LoRA adapter id (engines over a model with LoRA slot inputs and an adapter source). */
  adapter: z.string().min(1).optional(),
});
/** `engine.chat.completions.create` request. */
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

/** Why a choice ended. */
export const FinishReason = z.enum(["stop", "length"]);
/** Why a choice ended. */
export type FinishReason = z.infer<typeof FinishReason>;

/**
 * Draft tokens of speculative decoding, in OpenAI's predicted-outputs shape: proposals that
 * became part of the completion, and the others (proposed = accepted + rejected).
 */
export const CompletionTokensDetails = z.object({
  accepted_prediction_tokens: z.number().int(),
  rejected_prediction_tokens: z.number().int(),
  /** Quiet-STaR thought tokens sampled (never part of the completion). */
  thought_tokens: z.number().int().optional(),
});
/** Draft token counts of a response. */
export type CompletionTokensDetails = z.infer<typeof CompletionTokensDetails>;

/** Token counts of a response (`completion_tokens_details` when the engine has a draft). */
export const Usage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  completion_tokens_details: CompletionTokensDetails.optional(),
});
/** Token counts of a response. */
export type Usage = z.infer<typeof Usage>;

/** A non-streamed chat completion. */
export const ChatCompletion = z.object({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(z.object({
    index: z.number().int(),
    message: z.object({ role: z.literal("assistant"), content: z.string() }),
    finish_reason: FinishReason,
    /** Quiet-STaR cost and mixing of this choice (requests with `thinking`). */
    thinking: ThinkingStats.optional(),
  })),
  usage: Usage,
});
/** A non-streamed chat completion. */
export type ChatCompletion = z.infer<typeof ChatCompletion>;

/** One streamed chunk. The last chunk of each choice has a finish_reason; a final chunk carries usage. */
export const ChatCompletionChunk = z.object({
  id: z.string(),
  object: z.literal("chat.completion.chunk"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(z.object({
    index: z.number().int(),
    delta: z.object({ role: z.literal("assistant").optional(), content: z.string().optional() }),
    finish_reason: FinishReason.nullable(),
    /** On a choice's finishing chunk: Quiet-STaR cost and mixing (requests with `thinking`). */
    thinking: ThinkingStats.optional(),
  })),
  usage: Usage.optional(),
});
/** One streamed chunk. */
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunk>;

/** One row of a batch from a pipeline step (matches the edge step protocol's generate request). */
export const GenerateRequest = SamplingFields.extend({
  id: z.string().min(1),
  messages: z.array(ChatMessage).min(1).optional(),
  prompt: z.string().min(1).optional(),
  /** Probabilities of these tokens at the first generated position are returned as `scores`. */
  score_tokens: z.array(z.string().min(1)).max(64).optional(),
  stream: z.boolean().optional(),
  /** LoRA adapter id of this row; rows of one batch may use different adapters. */
  adapter: z.string().min(1).optional(),
}).refine((r) => (r.messages === undefined) !== (r.prompt === undefined), {
  message: "exactly one of 'messages' or 'prompt' must be given",
});
/** One row of a batch. */
export type GenerateRequest = z.infer<typeof GenerateRequest>;

/** The result of one generate row. */
export const GenerateResult = z.object({
  id: z.string(),
  text: z.string(),
  finish_reason: FinishReason,
  usage: Usage,
  /** Generated token ids (an end-of-sequence token included when it ended the row). */
  tokens: z.array(z.number().int()),
  /** Log-probability of each generated token under the (unprocessed) model distribution. */
  token_logprobs: z.array(z.number()),
  /** Probability (softmax of raw logits) of each requested score token at the first position. */
  scores: z.record(z.string(), z.number()).optional(),
  /** Quiet-STaR cost and mixing (requests with `thinking`). */
  thinking: ThinkingStats.optional(),
});
/** The result of one generate row. */
export type GenerateResult = z.infer<typeof GenerateResult>;

/** What the engine runs on. */
export const EngineInfo = z.object({
  model: z.string(),
  ep: z.enum(["webgpu", "wasm"]),
  /** Why this execution provider was chosen (e.g. why WebGPU is unavailable). */
  epReason: z.string(),
  contextLength: z.number().int(),
  vocabSize: z.number().int(),
  maxBatch: z.number().int(),
  /** The draft model of speculative decoding, when one is loaded. */
  draft: z.string().optional(),
  /**
   * What the model offers for Quiet-STaR thinking: the thought markers in its tokenizer, and a
   * trained mixing head declared in config.json (`quiet_star.mixing_head`). Absent: not reported.
   */
  thinking: z.object({ markers: z.boolean(), mixing_head: z.boolean() }).optional(),
});
/** What the engine runs on. */
export type EngineInfo = z.infer<typeof EngineInfo>;

/** Engine counters. */
export const EngineStats = z.object({
  prefillTokens: z.number(),
  prefillMs: z.number(),
  decodeSteps: z.number(),
  decodeTokens: z.number(),
  decodeMs: z.number(),
  rowSteps: z.number(),
  rebuilds: z.number(),
  active: z.number(),
  waiting: z.number(),
  /** GPU tensors the engine holds now (the KV cache under WebGPU). */
  gpuTensorsLive: z.number(),
  /**
   * Speculative decoding counters (engines with a draft). decodeSteps then counts target
   * passes (one per round) and decodeTokens the tokens they emitted.
   */
  speculative: z.object({
    draftSteps: z.number(),
    draftMs: z.number(),
    targetMs: z.number(),
    proposed: z.number(),
    accepted: z.number(),
    /** Row rounds that ended at a rejection: alpha = accepted / (accepted + rejections). */
    rejections: z.number(),
    compactions: z.number(),
    /** The smoothed draft step / target pass time ratio the optimal schedule uses. */
    costRatio: z.number(),
  }).optional(),
});
/** Engine counters. */
export type EngineStats = z.infer<typeof EngineStats>;

/** LoRA slot pool counters (`engine.adapterMetrics()`); all zero for models without LoRA slots. */
export const AdapterMetrics = z.object({
  /** Adapter slots (slot 0, the base model, not counted); 0 without LoRA slot inputs. */
  slots: z.number().int(),
  /** Where the slots live: "cpu" (wasm) or "gpu-buffer" (WebGPU); "none" without LoRA. */
  location: z.enum(["cpu", "gpu-buffer", "none"]),
  /** Resident adapter ids, most recently used first. */
  resident: z.array(z.string()),
  hits: z.number().int(),
  misses: z.number().int(),
  evictions: z.number().int(),
  loads: z.number().int(),
  loadFailures: z.number().int(),
  /** Load time (source -> validated -> written to a slot), ms. */
  loadMsTotal: z.number(),
  loadMsMax: z.number(),
  /** Recent load times, ms, oldest first. */
  loadMsRecent: z.array(z.number()),
  /** Rows that waited in the queue because the batch's adapters filled every slot. */
  queuedForSlots: z.number().int(),
});
/** LoRA slot pool counters. */
export type AdapterMetrics = z.infer<typeof AdapterMetrics>;

/** Per-call options that do not cross the wire as data. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** The chat completions namespace in the OpenAI shape. */
export interface ChatCompletions {
  create(
    request: ChatCompletionRequest & { stream: true },
    options?: CallOptions,
  ): Promise<AsyncIterable<ChatCompletionChunk>>;
  create(
    request: ChatCompletionRequest & { stream?: false },
    options?: CallOptions,
  ): Promise<ChatCompletion>;
  create(
    request: ChatCompletionRequest,
    options?: CallOptions,
  ): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>>;
}

/** The engine interface (in-process and worker implementations). */
export interface Engine {
  readonly chat: { readonly completions: ChatCompletions };
  /** Run independent requests as one continuous batch; results in request order. */
  generate(requests: readonly GenerateRequest[], options?: CallOptions): Promise<GenerateResult[]>;
  info(): Promise<EngineInfo>;
  stats(): Promise<EngineStats>;
  /** LoRA slot pool counters: hits, misses, evictions, load times. */
  adapterMetrics(): Promise<AdapterMetrics>;
  dispose(): Promise<void>;
}

/** Progress callback type re-exported for engine loaders. */
export type { LoadProgress };
