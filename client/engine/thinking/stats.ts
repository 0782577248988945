/**
 * The `thinking` object of a response: what Quiet-STaR decoding cost and did for one choice,
 * in totals and per emitted token, with an optional per-step trace.
 *
 * @module
 */
import { z } from "zod";

/** One emitted position of a thinking row (returned when the request sets `trace`). */
export const ThinkingTraceStep = z.object({
  /** Index of the emitted token this step chose. */
  index: z.number().int(),
  /** Entropy (nats) of the base next-token distribution. */
  entropy: z.number(),
  /** Mixing weight used (0 when the step did not think). */
  w: z.number(),
  /** True when thoughts ran at this step. */
  thought: z.boolean(),
  /** Thought token ids, one array of t ids per thought (markers excluded); empty when skipped. */
  thoughts: z.array(z.array(z.number().int())),
});
/** One emitted position of a thinking row. */
export type ThinkingTraceStep = z.infer<typeof ThinkingTraceStep>;

/** Cost and mixing of Quiet-STaR decoding for one choice. */
export const ThinkingStats = z.object({
  k: z.number().int(),
  t: z.number().int(),
  /** Where w came from: a fixed value or the entropy gate (both untrained), or the mixing head. */
  w_source: z.enum(["fixed", "entropy", "head"]),
  /** "untrained" unless w came from a trained mixing head. */
  w_label: z.enum(["untrained", "trained"]),
  /** Emitted (output) tokens. */
  emitted_tokens: z.number().int(),
  /** Emitted positions at which thoughts ran. */
  thinking_steps: z.number().int(),
  /** Sampled thought tokens (k * t per thinking step; markers not counted). */
  thought_tokens: z.number().int(),
  /** Forward passes of this choice: one per emitted token plus t + 1 per thinking step. */
  forward_passes: z.number().int(),
  /** Thought rows run through the model summed over passes (k * (t + 1) per thinking step). */
  thought_row_steps: z.number().int(),
  /** Wall time of this choice's thought passes, ms (a shared batch's time split between rows). */
  thought_ms: z.number(),
  /** Mean w over emitted positions (0 where a step did not think). */
  mean_w: z.number(),
  /** Per emitted token: thought tokens, forward passes and thought wall ms. */
  per_token: z.object({
    thought_tokens: z.number(),
    forward_passes: z.number(),
    thought_ms: z.number(),
  }),
  trace: z.array(ThinkingTraceStep).optional(),
});
/** Cost and mixing of Quiet-STaR decoding for one choice. */
export type ThinkingStats = z.infer<typeof ThinkingStats>;
