/**
 * The trace panel of one answer: a collapsible <details> with the answer and its citations,
 * the retrieved passages with scores, Self-RAG's critique scores, CoVe's verification
 * questions with answers and verdicts, and S2A's rewrite next to the original with the
 * dropped sentences struck through. Events the view does not know are listed raw. Model
 * output and retrieved text only ever become text nodes (see dom.ts).
 *
 * @module
 */
import type { TraceEvent } from "../../../shared/pipeline.ts";
import { type Build, builder } from "./dom.ts";
import { bestOfNSection } from "./best_of_n_view.ts";
import { coveSection } from "./cove_view.ts";
import { answerSection, citationIndex, passagesSection } from "./evidence_view.ts";
import { s2aSection } from "./s2a_view.ts";
import { selfragSection } from "./selfrag_view.ts";
import { KNOWN_EVENTS, retrievedPassages } from "./trace_data.ts";

// Panels on one page need distinct anchor ids; a counter per document keeps them apart.
const PANELS = new WeakMap<Document, number>();

function nextPrefix(doc: Document): string {
  const n = (PANELS.get(doc) ?? 0) + 1;
  PANELS.set(doc, n);
  return `verity-trace-${n}`;
}

function summaryText(trace: readonly TraceEvent[]): string {
  const stages = [...new Set(trace.map((e) => e.stage))];
  return stages.length === 0
    ? "Trace: direct answer, no pipeline"
    : `Trace: ${stages.join(" → ")} (${trace.length} events)`;
}

function otherEvents(h: Build, trace: readonly TraceEvent[]): HTMLElement | null {
  const other = trace.filter((e) => !KNOWN_EVENTS.has(`${e.stage}:${e.event}`));
  if (other.length === 0) return null;
  return h(
    "section",
    { class: "trace-other" },
    h("h4", {}, "Other events"),
    h(
      "ul",
      {},
      ...other.map((e) =>
        h(
          "li",
          {},
          h("code", {}, `${e.stage}:${e.event}`),
          " ",
          h("pre", {}, JSON.stringify(e.data, null, 2)),
        )
      ),
    ),
  );
}

/**
 * Render the trace of one answer as a collapsed <details> panel.
 *
 * @example
 * ```ts
 * const { output, trace } = await runPipeline({ ... });
 * messageEl.append(renderTrace(trace, output));
 * ```
 */
export function renderTrace(
  trace: readonly TraceEvent[],
  answer: string,
  doc: Document = globalThis.document,
): HTMLElement {
  const h = builder(doc);
  const prefix = nextPrefix(doc);
  const passages = retrievedPassages(trace);
  const index = citationIndex(prefix, passages);
  return h(
    "details",
    { class: "trace", id: prefix, "data-events": String(trace.length) },
    h("summary", {}, summaryText(trace)),
    answerSection(h, answer, trace, index),
    s2aSection(h, trace),
    passages.length > 0 || trace.some((e) => e.stage === "selfrag")
      ? passagesSection(h, passages, index)
      : null,
    selfragSection(h, trace, index),
    bestOfNSection(h, trace),
    coveSection(h, trace),
    otherEvents(h, trace),
  );
}
