/**
 * Turning API requests into rows: validation with clear errors, prompt rendering and
 * tokenization, context-window checks, seeds, and score-token lookup.
 *
 * @module
 */
import type { z } from "zod";
import type { ChatMessage } from "./api.ts";
import { AdapterError, ContextOverflowError, InvalidRequestError } from "./errors.ts";
import { GenerationRow } from "./generation_row.ts";
import { createRng, parseSamplingParams } from "./sampling/mod.ts";
import {
  neverSpeculates,
  resolveSpeculative,
  type SpeculativeOptions,
  SpeculativeRequest,
} from "./speculative/options.ts";
import type { TextCodec } from "./tokenizer.ts";
import { RowThinking } from "./thinking/row_thinking.ts";
import { resolveThinking, ThinkingRequest } from "./thinking/options.ts";

/** What rows of one model share. */
export interface RowContext {
  readonly codec: TextCodec;
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly eosTokenIds: readonly number[];
  /** True when the engine has a draft model (speculative decoding). */
  readonly hasDraft?: boolean;
  /**
   * Why requests may not name an adapter (no LoRA slot inputs, no adapter source), or
   * undefined when they may.
   */
  readonly adapterUnavailable?: string | undefined;
  /** True when the model declares and outputs a Quiet-STaR mixing head (`w: "head"`). */
  readonly mixingHead?: boolean;
}

/**
 * The adapter a request names, checked against what the engine can serve. Throws
 * {@link AdapterError} with the reason when it cannot.
 */
export function requestAdapter(
  ctx: RowContext,
  request: { adapter?: string | undefined },
): string | undefined {
  const id = request.adapter;
  if (id === undefined) return undefined;
  if (ctx.adapterUnavailable !== undefined) {
    throw new AdapterError(`Cannot use adapter '${id}' as ${ctx.adapterUnavailable}`);
  }
  return id;
}

/**
 * A row's speculative options: the request's (defaults filled in) or the defaults when the
 * engine has a draft; undefined without a draft, where asking to speculate is an error.
 */
export function speculativeOptions(
  ctx: RowContext,
  request: { speculative?: unknown },
): SpeculativeOptions | undefined {
  const given = request.speculative === undefined ? undefined : resolveSpeculative(
    parseRequest(SpeculativeRequest, request.speculative, "speculative decoding"),
  );
  if (ctx.hasDraft === true) return given ?? resolveSpeculative();
  if (given !== undefined && !neverSpeculates(given)) {
    throw new InvalidRequestError(
      `Cannot run speculative decoding as the engine must be created with a 'draft' model: current value of 'draft' is undefined`,
    );
  }
  return undefined;
}

/** Parse with a zod schema, throwing InvalidRequestError that names the field and value. */
export function parseRequest<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue?.path.map(String).join(".") || "(root)";
  throw new InvalidRequestError(
    `Cannot run ${what} as '${path}' ${issue?.message ?? "is invalid"}`,
    { cause: r.error },
  );
}

/** Token ids of a chat or raw prompt; throws when empty or over the context window. */
export function promptIds(
  ctx: RowContext,
  source: { messages?: readonly ChatMessage[] | undefined; prompt?: string | undefined },
): number[] {
  const text = source.messages !== undefined
    ? ctx.codec.applyChatTemplate(source.messages)
    : source.prompt ?? "";
  const ids = ctx.codec.encode(text);
  if (ids.length === 0) {
    throw new InvalidRequestError("Cannot generate as the prompt encodes to no tokens");
  }
  if (ids.length >= ctx.contextLength) {
    throw new ContextOverflowError(
      `Cannot generate as the prompt has ${ids.length} tokens but the context window is ${ctx.contextLength}: shorten the prompt`,
    );
  }
  return ids;
}

/** Map score-token strings to single token ids. */
export function scoreTokenIds(
  codec: TextCodec,
  tokens: readonly string[] | undefined,
): Map<string, number> | undefined {
  if (tokens === undefined) return undefined;
  const out = new Map<string, number>();
  for (const t of tokens) {
    const direct = codec.tokenId(t);
    const ids = direct !== undefined ? [direct] : codec.encode(t);
    if (ids.length !== 1) {
      throw new InvalidRequestError(
        `Cannot score token '${t}' as it must be a single token of this vocabulary: it encodes to ${ids.length} tokens`,
      );
    }
    out.set(t, ids[0] as number);
  }
  return out;
}

/** A fresh random seed when the request gives none. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] as number;
}

/** Thought RNG streams start here, far from the sampling streams (0, 1, ... per choice). */
const THOUGHT_STREAM_BASE = 0x40000000;

/** Build one row (one choice of one request). */
export function buildRow(
  ctx: RowContext,
  ids: readonly number[],
  sampling: { speculative?: unknown; adapter?: string | undefined; thinking?: unknown },
  options: {
    seed: number;
    stream: number;
    scoreTokens?: Map<string, number> | undefined;
    signal?: AbortSignal | undefined;
    onDelta?: (delta: string) => void;
  },
): GenerationRow {
  const params = parseSamplingParams(sampling);
  const speculative = speculativeOptions(ctx, sampling);
  const adapter = requestAdapter(ctx, sampling);
  const thinking = sampling.thinking === undefined ? undefined : resolveThinking(
    { codec: ctx.codec, hasDraft: ctx.hasDraft, adapter, mixingHead: ctx.mixingHead },
    parseRequest(ThinkingRequest, sampling.thinking, "thinking"),
  );
  const room = ctx.contextLength - ids.length;
  return new GenerationRow({
    promptIds: ids,
    params,
    maxTokens: Math.min(params.max_tokens ?? room, room),
    rng: createRng(options.seed, options.stream),
    codec: ctx.codec,
    vocabSize: ctx.vocabSize,
    eosTokenIds: ctx.eosTokenIds,
    ...(options.scoreTokens !== undefined ? { scoreTokens: options.scoreTokens } : {}),
    signal: options.signal,
    ...(options.onDelta !== undefined ? { onDelta: options.onDelta } : {}),
    ...(speculative !== undefined ? { speculative } : {}),
    ...(adapter !== undefined ? { adapter } : {}),
    ...(thinking !== undefined
      ? {
        // Thought markers never appear in the output; thoughts draw from their own stream.
        bannedTokenIds: [thinking.startId, thinking.endId],
        thinking: new RowThinking(
          thinking,
          createRng(options.seed, THOUGHT_STREAM_BASE + options.stream),
          ctx.vocabSize,
          ctx.contextLength,
        ),
      }
      : {}),
  });
}
