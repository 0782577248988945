/**
 * Prover-verifier best-of-n's record (functions/pipeline/best_of_n): a table of the n
 * candidates (final answer, the arithmetic filter's verdict as steps right / total with a
 * pass / fail mark, learned verifier score, the score selection used, kept or rejected,
 * chosen), the wrong steps of each candidate that failed the filter, the vote table when the
 * answer was voted, how the answer was chosen, and which engine gave the learned scores
 * (`scored_by`, set by the chat's pipeline bridge: the verifier model, e.g. "world/verifier",
 * or "the chat model"). Candidate text only ever becomes text nodes (see dom.ts).
 *
 * @module
 */
import { z } from "zod";
import type { TraceEvent } from "../../../shared/pipeline.ts";
import { type Build, fmt } from "./dom.ts";
import { first } from "./trace_data.ts";

/** One candidate as the "candidates" event records it. */
export const BestOfNCandidate = z.object({
  index: z.number(),
  text: z.string(),
  steps: z.array(z.object({
    ok: z.boolean(),
    expression: z.string().optional(),
    claimed: z.string().optional(),
    computed: z.string().nullable().optional(),
  })).default([]),
  arithmetic_ok: z.boolean(),
  final_answer: z.string().nullable(),
  verifier_score: z.number().nullable(),
  score: z.number().nullable(),
  kept: z.boolean(),
  chosen: z.boolean(),
});
/** One candidate as the "candidates" event records it. */
export type BestOfNCandidate = z.infer<typeof BestOfNCandidate>;

/** Data of best_of_n "candidates". */
export const BestOfNCandidatesData = z.object({
  n: z.number(),
  verifier: z.string(),
  fallback: z.boolean().default(false),
  candidates: z.array(BestOfNCandidate),
  /** The engine that gave the learned scores (recorded by the client; absent: not recorded). */
  scored_by: z.string().optional(),
});
/** Data of best_of_n "candidates". */
export type BestOfNCandidatesData = z.infer<typeof BestOfNCandidatesData>;

/** Data of best_of_n "select". */
export const BestOfNSelectData = z.object({
  selection: z.string(),
  chosen: z.number().nullable(),
  answer: z.string().nullable(),
  votes: z.array(
    z.object({ answer: z.string(), weight: z.number(), count: z.number(), best: z.number() }),
  ).default([]),
  vote_fallback: z.boolean().default(false),
});

const HEADERS = [
  "#",
  "Final answer",
  "Arithmetic filter (steps right)",
  "Learned verifier",
  "Score",
  "Status",
  "Solution",
];

/** Whether the arithmetic filter rejects failing candidates under this verifier setting. */
export function filterApplies(verifier: string): boolean {
  return verifier === "arithmetic" || verifier === "both";
}

/** The arithmetic filter's verdict on a candidate, in words. */
export function filterVerdict(c: BestOfNCandidate, verifier: string): string {
  const right = c.steps.filter((s) => s.ok).length;
  const counts = `${right} of ${c.steps.length} steps right`;
  if (c.arithmetic_ok) return `passes the arithmetic filter (${counts})`;
  return filterApplies(verifier)
    ? `fails the arithmetic filter (${counts})`
    : `fails the arithmetic check (${counts}; not filtered with verifier ${verifier})`;
}

function status(c: BestOfNCandidate): string {
  if (c.chosen) return "chosen";
  return c.kept ? "kept" : "rejected";
}

/** Who gave the learned scores, as the trace says: " (scored by world/verifier)" or "". */
export function scorerNote(cands: BestOfNCandidatesData): string {
  return cands.scored_by === undefined ? "" : ` (scored by ${cands.scored_by})`;
}

function candidateRow(h: Build, c: BestOfNCandidate, cands: BestOfNCandidatesData): HTMLElement {
  const verifier = cands.verifier;
  const right = c.steps.filter((s) => s.ok).length;
  const learned = c.verifier_score === null
    ? `not asked (verifier ${verifier})`
    : `learned verifier score ${fmt(c.verifier_score)}${scorerNote(cands)}`;
  return h(
    "tr",
    { class: `trace-candidate trace-candidate-${status(c)}` },
    h("td", {}, String(c.index + 1)),
    h("td", {}, c.final_answer ?? "–"),
    h(
      "td",
      {
        class: c.arithmetic_ok ? "trace-steps-ok" : "trace-steps-wrong",
        "data-verdict": c.arithmetic_ok ? "pass" : "fail",
        title: filterVerdict(c, verifier),
      },
      `${right}/${c.steps.length}`,
    ),
    h(
      "td",
      { "data-learned": String(c.verifier_score ?? ""), title: learned },
      fmt(c.verifier_score),
    ),
    h("td", {}, fmt(c.score)),
    h("td", {}, status(c)),
    h("td", { class: "trace-solution" }, c.text.trim()),
  );
}

/** One line per candidate that failed the arithmetic check, naming its wrong steps. */
function wrongSteps(h: Build, cands: BestOfNCandidatesData): HTMLElement | null {
  const failed = cands.candidates.filter((c) => !c.arithmetic_ok);
  if (failed.length === 0) return null;
  return h(
    "ul",
    { class: "trace-filter-verdicts" },
    ...failed.map((c) => {
      const wrong = c.steps.filter((s) => !s.ok).map((s) =>
        s.expression === undefined
          ? "a step"
          : `${s.expression} = ${s.claimed ?? "?"} (is ${s.computed ?? "not computable"})`
      );
      return h(
        "li",
        { "data-candidate": String(c.index + 1) },
        `Candidate ${c.index + 1} ${filterVerdict(c, cands.verifier)}: ${wrong.join("; ")}.`,
      );
    }),
  );
}

function votesTable(h: Build, votes: z.infer<typeof BestOfNSelectData>["votes"]): HTMLElement {
  return h(
    "table",
    { class: "trace-votes" },
    h("caption", {}, "Verifier-weighted vote"),
    h(
      "thead",
      {},
      h("tr", {}, ...["Answer", "Weight", "Votes"].map((t) => h("th", { scope: "col" }, t))),
    ),
    h(
      "tbody",
      {},
      ...votes.map((v) =>
        h("tr", {}, h("td", {}, v.answer), h("td", {}, fmt(v.weight)), h("td", {}, String(v.count)))
      ),
    ),
  );
}

function summary(
  cands: BestOfNCandidatesData,
  select: z.infer<typeof BestOfNSelectData> | undefined,
): string {
  const kept = cands.candidates.filter((c) => c.kept).length;
  const filter = cands.fallback
    ? "every candidate failed the arithmetic check, so all were kept"
    : `${kept} of ${cands.candidates.length} kept`;
  const how = select === undefined
    ? ""
    : select.selection === "vote" && !select.vote_fallback
    ? `; answer ${select.answer ?? "–"} won the vote`
    : `; the top-scored candidate${select.vote_fallback ? " (no final answer to vote on)" : ""}`;
  return `${cands.n} candidates, verifier ${cands.verifier}${scorerNote(cands)}: ${filter}${how}.`;
}

/** The best-of-n section, or null when the trace has no best-of-n candidates. */
export function bestOfNSection(h: Build, trace: readonly TraceEvent[]): HTMLElement | null {
  const cands = first(trace, "best_of_n", "candidates", BestOfNCandidatesData);
  if (cands === undefined) return null;
  const select = first(trace, "best_of_n", "select", BestOfNSelectData);
  return h(
    "section",
    { class: "trace-best-of-n" },
    h("h4", {}, "Prover-verifier best-of-n"),
    h("p", { class: "trace-best-of-n-summary" }, summary(cands, select)),
    h(
      "table",
      { class: "trace-candidates" },
      h("caption", {}, `Candidates (${cands.candidates.length})`),
      h("thead", {}, h("tr", {}, ...HEADERS.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...cands.candidates.map((c) => candidateRow(h, c, cands))),
    ),
    wrongSteps(h, cands),
    select !== undefined && select.votes.length > 0 ? votesTable(h, select.votes) : null,
  );
}
