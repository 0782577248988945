/**
 * Builds the distractor-laden word problems the S2A filter is measured on, in the spirit
 * of GSM-IC (Shi et al. 2023) and S2A's opinionated prompts: clean problems (from
 * templates and from GSM8K questions) with inserted opinion sentences and irrelevant,
 * number-bearing sentences. Every inserted sentence is a gold distractor.
 *
 * @module
 */
import {
  int,
  IRRELEVANT,
  ITEMS,
  NAMES,
  OPINIONS,
  OTHER_NAMES,
  pick,
  type Template,
  TEMPLATES,
} from "./eval_templates.ts";
import { splitSentences } from "./sentences.ts";

/** A seeded source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: a small, fast, seeded PRNG (deterministic eval sets). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One evaluation problem. */
export interface EvalProblem {
  source: "template" | "gsm8k";
  text: string;
  /** The clean problem's sentences, question last. */
  original: string[];
  /** Inserted sentences (gold distractors) with their kind. */
  distractors: { sentence: string; kind: "opinion" | "irrelevant" }[];
}

const NOT_PEOPLE = new Set(
  ("How What If The A An She He They On In After Each Half There It Her His Their When Then " +
    "This That These Those Every Last Yesterday Today Tomorrow Dr Mr Mrs Ms Monday Tuesday " +
    "Wednesday Thursday Friday Saturday Sunday January February March April May June July " +
    "August September October November December").split(" "),
);

/** Capitalized words of a problem that are probably people's names. */
function peopleOf(sentences: readonly string[]): string[] {
  const found = new Set<string>();
  for (const s of sentences) {
    for (const w of s.match(/\b[A-Z][a-z]+\b/g) ?? []) if (!NOT_PEOPLE.has(w)) found.add(w);
  }
  return [...found];
}

function insert(sentences: string[], at: number, s: string): void {
  sentences.splice(Math.max(0, Math.min(at, sentences.length)), 0, s);
}

/**
 * Insert 1-3 distractors into a clean problem. Irrelevant sentences go between the first
 * sentence and the question (as GSM-IC places them); opinions anywhere, the end included.
 * An irrelevant sentence names a stranger, or (30%) a person of the problem.
 */
export function addDistractors(
  original: string[],
  source: EvalProblem["source"],
  rng: Rng,
): EvalProblem {
  const sentences = [...original];
  const distractors: EvalProblem["distractors"] = [];
  const people = peopleOf(original);
  const count = int(rng, 1, 3);
  for (let k = 0; k < count; k++) {
    const x = int(rng, 2, 99);
    const questionAt = sentences.lastIndexOf(original[original.length - 1] ?? "");
    if (rng() < 0.5) {
      const s = pick(rng, OPINIONS)(x);
      if (sentences.includes(s)) continue;
      insert(sentences, int(rng, 0, sentences.length), s);
      distractors.push({ sentence: s, kind: "opinion" });
    } else {
      const name = people.length > 0 && rng() < 0.3 ? pick(rng, people) : pick(rng, OTHER_NAMES);
      const s = pick(rng, IRRELEVANT)(name, x);
      if (sentences.includes(s)) continue;
      insert(sentences, int(rng, Math.min(1, questionAt), questionAt), s);
      distractors.push({ sentence: s, kind: "irrelevant" });
    }
  }
  return { source, text: sentences.join(" "), original, distractors };
}

/** `count` template problems with distractors. */
export function templateProblems(count: number, rng: Rng): EvalProblem[] {
  return Array.from({ length: count }, (_, i) => {
    const template = TEMPLATES[i % TEMPLATES.length] as Template;
    const a = pick(rng, NAMES);
    const b = pick(rng, NAMES.filter((n) => n !== a));
    return addDistractors(template(rng, a, b, pick(rng, ITEMS)), "template", rng);
  });
}

/** Problems built from GSM8K questions (sentences as split by the filter's splitter). */
export function gsm8kProblems(questions: readonly string[], rng: Rng): EvalProblem[] {
  return questions.map((q) => addDistractors(splitSentences(q), "gsm8k", rng));
}
