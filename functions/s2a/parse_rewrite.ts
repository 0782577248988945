/**
 * Parses the two labelled sections of an S2A rewrite (context and question) from whatever
 * the model wrote: labels of either prompt variant, in any order, in markdown bold or as
 * headings, with preambles, notes, or one label missing.
 *
 * @module
 */

/** How much of the expected structure was found. */
export type RewriteParse = "labelled" | "partial" | "fallback";

/** The parsed rewrite. */
export interface S2ARewrite {
  context: string;
  question: string;
  parse: RewriteParse;
}

type Kind = "context" | "question";
interface Label {
  kind: Kind;
  specific: boolean;
  start: number;
  end: number;
}

// Specific labels may appear mid-line; generic ones ("Context:", "Question:") only at the
// start of a line, so prose such as "in this context: ..." is not read as a label.
const PAREN = String.raw`(?:[ \t]*\([^)\n]*\))?[ \t]*:`;
const LINE_START = String.raw`(?:^|\n)[ \t]*(?:[-*•>][ \t]*|\d+[.)][ \t]*)?`;
const PATTERNS: readonly { kind: Kind; specific: boolean; re: RegExp }[] = [
  {
    kind: "context",
    specific: true,
    re: new RegExp(String.raw`unbiased\s+text\s+context${PAREN}`, "gi"),
  },
  {
    kind: "context",
    specific: true,
    re: new RegExp(String.raw`context\s+text\s+related\s+to\s+the\s+question${PAREN}`, "gi"),
  },
  {
    kind: "question",
    specific: true,
    re: new RegExp(String.raw`question\s*\/\s*query${PAREN}`, "gi"),
  },
  {
    kind: "question",
    specific: true,
    re: new RegExp(String.raw`detailed\s+question${PAREN}`, "gi"),
  },
  {
    kind: "context",
    specific: false,
    re: new RegExp(String.raw`${LINE_START}(?:unbiased\s+|relevant\s+)?context${PAREN}`, "gi"),
  },
  {
    kind: "question",
    specific: false,
    re: new RegExp(String.raw`${LINE_START}(?:the\s+)?(?:question|query)${PAREN}`, "gi"),
  },
];

/** Remove markdown emphasis and heading markers, normalize line ends. */
function demarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\*\*|__|`/g, "")
    .replace(/^[ \t]*#{1,6}[ \t]*/gm, "");
}

function findLabels(text: string): Label[] {
  const found: Label[] = [];
  for (const { kind, specific, re } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const start = (m.index ?? 0) + (m[0].length - m[0].trimStart().length);
      const label = { kind, specific, start, end: (m.index ?? 0) + m[0].length };
      if (!found.some((f) => label.start < f.end && f.start < label.end)) found.push(label);
    }
  }
  return found;
}

function pick(labels: readonly Label[], kind: Kind): Label | undefined {
  const ofKind = labels.filter((l) => l.kind === kind).sort((a, b) => a.start - b.start);
  return ofKind.find((l) => l.specific) ?? ofKind[0];
}

/** Trim, drop wrapping quotes and trailing "Note: ..." paragraphs. */
function clean(section: string): string {
  const paragraphs = section.split(/\n[ \t]*\n/).map((p) => p.trim()).filter((p) => p !== "");
  while (paragraphs.length > 1 && /^\(?\s*note\b/i.test(paragraphs[paragraphs.length - 1] ?? "")) {
    paragraphs.pop();
  }
  return paragraphs.join("\n\n").replace(/^["“']+|["”']+$/g, "").trim();
}

/** Drop preamble lines such as "Sure! Here is the text separated:" */
function dropPreamble(text: string): string {
  const lines = text.split("\n");
  while (lines.length > 0) {
    const first = (lines[0] ?? "").trim();
    if (first === "" || /:$/.test(first) || /^(sure|here|okay|ok|certainly)\b/i.test(first)) {
      lines.shift();
    } else break;
  }
  return lines.join("\n");
}

/** The last sentence that ends with "?" in `text`, and the text without it. */
export function extractQuestion(text: string): { question: string; rest: string } {
  const matches = [...text.matchAll(/(?:^|[.!?\n])\s*([^.!?\n]*\?)/g)];
  const last = matches[matches.length - 1];
  const sentence = last?.[1];
  if (last === undefined || sentence === undefined) return { question: "", rest: text.trim() };
  const at = (last.index ?? 0) + last[0].length - sentence.length;
  const rest = (text.slice(0, at) + text.slice(at + sentence.length)).trim();
  return { question: sentence.trim(), rest };
}

/**
 * Parse an S2A rewrite. `original` (the user's text) only supplies the question when the
 * model wrote none at all; its context is never reused (the paper discards x).
 *
 * @example
 * ```ts
 * parseS2ARewrite("**Question/Query (...):** How many?\n**Unbiased text context (...):** Tom has 3.");
 * // { context: "Tom has 3.", question: "How many?", parse: "labelled" }
 * ```
 */
export function parseS2ARewrite(output: string, original = ""): S2ARewrite {
  const text = demarkdown(output);
  const labels = findLabels(text);
  const ctx = pick(labels, "context");
  const q = pick(labels, "question");
  const chosen = [ctx, q].filter((l): l is Label => l !== undefined).sort((a, b) =>
    a.start - b.start
  );
  const sectionOf = (l: Label | undefined): string | null => {
    if (l === undefined) return null;
    const next = chosen.find((c) => c.start > l.start);
    return text.slice(l.end, next?.start ?? text.length);
  };
  let context = sectionOf(ctx);
  let question = sectionOf(q);
  const parse: RewriteParse = ctx && q ? "labelled" : ctx || q ? "partial" : "fallback";
  let afterQuestion = "";
  if (question !== null) {
    // The question is its first paragraph; later paragraphs are commentary, or the
    // context when the model wrote the question first and left the context unlabelled.
    const paragraphs = question.split(/\n[ \t]*\n/).filter((p) => p.trim() !== "");
    question = clean(paragraphs[0] ?? "");
    afterQuestion = paragraphs.slice(1).join("\n\n");
  }
  if (context === null) {
    const before = q === undefined ? text : text.slice(0, q.start);
    context = [dropPreamble(before), afterQuestion].join("\n\n");
  }
  context = clean(context);
  if (question === null || question === "") {
    const extracted = extractQuestion(context);
    if (extracted.question !== "") {
      question = extracted.question;
      context = extracted.rest;
    } else question = extractQuestion(original).question;
  }
  return { context, question, parse };
}
