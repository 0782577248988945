/**
 * The trace view's reading of trace events: zod schemas of the `data` of each event the edge
 * stages record (functions/s2a, selfrag, cove stage files) and of the client's S2A filter
 * event (client/pipelines/s2a_filter.ts). Parsing is lenient: an event whose data does not
 * fit is shown raw instead of breaking the panel.
 *
 * @module
 */
import { z } from "zod";
import type { Stage, TraceEvent } from "../../../shared/pipeline.ts";

/** A passage as a Self-RAG "retrieve" event lists it. */
export const TracePassage = z.object({
  doc_id: z.string(),
  passage_id: z.string(),
  title: z.string(),
  score: z.number(),
  snippet: z.string().default(""),
});
/** A passage as a Self-RAG "retrieve" event lists it. */
export type TracePassage = z.infer<typeof TracePassage>;

/** Data of selfrag "retrieve". */
export const RetrieveData = z.object({
  depth: z.number(),
  query: z.string().default(""),
  passages: z.array(TracePassage),
});

/** Data of selfrag "gate". */
export const GateData = z.object({
  p_retrieval: z.number(),
  delta: z.number(),
  retrieve: z.boolean(),
});

/** One candidate row of selfrag "critique". */
export const CritiqueRow = z.object({
  node: z.number(),
  parent: z.number(),
  passage_id: z.string(),
  rel: z.number(),
  sup: z.number(),
  use: z.number(),
  seq: z.number().optional(),
  segment_score: z.number(),
  node_score: z.number(),
  continues: z.boolean(),
  text: z.string(),
});
/** One candidate row of selfrag "critique". */
export type CritiqueRow = z.infer<typeof CritiqueRow>;

/** Data of selfrag "critique". */
export const CritiqueData = z.object({
  depth: z.number(),
  reflection_tokens: z.boolean().default(true),
  candidates: z.array(CritiqueRow),
});

/** Data of selfrag "beam". */
export const BeamData = z.object({ depth: z.number(), kept: z.array(z.number()) });

/** Data of selfrag "select". */
export const SelectData = z.object({
  node: z.number().nullable(),
  score: z.number().nullable(),
  passages: z.array(z.string()),
  output: z.string(),
});

/** A CoVe question with its answer and, after factor+revise, its verdict. */
export const CovePair = z.object({
  fact: z.string().default(""),
  question: z.string(),
  answer: z.string().default(""),
  verdict: z.string().optional(),
});
/** A CoVe question with its answer and verdict. */
export type CovePair = z.infer<typeof CovePair>;

/** Data of cove "baseline". */
export const BaselineData = z.object({ draft: z.string(), source: z.string().default("") });
/** Data of cove "plan". */
export const PlanData = z.object({
  questions: z.array(z.object({ fact: z.string().default(""), question: z.string() })),
  /** "rules" when the edge planned a list by rule (functions/cove/list_rules.ts). */
  source: z.string().optional(),
});
/** Data of cove "verify". */
export const VerifyData = z.object({ pairs: z.array(CovePair) });
/** Data of cove "cross_check". */
export const CrossCheckData = z.object({ checks: z.array(CovePair) });
/** Data of cove "final". */
export const CoveFinalData = z.object({
  response: z.string(),
  revised: z.boolean(),
  reason: z.string().optional(),
  /** "rules": the verified list kept the draft items their verification confirmed. */
  source: z.string().optional(),
  draft_items: z.array(z.string()).optional(),
  final_items: z.array(z.string()).optional(),
});
/** Data of cove "final". */
export type CoveFinalData = z.infer<typeof CoveFinalData>;

/** Data of s2a "rewrite" (the LLM rewrite). */
export const RewriteData = z.object({
  variant: z.string().default(""),
  original: z.string(),
  rewritten: z.string(),
});
/** Data of s2a "filter" (the model-free filter, run by the client). */
export const FilterData = z.object({
  original: z.string(),
  rewritten: z.string(),
  kept: z.array(z.string()),
  dropped: z.array(z.object({ sentence: z.string(), reason: z.string() })),
});

/** The parsed data of the first event `stage`/`event` whose data fits `schema`. */
export function first<T>(
  trace: readonly TraceEvent[],
  stage: Stage,
  event: string,
  schema: z.ZodType<T>,
): T | undefined {
  for (const e of trace) {
    if (e.stage !== stage || e.event !== event) continue;
    const r = schema.safeParse(e.data);
    if (r.success) return r.data;
  }
  return undefined;
}

/** The parsed data of every event `stage`/`event` whose data fits `schema`. */
export function all<T>(
  trace: readonly TraceEvent[],
  stage: Stage,
  event: string,
  schema: z.ZodType<T>,
): T[] {
  return trace.flatMap((e) => {
    if (e.stage !== stage || e.event !== event) return [];
    const r = schema.safeParse(e.data);
    return r.success ? [r.data] : [];
  });
}

/** Every retrieved passage once (by passage_id, best score kept), in order of first retrieval. */
export function retrievedPassages(trace: readonly TraceEvent[]): TracePassage[] {
  const byId = new Map<string, TracePassage>();
  for (const r of all(trace, "selfrag", "retrieve", RetrieveData)) {
    for (const p of r.passages) {
      const seen = byId.get(p.passage_id);
      if (seen === undefined) byId.set(p.passage_id, { ...p });
      else if (p.score > seen.score) seen.score = p.score;
    }
  }
  return [...byId.values()];
}

/** The known (stage, event) pairs the view renders; others are listed raw. */
export const KNOWN_EVENTS: ReadonlySet<string> = new Set([
  "s2a:rewrite",
  "s2a:filter",
  "s2a:answer",
  "selfrag:gate",
  "selfrag:retrieve",
  "selfrag:no_passages",
  "selfrag:critique",
  "selfrag:beam",
  "selfrag:select",
  "selfrag:answer",
  "selfrag:generator",
  "cove:generator",
  "cove:baseline",
  "cove:plan",
  "cove:verify",
  "cove:cross_check",
  "cove:final",
  "best_of_n:candidates",
  "best_of_n:select",
]);
