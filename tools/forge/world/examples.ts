/**
 * Training and evaluation item shapes, and the renderers of the prompt formats the models
 * meet at run time: the ChatML chat template (tools/forge/tokenizer_files.ts), the Self-RAG
 * instruction format and the CoVe `Q: ... A:` format (functions/selfrag, functions/cove).
 *
 * @module
 */
import { z } from "zod";
import { ENDOFTEXT, IM_END, IM_START } from "../tokenizer_files.ts";

/** One piece of a training text; `loss` marks the tokens the model is trained to produce. */
export const Segment = z.object({ text: z.string(), loss: z.boolean() });
/** One piece of a training text. */
export type Segment = z.infer<typeof Segment>;

/** Kinds of training example. */
export const ExampleKind = z.enum([
  "qa",
  "qa_raw",
  "list",
  "list_raw",
  "opinion",
  "arithmetic",
  "selfrag_memorized",
  "selfrag_retrieval",
  "selfrag_irrelevant",
  "selfrag_fresh",
  "selfrag_fresh_irrelevant",
  "s2a_rewrite",
  "cove_plan",
  "cove_cross_check",
  "cove_final",
  "member_doc",
  "fresh_member_doc",
  "fresh_list",
]);
/** Kinds of training example. */
export type ExampleKind = z.infer<typeof ExampleKind>;

/** One training example: a text split into segments with and without loss. */
export const TrainingExample = z.object({
  kind: ExampleKind,
  segments: z.array(Segment).min(1),
});
/** One training example. */
export type TrainingExample = z.infer<typeof TrainingExample>;

/**
 * A one-turn ChatML dialog: the user turn and the assistant header carry no loss, the
 * assistant content and its `<|im_end|>` do.
 *
 * @example
 * ```ts
 * chatExample("qa", "What is the capital of Boria?", "The capital of Boria is Tenholm.");
 * ```
 */
export function chatExample(kind: ExampleKind, user: string, assistant: string): TrainingExample {
  return {
    kind,
    segments: [
      { text: `${IM_START}user\n${user}${IM_END}\n${IM_START}assistant\n`, loss: false },
      { text: `${assistant}${IM_END}`, loss: true },
      { text: "\n", loss: false },
    ],
  };
}

/**
 * A raw-prompt example (`Q: {q}\nA:` of CoVe): the completion ends with `<|endoftext|>`.
 *
 * @example
 * ```ts
 * rawExample("qa_raw", "Q: Who founded Zel Works?\nA:", " Zel Works was founded by Ana Dor.");
 * ```
 */
export function rawExample(kind: ExampleKind, prompt: string, completion: string): TrainingExample {
  return {
    kind,
    segments: [
      { text: prompt, loss: false },
      { text: `${completion}${ENDOFTEXT}`, loss: true },
    ],
  };
}

/** The whole text of an example (what the tokenizer sees). */
export function exampleText(example: TrainingExample): string {
  return example.segments.map((s) => s.text).join("");
}

/** Kinds of held-out evaluation item. */
export const EvalKind = z.enum([
  "closed_book_seen",
  "corpus_only",
  "opinionated",
  "list",
  "arithmetic",
]);
/** Kinds of held-out evaluation item. */
export type EvalKind = z.infer<typeof EvalKind>;

/** One held-out evaluation item. */
export const EvalItem = z.object({
  id: z.string(),
  kind: EvalKind,
  /** The user turn (or problem text). */
  question: z.string(),
  /** Gold answers: one for QA and arithmetic, every member for lists. */
  answers: z.array(z.string()).min(1),
  /** Facts the item is about. */
  facts: z.array(z.string()),
  /** Documents that hold the evidence. */
  documents: z.array(z.string()),
  /** Opinionated items: the wrong object the user suggests. */
  distractor: z.string().optional(),
  /** Lists: the members whose facts are seen in training. */
  seen_answers: z.array(z.string()).optional(),
});
/** One held-out evaluation item. */
export type EvalItem = z.infer<typeof EvalItem>;
