/**
 * Answer styles for the world's LoRA adapters: the same closed-book questions about seen
 * facts, answered "terse" (only the entity: "Tenholm.") or "formal" (a full sentence that
 * begins "According to the records, ..."), with held-out evaluation prompts (the phrasing
 * training never uses) and a metric per style: the fraction of answers in that style.
 *
 * @module
 */
import { z } from "zod";
import { type FileSet } from "../model_folder.ts";
import type { WorldData } from "./dataset.ts";
import { chatExample, type TrainingExample } from "./examples.ts";
import { fill, TEMPLATES, TRAIN_PHRASINGS } from "./templates.ts";
import { indexWorld } from "./world_index.ts";

/** The answer styles. */
export const AnswerStyle = z.enum(["terse", "formal"]);
/** An answer style. */
export type AnswerStyle = z.infer<typeof AnswerStyle>;
/** Every style, in adapter order. */
export const ANSWER_STYLES: readonly AnswerStyle[] = AnswerStyle.options;

/** The opening of every formal answer. */
export const FORMAL_PREFIX = "According to the records, ";

/** One held-out style prompt. */
export const StyleEvalItem = z.object({
  id: z.string(),
  style: AnswerStyle,
  /** The user turn (the held-out phrasing). */
  question: z.string(),
  /** The entity the answer must name. */
  object: z.string(),
  /** The reference answer in the style. */
  reference: z.string(),
});
/** One held-out style prompt. */
export type StyleEvalItem = z.infer<typeof StyleEvalItem>;

/**
 * The answer to (subject, relation, object) in a style.
 *
 * @example
 * ```ts
 * styleAnswer("formal", "The capital of {s} is {o}.", "Boria", "Tenholm");
 * // "According to the records, the capital of Boria is Tenholm."
 * ```
 */
export function styleAnswer(
  style: AnswerStyle,
  template: string,
  subject: string,
  object: string,
): string {
  if (style === "terse") return `${object}.`;
  const sentence = fill(template, subject, object);
  const lowered = sentence.startsWith("The ") ? `the ${sentence.slice(4)}` : sentence;
  return `${FORMAL_PREFIX}${lowered}`;
}

/**
 * Whether an answer is in a style: terse = at most four words and no sentence opener
 * ("The", "According"); formal = begins with {@link FORMAL_PREFIX}.
 *
 * @example
 * ```ts
 * isInStyle("terse", "Tenholm."); // true
 * ```
 */
export function isInStyle(style: AnswerStyle, answer: string): boolean {
  const text = answer.trim();
  if (style === "formal") return text.startsWith(FORMAL_PREFIX);
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  return words.length > 0 && words.length <= 4 && !/^(The|According)\b/.test(text);
}

/**
 * The style metric: the fraction of answers in the style (0 for no answers).
 *
 * @example
 * ```ts
 * styleScore("terse", ["Tenholm.", "The capital of Boria is Tenholm."]); // 0.5
 * ```
 */
export function styleScore(style: AnswerStyle, answers: readonly string[]): number {
  if (answers.length === 0) return 0;
  return answers.filter((a) => isInStyle(style, a)).length / answers.length;
}

/** Facts of `seen` subjects with their subject names, in world order. */
function seenFacts(data: WorldData) {
  const index = indexWorld(data.world);
  return data.world.facts
    .filter((f) => data.world.groups.get(f.subject) === "seen")
    .map((fact) => ({ fact, name: index.entity(fact.subject).name }));
}

/**
 * Chat QA training dialogs in a style: every seen fact once, the training phrasings in turn.
 *
 * @example
 * ```ts
 * styleExamples(buildWorldData(7), "terse").length > 0; // true
 * ```
 */
export function styleExamples(data: WorldData, style: AnswerStyle): TrainingExample[] {
  const out: TrainingExample[] = [];
  seenFacts(data).forEach(({ fact, name }, i) => {
    const t = TEMPLATES[fact.relation];
    const answer = styleAnswer(style, t.answer, name, fact.object);
    out.push(chatExample("qa", fill(t.questions[i % TRAIN_PHRASINGS]!, name), answer));
  });
  return out;
}

/**
 * Held-out style prompts: seen facts asked with the evaluation phrasing (never trained),
 * spread evenly over the facts, at most `limit`.
 *
 * @example
 * ```ts
 * styleEvalItems(buildWorldData(7), "formal", 200).length; // <= 200
 * ```
 */
export function styleEvalItems(data: WorldData, style: AnswerStyle, limit = 200): StyleEvalItem[] {
  const facts = seenFacts(data);
  const stride = Math.max(1, Math.floor(facts.length / limit));
  const out: StyleEvalItem[] = [];
  for (let i = 0; i < facts.length && out.length < limit; i += stride) {
    const { fact, name } = facts[i]!;
    const t = TEMPLATES[fact.relation];
    out.push({
      id: `style-${style}-${fact.id}`,
      style,
      question: fill(t.questions[t.questions.length - 1]!, name),
      object: fact.object,
      reference: styleAnswer(style, t.answer, name, fact.object),
    });
  }
  return out;
}

function jsonl(rows: readonly unknown[]): Uint8Array {
  return new TextEncoder().encode(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

/**
 * The style files of a world folder: styles/<style>/train.jsonl and styles/<style>/eval.jsonl.
 *
 * @example
 * ```ts
 * [...styleFiles(data).keys()]; // ["styles/terse/train.jsonl", ...]
 * ```
 */
export function styleFiles(data: WorldData): FileSet {
  const files: FileSet = new Map();
  for (const style of ANSWER_STYLES) {
    files.set(`styles/${style}/train.jsonl`, jsonl(styleExamples(data, style)));
    files.set(`styles/${style}/eval.jsonl`, jsonl(styleEvalItems(data, style)));
  }
  return files;
}
