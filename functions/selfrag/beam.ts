/**
 * Segment-level beam search of Self-RAG (Asai et al., ICLR 2024, Section 3.3): each node is
 * a partial answer; its children continue it with one candidate segment per retrieved
 * passage; node score = segment score x parent score; the best `beam_width` children of a
 * level survive.
 *
 * @module
 */
import { z } from "zod";
import { Passage } from "../../shared/retrieval.ts";

/** A partial answer in the beam. */
export const BeamNode = z.object({
  id: z.number().int(),
  parent: z.number().int().nullable(),
  /** Answer segments, reflection tokens removed. */
  segments: z.array(z.string()),
  /** passage_id used for each segment. */
  passages: z.array(z.string()),
  score: z.number(),
});
/** A partial answer in the beam. */
export type BeamNode = z.infer<typeof BeamNode>;

/** A candidate segment waiting for its critiques. */
export const Candidate = z.object({
  id: z.number().int(),
  parent: z.number().int(),
  passage: Passage,
  /** The generated text (empty until the client answered). */
  text: z.string(),
  rel: z.number().optional(),
  seq: z.number().optional(),
});
/** A candidate segment waiting for its critiques. */
export type Candidate = z.infer<typeof Candidate>;

/** The root of the beam: no segments, neutral score 1 (children get their own score). */
export function rootNode(): BeamNode {
  return { id: 0, parent: null, segments: [], passages: [], score: 1 };
}

/** The answer so far, as it is put back into the prompt of the next segment. */
export function prefixOf(node: BeamNode): string {
  return node.segments.length === 0 ? "" : `${node.segments.join(" ")} `;
}

/** The answer text of a node. */
export function answerOf(node: BeamNode): string {
  return node.segments.join(" ").trim();
}

/**
 * The `width` best children by score, best first; ties keep the order of the input
 * (stable), so results are deterministic.
 *
 * @example
 * ```ts
 * topK([{ score: 1 }, { score: 3 }, { score: 2 }], 2); // [{ score: 3 }, { score: 2 }]
 * ```
 */
export function topK<T extends { score: number }>(children: readonly T[], width: number): T[] {
  return children.map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.score - a.c.score || a.i - b.i)
    .slice(0, width)
    .map(({ c }) => c);
}
