/**
 * System 2 Attention's rewrite next to the original input: the original is shown sentence by
 * sentence with the dropped sentences struck through (<del>, with the reason when the
 * model-free filter gave one), and the rewrite x' the answer was generated from.
 *
 * @module
 */
import type { TraceEvent } from "../../../shared/pipeline.ts";
import type { Build } from "./dom.ts";
import { FilterData, first, RewriteData } from "./trace_data.ts";

/** One sentence of the original input and whether S2A dropped it. */
export interface MarkedSentence {
  readonly text: string;
  readonly dropped: boolean;
  readonly reason?: string;
}

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();

/** Split text into sentences, keeping their trailing punctuation and spaces. */
export function sentences(text: string): string[] {
  return text.match(/[^.!?\n]+(?:[.!?]+|\n+|$)\s*/g)?.filter((s) => s.trim() !== "") ?? [];
}

/**
 * Mark the sentences of `original` that an LLM rewrite dropped: a sentence is kept when the
 * rewrite contains it (case, spacing and final punctuation ignored).
 */
export function markSentences(original: string, rewritten: string): MarkedSentence[] {
  const target = norm(rewritten);
  return sentences(original).map((s) => ({
    text: s,
    dropped: !target.includes(norm(s).replace(/[.!?]+$/, "")),
  }));
}

/**
 * Mark the sentences the model-free filter dropped, found where they occur in `original` (the
 * filter's own sentence split is used, so "x.y" inside a sentence does not split it); text
 * between listed sentences is kept as it is.
 */
export function markDropped(
  original: string,
  dropped: readonly { sentence: string; reason: string }[],
): MarkedSentence[] {
  const spans: { at: number; end: number; reason: string }[] = [];
  for (const d of dropped) {
    const text = d.sentence.trim();
    let at = text === "" ? -1 : original.indexOf(text);
    while (at >= 0 && spans.some((s) => at < s.end && at + text.length > s.at)) {
      at = original.indexOf(text, at + 1);
    }
    if (at >= 0) spans.push({ at, end: at + text.length, reason: d.reason });
  }
  spans.sort((a, b) => a.at - b.at);
  const out: MarkedSentence[] = [];
  let cursor = 0;
  for (const s of spans) {
    if (s.at > cursor) out.push({ text: original.slice(cursor, s.at), dropped: false });
    out.push({ text: original.slice(s.at, s.end), dropped: true, reason: s.reason });
    cursor = s.end;
  }
  if (cursor < original.length) out.push({ text: original.slice(cursor), dropped: false });
  return out;
}

/** The S2A section, or null when the trace has neither an S2A rewrite nor a filter event. */
export function s2aSection(h: Build, trace: readonly TraceEvent[]): HTMLElement | null {
  const filter = first(trace, "s2a", "filter", FilterData);
  const rewrite = first(trace, "s2a", "rewrite", RewriteData);
  const source = filter ?? rewrite;
  if (source === undefined) return null;
  const marked = filter !== undefined
    ? markDropped(filter.original, filter.dropped)
    : markSentences(source.original, source.rewritten);
  const original = h(
    "p",
    { class: "trace-s2a-original" },
    ...marked.map((m) =>
      m.dropped
        ? h("del", { title: m.reason === undefined ? "dropped" : `dropped: ${m.reason}` }, m.text)
        : m.text
    ),
  );
  const compare = h(
    "div",
    { class: "trace-s2a-compare" },
    h("figure", {}, h("figcaption", {}, "Original"), original),
    h(
      "figure",
      {},
      h("figcaption", {}, "Rewrite (the answer saw only this)"),
      h("p", { class: "trace-s2a-rewrite" }, source.rewritten),
    ),
  );
  // Side by side where there is room, stacked on a phone. Set through CSSOM, which a strict
  // Content-Security-Policy allows (a style attribute would not be).
  Object.assign(compare.style, {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fit, minmax(16rem, 1fr))",
    gap: "0 1rem",
  });
  const kind = filter !== undefined
    ? "model-free filter"
    : `LLM rewrite (${rewrite?.variant ?? ""})`;
  return h(
    "section",
    { class: "trace-s2a" },
    h("h4", {}, `System 2 Attention: ${kind}`),
    compare,
    h("p", {}, `${marked.filter((m) => m.dropped).length} sentence(s) dropped.`),
  );
}
