/**
 * Builds the critique requests of Self-RAG candidates and turns the client's token
 * probabilities into segment scores. With reflection tokens, IsRel is read from the
 * candidate itself and IsSup / IsUse from the positions where the model writes them; without
 * them, each critique is a short judge prompt scored the same way.
 *
 * @module
 */
import type { GenerateRequest, StepResult } from "../../shared/pipeline.ts";
import type { RequestFactory } from "../pipeline/stage.ts";
import { resultFor } from "../pipeline/stage.ts";
import type { Candidate } from "./beam.ts";
import {
  candidateParts,
  candidatePrompt,
  JUDGE,
  judgeCompletePrompt,
  judgeRelevancePrompt,
  judgeSupportPrompt,
  judgeUtilityPrompt,
} from "./prompts.ts";
import {
  normalized,
  prob,
  relevanceScore,
  type SegmentScores,
  supportScore,
  utilityScore,
} from "./scoring.ts";
import { stripReflection, SUPPORT_TOKENS, UTILITY_TOKENS } from "./tokens.ts";

/** What the critique step needs to know about the run. */
export interface CritiqueContext {
  question: string;
  /** The answer before this candidate, per parent node id. */
  prefix: (parent: number) => string;
  reflection: boolean;
  /** Ask whether the answer is complete (judge mode, when deeper segments are allowed). */
  askComplete: boolean;
  request: RequestFactory;
  /**
   * Model text for a prompt whose other text is `carrier`, cut to fit the client's window
   * (fit.ts); candidate `node` is named for the record. Absent: text is never cut.
   */
  fit?: (node: number, carrier: string, modelText: string) => string;
}

/** The candidate's segment text, reflection tokens removed. */
export function segmentText(c: Candidate): string {
  return stripReflection(candidateParts(c.text).raw);
}

/** The critique requests of every candidate, as one batch. */
export function critiqueRequests(
  cands: readonly Candidate[],
  ctx: CritiqueContext,
): GenerateRequest[] {
  const score = (tag: string, prompt: string, tokens: readonly string[]) =>
    ctx.request(tag, { prompt }, { max_tokens: 0, score_tokens: tokens });
  return cands.flatMap((c) => {
    const fit = (carrier: string, text: string) => ctx.fit?.(c.id, carrier, text) ?? text;
    const prefix = ctx.prefix(c.parent);
    if (ctx.reflection) {
      const parts = candidateParts(c.text);
      const base = candidatePrompt(ctx.question, prefix, c.passage);
      // The answer so far is model text too: fit it with the segment, keep the segment's part.
      const carrier = candidatePrompt(ctx.question, "", c.passage);
      const segment = (t: string) => fit(carrier, prefix + t).slice(prefix.length);
      return [
        score(`c${c.id}.sup`, base + segment(parts.supPrefix), SUPPORT_TOKENS),
        score(`c${c.id}.use`, base + segment(parts.usePrefix), UTILITY_TOKENS),
      ];
    }
    const judged = fit(judgeSupportPrompt(c.passage, ""), segmentText(c));
    // The utility and completeness judges carry the same answer: fit it to the longer one.
    const judges = [judgeUtilityPrompt(ctx.question, ""), judgeCompletePrompt(ctx.question, "")];
    const longer = judges.reduce((a, b) => (b.length > a.length ? b : a));
    const answer = fit(longer, `${prefix}${segmentText(c)}`.trim());
    const reqs = [
      score(`c${c.id}.rel`, judgeRelevancePrompt(ctx.question, c.passage), JUDGE.relevance.tokens),
      score(`c${c.id}.sup`, judgeSupportPrompt(c.passage, judged), JUDGE.support.tokens),
      score(`c${c.id}.use`, judgeUtilityPrompt(ctx.question, answer), JUDGE.utility.tokens),
    ];
    if (ctx.askComplete) {
      reqs.push(
        score(`c${c.id}.done`, judgeCompletePrompt(ctx.question, answer), JUDGE.complete.tokens),
      );
    }
    return reqs;
  });
}

/** Critique scores of one candidate, and whether its answer should go on. */
export interface Critique {
  scores: SegmentScores;
  /** Continue with another segment (model asked for evidence / judge says incomplete). */
  continues: boolean;
}

/** Read one candidate's critiques from the client's results (ids as in `critiqueRequests`). */
export function readCritique(
  c: Candidate,
  ids: (tag: string) => string,
  results: ReadonlyMap<string, StepResult>,
  ctx: Pick<CritiqueContext, "reflection" | "askComplete">,
): Critique {
  const scoresOf = (tag: string) => resultFor(results, ids(tag)).scores ?? {};
  const sup = scoresOf(`c${c.id}.sup`);
  const use = scoresOf(`c${c.id}.use`);
  const seq = c.seq === undefined ? {} : { seq: c.seq };
  if (ctx.reflection) {
    return {
      scores: {
        rel: c.rel ?? 0,
        sup: supportScore(...(SUPPORT_TOKENS.map((t) => prob(sup, t)) as [number, number, number])),
        use: utilityScore(UTILITY_TOKENS.map((t) => prob(use, t))),
        ...seq,
      },
      continues: candidateParts(c.text).wantsMore,
    };
  }
  const rel = scoresOf(`c${c.id}.rel`);
  const [full, partial, none] = JUDGE.support.tokens.map((t) => prob(sup, t)) as [
    number,
    number,
    number,
  ];
  let continues = false;
  if (ctx.askComplete) {
    const done = scoresOf(`c${c.id}.done`);
    // Continue when "No, not complete" is the likelier answer.
    continues = normalized(prob(done, "No"), prob(done, "Yes")) > 0.5;
  }
  return {
    scores: {
      rel: relevanceScore(prob(rel, "Relevant"), prob(rel, "Irrelevant")),
      sup: supportScore(full, partial, none),
      use: utilityScore(JUDGE.utility.tokens.map((t) => prob(use, t))),
      ...seq,
    },
    continues,
  };
}
