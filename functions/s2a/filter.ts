/**
 * The model-free System 2 Attention filter behind POST /v1/s2a/filter. It keeps the part
 * of a user's text that S2A's rewrite would keep (Weston & Sukhbaatar 2023): the question,
 * and the context sentences that bear on it. It drops opinions and suggested answers
 * (the "unbiased" prompt) and sentences unrelated to the question (the "relevance"
 * prompt), and says why for each.
 *
 * Relevance is lexical: a sentence is relevant when it shares a content word or a name
 * with the question or with a relevant number-bearing sentence (relevance spreads through
 * sentences that carry quantities), or when it refers back to what came before (a
 * pronoun, "twice as many", "the rest") without introducing a new name.
 *
 * @module
 */
import type { DropReason, S2AFilterResponse } from "../../shared/s2a.ts";
import {
  ANAPHORA,
  NUMBER_WORDS,
  OPINION_CUES,
  RELATIONAL,
  SENTENCE_STARTERS,
  STOP_WORDS,
  SUGGESTION_CUES,
} from "./lexicon.ts";
import { splitSentences } from "./sentences.ts";

/** What the filter reads from one sentence. */
export interface SentenceFeatures {
  text: string;
  /** Stemmed content words. */
  words: Set<string>;
  /** Capitalized names (possessive stripped). */
  names: Set<string>;
  /** Carries a quantity (digits or a number word). */
  numeric: boolean;
  /** Refers back to earlier sentences. */
  dependent: boolean;
  /** Uses a personal pronoun (he, she, they, ...). */
  pronoun: boolean;
  /** Bias found in it, if any. */
  bias: "opinion" | "suggestion" | null;
}

const PRONOUNS = new Set(
  "he she they him her his hers them their theirs himself herself themselves".split(" "),
);

const QUESTION_START =
  /^(?:find|calculate|compute|determine|work out|estimate|give|what|how|which|who|when|where|why)\b/i;

/**
 * A light stemmer, enough to match plural and singular ("berries"/"berry",
 * "movies"/"movie" -> "berri", "movi") and most -ing/-ed forms.
 */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/'s$|'$/, "");
  if (w.length > 4 && /(?:sses|ches|shes|xes)$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
  else if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  return w.replace(/(?:ie|y)$/, "i");
}

/** Read the features of one sentence. */
export function analyse(text: string): SentenceFeatures {
  const tokens = text.match(/[A-Za-z][A-Za-z'’-]*/g) ?? [];
  const words = new Set<string>();
  const names = new Set<string>();
  tokens.forEach((raw, i) => {
    const token = raw.replace(/’/g, "'");
    const lower = token.toLowerCase().replace(/'s$/, "");
    const starter = i === 0 &&
      (SENTENCE_STARTERS.has(lower) || /ly$/.test(lower) || QUESTION_START.test(token));
    if (/^[A-Z]/.test(token) && !STOP_WORDS.has(lower) && !NUMBER_WORDS.has(lower) && !starter) {
      names.add(lower);
    }
    if (lower.length > 1 && !STOP_WORDS.has(lower) && !NUMBER_WORDS.has(lower)) {
      words.add(stem(lower));
    }
  });
  const lowerTokens = tokens.map((t) => t.toLowerCase());
  const numeric = /\d/.test(text) || lowerTokens.some((t) => NUMBER_WORDS.has(t));
  const dependent = lowerTokens.some((t) => ANAPHORA.has(t)) || RELATIONAL.test(text);
  const bias = SUGGESTION_CUES.some((re) => re.test(text))
    ? "suggestion"
    : OPINION_CUES.some((re) => re.test(text))
    ? "opinion"
    : null;
  const pronoun = lowerTokens.some((t) => PRONOUNS.has(t));
  return { text, words, names, numeric, dependent, pronoun, bias };
}

/** Index of the question: the last unbiased sentence ending in "?", else the last imperative. */
export function findQuestion(sentences: readonly SentenceFeatures[]): number {
  for (let i = sentences.length - 1; i >= 0; i--) {
    const s = sentences[i];
    if (s && s.bias === null && /\?["”')]*$/.test(s.text)) return i;
  }
  for (let i = sentences.length - 1; i >= 0; i--) {
    const s = sentences[i];
    if (s && s.bias === null && QUESTION_START.test(s.text)) return i;
  }
  return -1;
}

/** The first name mentioned in the (unbiased) text: the protagonist of a word problem. */
function firstName(sentences: readonly SentenceFeatures[]): string | undefined {
  for (const s of sentences) {
    if (s.bias !== null) continue;
    const first = s.names.values().next();
    if (!first.done) return first.value;
  }
  return undefined;
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** Which candidate sentences are relevant to the question (see the module doc). */
export function relevantSet(
  question: SentenceFeatures,
  candidates: readonly SentenceFeatures[],
  protagonist?: string,
): Set<number> {
  const words = new Set(question.words);
  const names = new Set(question.names);
  // A pronoun in a relevant sentence points at the problem's protagonist (its first name).
  const resolve = (s: SentenceFeatures) => {
    if (s.pronoun && protagonist !== undefined) names.add(protagonist);
  };
  resolve(question);
  const relevant = new Set<number>();
  for (let changed = true; changed;) {
    changed = false;
    candidates.forEach((s, i) => {
      if (relevant.has(i)) return;
      const newName = s.names.size > 0 && !intersects(s.names, names);
      const hit = intersects(s.words, words) || intersects(s.names, names) ||
        (s.dependent && !newName);
      if (!hit) return;
      relevant.add(i);
      changed = true;
      resolve(s);
      if (s.numeric) {
        for (const w of s.words) words.add(w);
        for (const n of s.names) names.add(n);
      }
    });
  }
  return relevant;
}

/**
 * Filter a user's text.
 *
 * @example
 * ```ts
 * filterText("Tom has 3 apples. My teacher said it's 5. How many apples does Tom have?");
 * // { context: "Tom has 3 apples.", question: "How many apples does Tom have?",
 * //   kept: [...], dropped: [{ sentence: "My teacher said it's 5.", reason: "opinion" }] }
 * ```
 */
export function filterText(text: string): S2AFilterResponse {
  const sentences = splitSentences(text).map(analyse);
  const q = findQuestion(sentences);
  const question = sentences[q];
  const candidates = sentences.map((s, i) => ({ s, i })).filter(({ s, i }) =>
    i !== q && s.bias === null
  );
  const relevant = question === undefined
    ? new Set(candidates.map((_, j) => j)) // no question: nothing to judge relevance against
    : relevantSet(question, candidates.map(({ s }) => s), firstName(sentences));
  const keptIdx = new Set<number>([
    q,
    ...candidates.filter((_, j) => relevant.has(j)).map((c) => c.i),
  ]);
  const kept: string[] = [];
  const dropped: { sentence: string; reason: DropReason }[] = [];
  sentences.forEach((s, i) => {
    if (keptIdx.has(i)) kept.push(s.text);
    else dropped.push({ sentence: s.text, reason: s.bias ?? "irrelevant" });
  });
  return {
    context: sentences.filter((_, i) => keptIdx.has(i) && i !== q).map((s) => s.text).join(" "),
    question: question?.text ?? "",
    kept,
    dropped,
  };
}
