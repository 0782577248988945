import assert from "node:assert/strict";
import fc from "fast-check";
import {
  cleanAnswer,
  parseJointPairs,
  parseNumberedAnswers,
} from "../../../functions/cove/answers.ts";
import { parseListItems } from "../../../functions/cove/list_items.ts";
import {
  parseVerificationQuestions,
  splitFactQuestion,
} from "../../../functions/cove/plan_parser.ts";
import {
  baselinePrompt,
  executePrompt,
  finalPrompt,
  planPrompt,
} from "../../../functions/cove/prompts.ts";
import { parseVerdict } from "../../../functions/cove/verdict.ts";

Deno.test("CoVe templates match the paper", () => {
  assert.equal(baselinePrompt("Who?"), "Q: Who?\nA:");
  assert.equal(planPrompt("Who?", "Ann"), "Context: Q: Who?\nA: Ann\nResponse:\n");
  assert.equal(executePrompt("Where?"), "Q: Where?\nA:");
  assert.equal(
    finalPrompt("Ann and Bo.", [{ fact: "", question: "Q1?", answer: "x" }, {
      fact: "",
      question: "Q2?",
      answer: "y",
    }]),
    "Context: Ann and Bo.\nFrom another source,\nQ: Q1?\nA: x\nQ: Q2?\nA: y\nResponse:",
  );
});

Deno.test("parseVerificationQuestions() reads {fact}, {question} lines with numbering and bullets", () => {
  const plan =
    "Here are the checks:\n1. Hillary Clinton was born in New York, where was Hillary Clinton born?\n" +
    "- **Donald Trump, the businessman, was born in NY, when was Donald Trump born?**\n" +
    "Q3: Is Michael Bloomberg a politician?\nFact: Al Smith was governor.\nQuestion: Was Al Smith a governor?\n" +
    "3) Is Michael Bloomberg a politician?";
  assert.deepEqual(parseVerificationQuestions(plan, 8), [
    { fact: "Hillary Clinton was born in New York", question: "Where was Hillary Clinton born?" },
    {
      fact: "Donald Trump, the businessman, was born in NY",
      question: "When was Donald Trump born?",
    },
    { fact: "", question: "Is Michael Bloomberg a politician?" },
    { fact: "Al Smith was governor.", question: "Was Al Smith a governor?" },
  ]);
  assert.equal(parseVerificationQuestions(plan, 2).length, 2);
  assert.deepEqual(
    parseVerificationQuestions("1. Where is A? 2. Where is B?", 8).map((q) => q.question),
    [
      "Where is A?",
      "Where is B?",
    ],
  );
});

const words = fc.array(
  fc.constantFrom("Ann", "was", "born", "in", "Oslo", "the", "city", "of", "1990"),
  {
    minLength: 1,
    maxLength: 8,
  },
).map((w) => w.join(" "));
const qword = fc.constantFrom("where", "when", "who", "what", "which", "how", "is", "did");

Deno.test("splitFactQuestion() splits any fact, question line at the question's comma", () => {
  fc.assert(
    fc.property(
      words,
      qword,
      words,
      fc.constantFrom("", "1. ", "- ", "* "),
      (fact, w, rest, mark) => {
        const q = `${w} ${rest}?`;
        const got = splitFactQuestion(`${mark}${fact}, ${q}`);
        assert.deepEqual(got, { fact, question: q[0]!.toUpperCase() + q.slice(1) });
      },
    ),
  );
});

Deno.test("parseVerdict() finds the verdict in messy output", () => {
  const cases: [string, string][] = [
    ["CONSISTENT.", "CONSISTENT"],
    ["**INCONSISTENT.** The dates differ.", "INCONSISTENT"],
    ["Partially consistent: only the year matches", "PARTIALLY CONSISTENT"],
    ["The answer is not consistent with the context.", "INCONSISTENT"],
    ["Consistency: inconsistent", "INCONSISTENT"],
    ["partially-consistent", "PARTIALLY CONSISTENT"],
    ["Response: CONSISTENT. (INCONSISTENT would mean...)", "CONSISTENT"],
    ["I cannot tell.", "UNKNOWN"],
  ];
  for (const [text, verdict] of cases) assert.equal(parseVerdict(text), verdict, text);
});

Deno.test("parseVerdict() recovers a verdict wrapped in random noise", () => {
  const noise = fc.string({ unit: fc.constantFrom(..."abxyz .,:;!()*_\n"), maxLength: 30 });
  const verdict = fc.constantFrom("CONSISTENT", "INCONSISTENT", "PARTIALLY CONSISTENT");
  const style = fc.constantFrom(
    (v: string) => v,
    (v: string) => v.toLowerCase(),
    (v: string) => `**${v}.**`,
  );
  fc.assert(fc.property(noise, verdict, style, noise, (pre, v, s, post) => {
    fc.pre(!/consistent/i.test(pre + post));
    assert.equal(parseVerdict(`${pre} ${s(v)} ${post}`), v);
  }));
});

Deno.test("parseListItems() splits comma, 'and' and bullet lists", () => {
  assert.deepEqual(
    parseListItems("Some politicians born in NY are: Donald Trump, Hillary Clinton, and Al Smith."),
    [
      "Donald Trump",
      "Hillary Clinton",
      "Al Smith",
    ],
  );
  assert.deepEqual(parseListItems("1. Oslo\n2. **Bergen**\n3. Oslo"), ["Oslo", "Bergen"]);
  assert.deepEqual(parseListItems("Paris"), ["Paris"]);
});

Deno.test("parseListItems() recovers generated items joined in any list style", () => {
  const item = fc.array(fc.constantFrom("New", "York", "Ann", "Lee", "Oslo", "Bo"), {
    minLength: 1,
    maxLength: 3,
  })
    .map((w) => w.join(" "));
  const items = fc.uniqueArray(item, {
    minLength: 2,
    maxLength: 6,
    selector: (s) => s.toLowerCase(),
  });
  fc.assert(fc.property(items, fc.constantFrom("comma", "bullets", "numbers"), (xs, style) => {
    const text = style === "comma"
      ? `${xs.slice(0, -1).join(", ")}, and ${xs[xs.length - 1]}.`
      : xs.map((x, i) => (style === "bullets" ? `- ${x}` : `${i + 1}. ${x}`)).join("\n");
    assert.deepEqual(parseListItems(text), xs);
  }));
});

Deno.test("answers: factored, numbered 2-step and joint pairs", () => {
  assert.equal(cleanAnswer(" Chicago\n\nQ: next"), "Chicago");
  assert.deepEqual(parseNumberedAnswers(" Oslo\nA2: Bergen\nA3: **Tromsø**", 3), [
    "Oslo",
    "Bergen",
    "Tromsø",
  ]);
  assert.deepEqual(parseNumberedAnswers(" Oslo\nBergen", 2), ["Oslo", "Bergen"]);
  assert.deepEqual(parseNumberedAnswers(" Oslo", 2), ["Oslo", ""]);
  assert.deepEqual(
    parseJointPairs("Ann was born in Oslo, where was Ann born?\nA: Bergen\nQ: When?\nIn 1990", 8),
    [
      { fact: "Ann was born in Oslo", question: "Where was Ann born?", answer: "Bergen" },
      { fact: "", question: "When?", answer: "In 1990" },
    ],
  );
});
