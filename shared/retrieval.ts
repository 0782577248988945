/**
 * Wire types of retrieval, shared by the edge (which retrieves) and the client (which shows
 * passages in traces).
 *
 * @module
 */
import { z } from "zod";

/** One retrieved passage with its BM25-based score (higher is better). */
export const Passage = z.object({
  doc_id: z.string(),
  passage_id: z.string(),
  title: z.string(),
  text: z.string(),
  score: z.number(),
});
/** One retrieved passage. */
export type Passage = z.infer<typeof Passage>;
