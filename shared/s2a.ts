/**
 * Wire types of the model-free S2A filter (POST /v1/s2a/filter).
 *
 * @module
 */
import { z } from "zod";

/** Largest text the filter accepts, in characters. */
export const MAX_S2A_TEXT_CHARS = 20_000;

/** POST /v1/s2a/filter body. */
export const S2AFilterRequest = z.object({
  text: z.string().min(1).max(MAX_S2A_TEXT_CHARS),
});
/** POST /v1/s2a/filter body. */
export type S2AFilterRequest = z.infer<typeof S2AFilterRequest>;

/** Why a sentence was dropped. */
export const DropReason = z.enum(["opinion", "suggestion", "irrelevant"]);
/** Why a sentence was dropped. */
export type DropReason = z.infer<typeof DropReason>;

/** One dropped sentence with the reason it was dropped. */
export const DroppedSentence = z.object({ sentence: z.string(), reason: DropReason });
/** One dropped sentence. */
export type DroppedSentence = z.infer<typeof DroppedSentence>;

/**
 * POST /v1/s2a/filter response: `context` is the kept non-question sentences joined by a
 * space, `question` the detected question ("" when none), `kept` every kept sentence in
 * order (the question included).
 */
export const S2AFilterResponse = z.object({
  context: z.string(),
  question: z.string(),
  kept: z.array(z.string()),
  dropped: z.array(DroppedSentence),
});
/** POST /v1/s2a/filter response. */
export type S2AFilterResponse = z.infer<typeof S2AFilterResponse>;
