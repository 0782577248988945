import assert from "node:assert/strict";
import fc from "fast-check";
import { parseS2ARewrite } from "../../../functions/s2a/parse_rewrite.ts";
import { rewrittenInput, S2A_LABELS, s2aPrompt } from "../../../functions/s2a/prompts.ts";

Deno.test("s2aPrompt() is the paper's unbiased prompt around the user's text", () => {
  assert.equal(
    s2aPrompt("X?", "unbiased"),
    "Given the following text by a user, extract the part that is unbiased and not their " +
      "opinion, so that using that text alone would be good context for providing an unbiased " +
      "answer to the question portion of the text. Please include the actual question or query " +
      "that the user is asking. Separate this into two categories labeled with " +
      '"Unbiased text context (includes all content except user\'s bias):" and ' +
      '"Question/Query (does not include user bias/preference):".\n\nText by User: X?',
  );
});

Deno.test("s2aPrompt() relevance variant asks for related context and a detailed question", () => {
  const p = s2aPrompt("X?", "relevance");
  assert.ok(
    p.startsWith(
      "Given the following text by a user, extract the part that is related and useful,",
    ),
  );
  assert.ok(
    p.includes(
      '"Context text related to the question (includes all content except unrelated sentences):" and "Detailed question:". Do not use list.',
    ),
  );
  assert.ok(p.endsWith("\n\nText by User: X?"));
});

Deno.test("rewrittenInput() is the context then the question, nothing of the original", () => {
  assert.equal(rewrittenInput(" Tom has 3. ", "How many?"), "Tom has 3.\n\nHow many?");
  assert.equal(rewrittenInput("", "How many?"), "How many?");
});

Deno.test("parseS2ARewrite() falls back to the original's question when the model wrote none", () => {
  assert.deepEqual(parseS2ARewrite("Tom has 3 apples.", "I think 5. How many apples?"), {
    context: "Tom has 3 apples.",
    question: "How many apples?",
    parse: "fallback",
  });
});

Deno.test("parseS2ARewrite() ignores a copied 'Question:' inside the labelled context", () => {
  const out = `${S2A_LABELS.unbiased.context} Question: old? Tom has 3.\n` +
    `${S2A_LABELS.unbiased.question} How many apples?`;
  assert.equal(parseS2ARewrite(out).question, "How many apples?");
});

// Sentences built from words that contain no label words, colons or question marks.
const word = fc.constantFrom(
  "Tom",
  "has",
  "three",
  "red",
  "apples",
  "Mary",
  "sold",
  "5",
  "pens",
  "today",
);
const sentence = fc.array(word, { minLength: 2, maxLength: 7 }).map((ws) => `${ws.join(" ")}.`);
const contextArb = fc.array(sentence, { minLength: 1, maxLength: 4 }).map((s) => s.join(" "));
const questionArb = fc.array(word, { minLength: 2, maxLength: 7 }).map((ws) =>
  `How many ${ws.join(" ")}?`
);
const variantArb = fc.constantFrom("unbiased" as const, "relevance" as const);
const styleArb = fc.record({
  bold: fc.boolean(),
  heading: fc.boolean(),
  reorder: fc.boolean(),
  preamble: fc.constantFrom("", "Sure! Here is the text, separated:\n\n", "Okay.\n"),
  postamble: fc.constantFrom(
    "",
    "\n\nNote: I removed the user's opinion.",
    "\n\n(Note: no list used.)",
  ),
  sameLine: fc.boolean(),
});

function render(
  label: string,
  body: string,
  s: { bold: boolean; heading: boolean; sameLine: boolean },
): string {
  const l = s.bold ? `**${label}**` : label;
  return `${s.heading ? "## " : ""}${l}${s.sameLine ? " " : "\n"}${body}`;
}

Deno.test("parseS2ARewrite() recovers both sections in any order, bold, headings and notes", () => {
  fc.assert(
    fc.property(
      variantArb,
      contextArb,
      questionArb,
      styleArb,
      (variant, context, question, style) => {
        const labels = S2A_LABELS[variant];
        const parts = [
          render(labels.context, context, style),
          render(labels.question, question, style),
        ];
        if (style.reorder) parts.reverse();
        const out = style.preamble + parts.join("\n\n") + style.postamble;
        assert.deepEqual(parseS2ARewrite(out), { context, question, parse: "labelled" });
      },
    ),
    { numRuns: 400 },
  );
});

Deno.test("parseS2ARewrite() takes the question from the context when its label is missing", () => {
  fc.assert(
    fc.property(
      variantArb,
      contextArb,
      questionArb,
      fc.boolean(),
      (variant, context, question, bold) => {
        const label = bold ? `**${S2A_LABELS[variant].context}**` : S2A_LABELS[variant].context;
        const out = `${label} ${context} ${question}`;
        assert.deepEqual(parseS2ARewrite(out), { context, question, parse: "partial" });
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("parseS2ARewrite() takes unlabelled text as the context when only the question is labelled", () => {
  fc.assert(
    fc.property(
      variantArb,
      contextArb,
      questionArb,
      fc.boolean(),
      (variant, context, question, first) => {
        const q = `${S2A_LABELS[variant].question} ${question}`;
        const out = first ? `${q}\n\n${context}` : `Here you go:\n${context}\n\n${q}`;
        assert.deepEqual(parseS2ARewrite(out), { context, question, parse: "partial" });
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("parseS2ARewrite() reads the short generic labels at the start of a line", () => {
  assert.deepEqual(parseS2ARewrite("Context: Tom has 3 apples.\nQuestion: How many apples?"), {
    context: "Tom has 3 apples.",
    question: "How many apples?",
    parse: "labelled",
  });
});

Deno.test("parseS2ARewrite() never throws on arbitrary output", () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (out, original) => {
      const r = parseS2ARewrite(out, original);
      assert.equal(typeof r.context, "string");
      assert.equal(typeof r.question, "string");
    }),
    { numRuns: 1000 },
  );
});
