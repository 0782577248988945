/**
 * System 2 Attention rewrite dialogs (Weston & Sukhbaatar 2023, Figure 2 prompt, verbatim
 * from functions/s2a/prompts.ts): the user turn is the paper's "unbiased" rewrite prompt
 * around an opinionated or plain question, the assistant writes the two labelled parts with
 * an empty context (the world's opinions carry no unbiased content) and the bare question.
 * Subjects are seen facts and fresh-world facts, so the skill learned is copying the
 * question out of the text, not recalling it. Opinion tails are the training ones only; the
 * held-out evaluation uses a tail never rendered here.
 *
 * @module
 */
import { S2A_LABELS, s2aPrompt } from "../../../functions/s2a/prompts.ts";
import type { Rng } from "../rng.ts";
import { chatExample, type TrainingExample } from "./examples.ts";
import { pick } from "./names.ts";
import { fill, OPINION_TRAIN_TAILS, TEMPLATES, TRAIN_PHRASINGS } from "./templates.ts";
import type { Fact } from "./types.ts";

/** A fact with its subject's name. */
export interface NamedFact {
  readonly fact: Fact;
  readonly name: string;
}

/** Share of rewrite dialogs whose text is a plain question with no opinion. */
const PLAIN_SHARE = 0.2;

/**
 * The rewrite the model is trained to write: both labels of the "unbiased" prompt, an empty
 * context and the question.
 *
 * @example
 * ```ts
 * s2aTarget("Who leads Boria?");
 * ```
 */
export function s2aTarget(question: string): string {
  const labels = S2A_LABELS.unbiased;
  return `${labels.context}\n${labels.question} ${question}`;
}

/**
 * `count` rewrite dialogs over `facts` (drawn with replacement): the user's text is
 * "{wrong-belief opener}{tail} {question}" (or the bare question), the wrong object taken
 * from another fact of the same relation.
 *
 * @example
 * ```ts
 * s2aExamples(rng, facts, 1000).length; // 1000
 * ```
 */
export function s2aExamples(
  rng: Rng,
  facts: readonly NamedFact[],
  count: number,
): TrainingExample[] {
  if (facts.length < 2) {
    throw new Error(`Cannot render S2A dialogs as facts has ${facts.length} entries (need 2)`);
  }
  const out: TrainingExample[] = [];
  for (let i = 0; i < count; i++) {
    const { fact, name } = pick(rng, facts);
    const t = TEMPLATES[fact.relation];
    const question = fill(t.questions[Math.floor(rng.uniform() * TRAIN_PHRASINGS)]!, name);
    let text = question;
    if (rng.uniform() >= PLAIN_SHARE) {
      let wrong = pick(rng, facts).fact;
      for (
        let k = 0;
        k < 32 && (wrong.relation !== fact.relation || wrong.object === fact.object);
        k++
      ) {
        wrong = pick(rng, facts).fact;
      }
      const object = wrong.relation === fact.relation && wrong.object !== fact.object
        ? wrong.object
        : "something else";
      text = `${fill(t.opinion, name, object)}${pick(rng, OPINION_TRAIN_TAILS)} ${question}`;
    }
    out.push(chatExample("s2a_rewrite", s2aPrompt(text, "unbiased"), s2aTarget(question)));
  }
  return out;
}
