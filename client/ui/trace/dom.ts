/**
 * A tiny element builder for the trace view. Children given as strings become TEXT NODES, and
 * attributes are set one by one with setAttribute, so model output and retrieved text can
 * never turn into markup (no innerHTML anywhere in the trace view).
 *
 * @module
 */

/** A child: an element, or a string that becomes a text node. */
export type Child = Node | string | null | undefined | false;

/** Builds elements in one document. */
export type Build = (
  tag: string,
  attrs?: Readonly<Record<string, string | undefined>>,
  ...children: Child[]
) => HTMLElement;

/**
 * An element builder bound to `doc`.
 *
 * @example
 * ```ts
 * const h = builder(document);
 * h("p", { class: "note" }, "<b>stays text</b>"); // <p class="note">&lt;b&gt;stays text...</p>
 * ```
 */
export function builder(doc: Document): Build {
  return (tag, attrs = {}, ...children) => {
    const el = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      el.append(typeof c === "string" ? doc.createTextNode(c) : c);
    }
    return el;
  };
}

/** A probability or score with three decimals ("–" when missing). */
export function fmt(x: number | null | undefined, digits = 3): string {
  if (typeof x !== "number" || !Number.isFinite(x)) return "–";
  // FTS5 gives terms found in over half the passages a tiny IDF, so real BM25 scores can be
  // ~1e-6: show those in scientific notation instead of a misleading 0.000.
  return x !== 0 && Math.abs(x) < 10 ** -digits ? x.toExponential(1) : x.toFixed(digits);
}

/** A fragment id made of safe characters only (passage ids hold "#", spaces, quotes...). */
export function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "_");
}
