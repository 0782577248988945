/**
 * Self-RAG's decisions (Asai et al., ICLR 2024): the retrieval gate p[Retrieval] against
 * delta, and per beam level a table of the critique scores of each candidate (IsRel, IsSup,
 * IsUse from reflection tokens or judge prompts), its segment and node scores and whether the
 * beam kept it.
 *
 * @module
 */
import type { TraceEvent } from "../../../shared/pipeline.ts";
import { type Build, fmt } from "./dom.ts";
import { type CitationIndex, citationLink } from "./evidence_view.ts";
import { all, BeamData, CritiqueData, first, GateData, SelectData } from "./trace_data.ts";

const HEADERS = [
  "Node",
  "Passage",
  "IsRel",
  "IsSup",
  "IsUse",
  "Segment",
  "Node score",
  "Kept",
  "Text",
];

function gateLine(h: Build, trace: readonly TraceEvent[]): HTMLElement | null {
  const gate = first(trace, "selfrag", "gate", GateData);
  if (gate === undefined) return null;
  return h(
    "p",
    { class: "trace-gate" },
    `Retrieval gate: p[Retrieval] = ${fmt(gate.p_retrieval)} ${gate.retrieve ? ">" : "≤"} δ = ${
      fmt(gate.delta, 2)
    }, so it ${gate.retrieve ? "retrieved" : "answered without retrieval"}.`,
  );
}

/** The Self-RAG section, or null when the trace has no Self-RAG events. */
export function selfragSection(
  h: Build,
  trace: readonly TraceEvent[],
  index: CitationIndex,
): HTMLElement | null {
  if (!trace.some((e) => e.stage === "selfrag")) return null;
  const kept = new Map<number, Set<number>>();
  for (const b of all(trace, "selfrag", "beam", BeamData)) kept.set(b.depth, new Set(b.kept));
  const select = first(trace, "selfrag", "select", SelectData);
  const tables = all(trace, "selfrag", "critique", CritiqueData).map((c) =>
    h(
      "table",
      { class: "trace-critique", "data-depth": String(c.depth) },
      h(
        "caption",
        {},
        `Segment ${c.depth + 1}: critique ${
          c.reflection_tokens ? "from reflection tokens" : "from judge prompts"
        }`,
      ),
      h("thead", {}, h("tr", {}, ...HEADERS.map((t) => h("th", { scope: "col" }, t)))),
      h(
        "tbody",
        {},
        ...c.candidates.map((r) =>
          h(
            "tr",
            { class: select?.node === r.node ? "trace-selected" : undefined },
            h("td", {}, String(r.node)),
            h("td", {}, citationLink(h, index, r.passage_id)),
            h("td", {}, fmt(r.rel)),
            h("td", {}, fmt(r.sup)),
            h("td", {}, fmt(r.use)),
            h("td", {}, fmt(r.segment_score)),
            h("td", {}, fmt(r.node_score)),
            h("td", {}, kept.get(c.depth)?.has(r.node) ? "yes" : "no"),
            h("td", {}, r.text),
          )
        ),
      ),
    )
  );
  const noPassages = trace.some((e) => e.stage === "selfrag" && e.event === "no_passages");
  return h(
    "section",
    { class: "trace-selfrag" },
    h("h4", {}, "Self-RAG"),
    gateLine(h, trace),
    noPassages ? h("p", {}, "No passages matched the question.") : null,
    ...tables,
    select === undefined ? null : h(
      "p",
      {},
      `Selected node ${select.node ?? "none"} with score ${fmt(select.score)}.`,
    ),
  );
}
