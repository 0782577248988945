/**
 * Retrieved passages with their scores, and the answer with its citations: each Self-RAG
 * segment of the answer is followed by a link `[n]` to the passage it was generated from
 * (the passages list items carry the anchor ids).
 *
 * @module
 */
import type { TraceEvent } from "../../../shared/pipeline.ts";
import { type Build, fmt, safeId } from "./dom.ts";
import {
  all,
  CritiqueData,
  type CritiqueRow,
  first,
  SelectData,
  type TracePassage,
} from "./trace_data.ts";

/** Anchor id and number of each cited or retrieved passage, by passage_id. */
export type CitationIndex = ReadonlyMap<string, { readonly id: string; readonly n: number }>;

/** Number the passages 1..n and give each a unique anchor id under `prefix`. */
export function citationIndex(prefix: string, passages: readonly TracePassage[]): CitationIndex {
  return new Map(
    passages.map((
      p,
      i,
    ) => [p.passage_id, { id: `${prefix}-passage-${i + 1}-${safeId(p.passage_id)}`, n: i + 1 }]),
  );
}

/** The list of retrieved passages (title, score, snippet, id), each an anchor target. */
export function passagesSection(
  h: Build,
  passages: readonly TracePassage[],
  index: CitationIndex,
): HTMLElement {
  const items = passages.map((p) =>
    h(
      "li",
      { id: index.get(p.passage_id)?.id, class: "trace-passage", "data-passage": p.passage_id },
      h("strong", {}, p.title || p.doc_id),
      " ",
      h(
        "span",
        { class: "trace-score", title: "BM25-based retrieval score" },
        `score ${fmt(p.score)}`,
      ),
      " ",
      h("code", {}, p.passage_id),
      h("p", { class: "trace-snippet" }, p.snippet),
    )
  );
  return h(
    "section",
    { class: "trace-passages" },
    h("h4", {}, `Retrieved passages (${passages.length})`),
    passages.length === 0 ? h("p", {}, "No passages were retrieved.") : h("ol", {}, ...items),
  );
}

/** A citation link to a passage. */
export function citationLink(h: Build, index: CitationIndex, passageId: string): HTMLElement {
  const c = index.get(passageId);
  const label = `[${c?.n ?? "?"}]`;
  return h(
    "sup",
    {},
    c === undefined
      ? label
      : h("a", { href: `#${c.id}`, class: "trace-citation", "data-passage": passageId }, label),
  );
}

/** The segments of the answer Self-RAG selected, in order, with their passages. */
export function selectedSegments(trace: readonly TraceEvent[]): CritiqueRow[] {
  const select = first(trace, "selfrag", "select", SelectData);
  if (select?.node === null || select === undefined) return [];
  const rows = new Map<number, CritiqueRow>();
  for (const c of all(trace, "selfrag", "critique", CritiqueData)) {
    for (const r of c.candidates) rows.set(r.node, r);
  }
  const chain: CritiqueRow[] = [];
  for (let node: number | undefined = select.node; node !== undefined;) {
    const row = rows.get(node);
    if (row === undefined || chain.includes(row)) break;
    chain.unshift(row);
    node = row.parent === 0 ? undefined : row.parent;
  }
  return chain;
}

/** The answer as text with a citation after each segment found in it. */
export function answerSection(
  h: Build,
  answer: string,
  trace: readonly TraceEvent[],
  index: CitationIndex,
): HTMLElement {
  const body = h("p", { class: "trace-answer" });
  let cursor = 0;
  const unplaced: string[] = [];
  for (const seg of selectedSegments(trace)) {
    const text = seg.text.trim();
    const at = text === "" ? -1 : answer.indexOf(text, cursor);
    if (at < 0) {
      unplaced.push(seg.passage_id);
      continue;
    }
    body.append(answer.slice(cursor, at + text.length), citationLink(h, index, seg.passage_id));
    cursor = at + text.length;
  }
  body.append(answer.slice(cursor));
  const evidence = unplaced.length === 0 ? null : h(
    "p",
    { class: "trace-evidence" },
    "Evidence of the draft (revised since): ",
    ...unplaced.map((id) => citationLink(h, index, id)),
  );
  return h("section", { class: "trace-answer-section" }, h("h4", {}, "Answer"), body, evidence);
}
