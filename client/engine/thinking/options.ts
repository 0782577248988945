/**
 * The `thinking` request option (Quiet-STaR decoding): its zod schema, defaults, and the
 * checks against the model (thought markers in the tokenizer, a mixing head for `w: "head"`).
 *
 * Mixing-head contract (trained models, tools/forge/train/quiet_star/): config.json
 * `quiet_star: { mixing_head: true }` and an ONNX graph output `mixing_weight` [batch, seq, 1]
 * giving w in [0, 1] at each position of a pass: MLP(concat(h_first, h_pos)), where h_first
 * is the final hidden state at the first position of that pass. The engine's post-thought
 * pass starts at <|startofthought|> (see thought_batch.ts), so w = MLP(concat(h_sot, h_post)),
 * as the model was trained. `w: "head"` is refused for a model without both parts.
 *
 * @module
 */
import { z } from "zod";
import { InvalidRequestError } from "../errors.ts";
import type { TextCodec } from "../tokenizer.ts";

/** Start-of-thought marker token. */
export const START_OF_THOUGHT = "<|startofthought|>";
/** End-of-thought marker token. */
export const END_OF_THOUGHT = "<|endofthought|>";

/**
 * `thinking` on chat and generate requests: `k` thoughts of `t` tokens at each emitted token,
 * mixed with weight `w` (a number, `"entropy"` for an entropy-gated w, or `"head"` for the
 * model's mixing head); `only_above_entropy` skips thinking where the base entropy (nats) is
 * at or below it; `trace` returns each step's entropy, w and thought token ids.
 */
export const ThinkingRequest = z.strictObject({
  k: z.number().int().min(1).max(8).optional(),
  t: z.number().int().min(1).max(32).optional(),
  w: z.union([z.number().min(0).max(1), z.literal("entropy"), z.literal("head")]).optional(),
  /** For `w: "entropy"`: entropy (nats) at which w starts to rise from 0. */
  entropy_threshold: z.number().min(0).optional(),
  /** For `w: "entropy"`: w reached at the maximum entropy ln(vocab). */
  max_w: z.number().min(0).max(1).optional(),
  only_above_entropy: z.number().min(0).optional(),
  trace: z.boolean().optional(),
});
/** `thinking` on chat and generate requests. */
export type ThinkingRequest = z.infer<typeof ThinkingRequest>;

/** Default thoughts per emitted token. */
export const DEFAULT_K = 2;
/** Default thought tokens per thought. */
export const DEFAULT_T = 8;
/** Default fixed w (untrained). */
export const DEFAULT_W = 0.5;
/** Default entropy threshold (nats) of the entropy-gated w. */
export const DEFAULT_ENTROPY_THRESHOLD = 1;
/** Default maximum w of the entropy-gated w. */
export const DEFAULT_MAX_W = 0.5;

/** Resolved thinking options of one row. */
export interface ThinkingOptions {
  readonly k: number;
  readonly t: number;
  /** A fixed w, the entropy gate, or the model's mixing head. */
  readonly w: { readonly kind: "fixed"; readonly value: number } | {
    readonly kind: "entropy";
    readonly threshold: number;
    readonly maxW: number;
  } | { readonly kind: "head" };
  /** Think only where the base entropy exceeds this (nats); undefined = every step. */
  readonly onlyAboveEntropy: number | undefined;
  readonly trace: boolean;
  /** Token id of {@link START_OF_THOUGHT}. */
  readonly startId: number;
  /** Token id of {@link END_OF_THOUGHT}. */
  readonly endId: number;
}

/** What the engine tells about the model and the other options of the request. */
export interface ThinkingContext {
  readonly codec: TextCodec;
  readonly hasDraft?: boolean | undefined;
  readonly adapter?: string | undefined;
  /** True when the model has a mixing head ({@link hasMixingHead}). */
  readonly mixingHead?: boolean | undefined;
}

/**
 * Whether a model has a usable mixing head: config.json `quiet_star.mixing_head` is true and
 * the decoder's graph outputs `mixing_weight`.
 */
export function hasMixingHead(
  config: Readonly<Record<string, unknown>>,
  decoder: { readonly hasMixingWeight?: boolean },
): boolean {
  const qs = config.quiet_star;
  const declared = typeof qs === "object" && qs !== null &&
    (qs as Record<string, unknown>).mixing_head === true;
  return declared && decoder.hasMixingWeight === true;
}

/**
 * Resolve a request's `thinking` (already zod-checked) against the model; undefined when absent.
 * Throws {@link InvalidRequestError} naming the problem.
 */
export function resolveThinking(
  ctx: ThinkingContext,
  request: ThinkingRequest | undefined,
): ThinkingOptions | undefined {
  if (request === undefined) return undefined;
  if (ctx.hasDraft === true) {
    throw new InvalidRequestError(
      "Cannot run thinking as it is not supported with speculative decoding: current value of 'draft' is a loaded draft model; create the engine without 'draft'",
    );
  }
  if (ctx.adapter !== undefined) {
    throw new InvalidRequestError(
      `Cannot run thinking as it is not supported with LoRA adapters: current value of 'adapter' is '${ctx.adapter}'`,
    );
  }
  const startId = ctx.codec.tokenId(START_OF_THOUGHT);
  const endId = ctx.codec.tokenId(END_OF_THOUGHT);
  if (startId === undefined || endId === undefined) {
    const missing = [
      startId === undefined ? START_OF_THOUGHT : "",
      endId === undefined ? END_OF_THOUGHT : "",
    ]
      .filter((s) => s !== "");
    throw new InvalidRequestError(
      `Cannot run thinking as the model's tokenizer must have the thought marker token(s) ${
        missing.join(" and ")
      }: current tokenizer has none`,
    );
  }
  if (request.w === "head" && ctx.mixingHead !== true) {
    throw new InvalidRequestError(
      "Cannot run thinking with w 'head' as the model has no mixing head: it needs config.json 'quiet_star: { mixing_head: true }' and an ONNX output 'mixing_weight' [batch, seq, 1]; use a number or 'entropy'",
    );
  }
  const entropyOnly = request.entropy_threshold !== undefined || request.max_w !== undefined;
  if (entropyOnly && request.w !== "entropy") {
    throw new InvalidRequestError(
      `Cannot run thinking as 'entropy_threshold' and 'max_w' apply only to w 'entropy': current value of 'w' is ${
        JSON.stringify(request.w ?? DEFAULT_W)
      }`,
    );
  }
  return {
    k: request.k ?? DEFAULT_K,
    t: request.t ?? DEFAULT_T,
    w: request.w === "entropy"
      ? {
        kind: "entropy",
        threshold: request.entropy_threshold ?? DEFAULT_ENTROPY_THRESHOLD,
        maxW: request.max_w ?? DEFAULT_MAX_W,
      }
      : request.w === "head"
      ? { kind: "head" }
      : { kind: "fixed", value: request.w ?? DEFAULT_W },
    onlyAboveEntropy: request.only_above_entropy,
    trace: request.trace ?? false,
    startId,
    endId,
  };
}
