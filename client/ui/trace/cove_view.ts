/**
 * Chain-of-Verification's record (Dhuliawala et al. 2023): the baseline draft, each
 * verification question with its answer and (factor+revise) its verdict, and whether the
 * final response was revised.
 *
 * @module
 */
import type { TraceEvent } from "../../../shared/pipeline.ts";
import type { Build } from "./dom.ts";
import {
  BaselineData,
  CoveFinalData,
  type CovePair,
  CrossCheckData,
  first,
  PlanData,
  VerifyData,
} from "./trace_data.ts";

/** The questions with answers and verdicts, from the richest event the trace holds. */
export function covePairs(trace: readonly TraceEvent[]): CovePair[] {
  const checks = first(trace, "cove", "cross_check", CrossCheckData)?.checks;
  if (checks !== undefined) return checks;
  const pairs = first(trace, "cove", "verify", VerifyData)?.pairs;
  if (pairs !== undefined) return pairs;
  return (first(trace, "cove", "plan", PlanData)?.questions ?? []).map((q) => ({
    ...q,
    answer: "",
  }));
}

function verdictClass(v: string | undefined): string {
  return `trace-verdict trace-verdict-${(v ?? "none").toLowerCase().replace(/\s+/g, "-")}`;
}

/** The CoVe section, or null when the trace has no CoVe events. */
export function coveSection(h: Build, trace: readonly TraceEvent[]): HTMLElement | null {
  if (!trace.some((e) => e.stage === "cove")) return null;
  const baseline = first(trace, "cove", "baseline", BaselineData);
  const final = first(trace, "cove", "final", CoveFinalData);
  const pairs = covePairs(trace);
  const rows = pairs.map((p, i) =>
    h(
      "tr",
      {},
      h("td", {}, String(i + 1)),
      h("td", {}, p.fact),
      h("td", {}, p.question),
      h("td", {}, p.answer),
      h("td", { class: verdictClass(p.verdict) }, p.verdict ?? "–"),
    )
  );
  return h(
    "section",
    { class: "trace-cove" },
    h("h4", {}, "Chain-of-Verification"),
    baseline === undefined ? null : h(
      "p",
      { class: "trace-draft" },
      h("strong", {}, "Baseline draft: "),
      baseline.draft,
    ),
    pairs.length === 0 ? h("p", {}, "No verification questions were planned.") : h(
      "table",
      { class: "trace-verification" },
      h("caption", {}, `Verification questions (${pairs.length})`),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["#", "Fact", "Question", "Answer", "Verdict"].map((t) =>
            h("th", { scope: "col" }, t)
          ),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
    final === undefined ? null : h(
      "p",
      { class: "trace-cove-final" },
      final.revised
        ? "The final response was revised against the answers."
        : `Not revised: ${final.reason ?? "no change"}.`,
    ),
  );
}
