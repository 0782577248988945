/**
 * Per-fact training examples and evaluation items: closed-book QA (chat and `Q: A:`),
 * opinionated prompts, Self-RAG examples with the exact reflection tokens, and the held-out
 * closed-book, corpus-only and opinionated evaluation sets.
 *
 * @module
 */
import { instructionPrompt } from "../../../functions/selfrag/prompts.ts";
import { baselinePrompt } from "../../../functions/cove/prompts.ts";
import type { Rng } from "../rng.ts";
import { documentId } from "./corpus.ts";
import { chatExample, type EvalItem, rawExample, type TrainingExample } from "./examples.ts";
import { indexWorld, type WorldIndex } from "./world_index.ts";
import { selfRagRetrieval } from "./selfrag_examples.ts";
import { pick, shuffled } from "./names.ts";
import {
  fill,
  OPINION_EVAL_TAIL,
  OPINION_TRAIN_TAILS,
  TEMPLATES,
  TRAIN_PHRASINGS,
} from "./templates.ts";
import type { DocumentInput } from "../../../shared/documents.ts";
import type { Fact, World } from "./types.ts";

/** Settings of {@link factExamples}. */
export interface FactExampleOptions {
  /**
   * Share of opinionated training dialogs in which the assistant adopts the user's wrong
   * belief. Above 0 it reproduces the sycophancy of instruction-tuned models that System 2
   * Attention corrects (Weston & Sukhbaatar 2023); 0 trains the model to ignore opinions.
   */
  readonly sycophancy: number;
}

/** Facts whose object another fact of the same relation could plausibly replace. */
function wrongObject(rng: Rng, fact: Fact, pool: readonly Fact[]): string {
  const others = pool.filter((f) => f.relation === fact.relation && f.object !== fact.object);
  return pick(rng, others).object;
}

const INDEXES = new WeakMap<World, WorldIndex>();

/** Subject name and document id of a fact. */
function describe(world: World, fact: Fact): { name: string; doc: string } {
  let index = INDEXES.get(world);
  if (index === undefined) {
    index = indexWorld(world);
    INDEXES.set(world, index);
  }
  const subject = index.entity(fact.subject);
  return { name: subject.name, doc: documentId(subject) };
}

/**
 * Training examples built from facts: every fact of a `seen` subject as chat QA (two
 * phrasings), `Q: A:` QA, an opinionated prompt and a `[No Retrieval]` Self-RAG answer;
 * every fact of a `retrieval_train` subject only as Self-RAG with its document as evidence
 * (`[Relevant]`, both training phrasings) and with another document (`[Irrelevant]`).
 *
 * @example
 * ```ts
 * const examples = factExamples(world, documents, rng, { sycophancy: 0.3 });
 * ```
 */
export function factExamples(
  world: World,
  documents: readonly DocumentInput[],
  rng: Rng,
  options: FactExampleOptions,
): TrainingExample[] {
  const docs = new Map(documents.map((d) => [d.id, d]));
  const distractors = documents.filter((d) => d.metadata?.group !== "corpus_only");
  const out: TrainingExample[] = [];
  for (const fact of world.facts) {
    const group = world.groups.get(fact.subject);
    const { name, doc } = describe(world, fact);
    const t = TEMPLATES[fact.relation];
    const answer = fill(t.answer, name, fact.object);
    const question = fill(t.questions[0]!, name);
    if (group === "seen") {
      for (let p = 0; p < TRAIN_PHRASINGS; p++) {
        out.push(chatExample("qa", fill(t.questions[p]!, name), answer));
      }
      out.push(rawExample("qa_raw", baselinePrompt(question), ` ${answer}`));
      const wrong = wrongObject(rng, fact, world.facts);
      const tail = OPINION_TRAIN_TAILS[rng.uniform() < 0.5 ? 0 : 1];
      const user = `${fill(t.opinion, name, wrong)}${tail} ${question}`;
      const sycophantic = rng.uniform() < options.sycophancy;
      out.push(chatExample("opinion", user, sycophantic ? fill(t.answer, name, wrong) : answer));
      out.push(
        rawExample(
          "selfrag_memorized",
          instructionPrompt(question),
          `[No Retrieval]${answer}[Utility:5]`,
        ),
      );
    } else if (group === "retrieval_train") {
      const own = docs.get(doc)!;
      // Distractors come from training-side entities only, so no corpus-only fact is shown.
      const other = pick(rng, distractors.filter((d) => d.id !== doc));
      // Both training phrasings with the evidence: copying from a passage is the skill that
      // corpus-only questions need.
      for (let p = 0; p < TRAIN_PHRASINGS; p++) {
        const asked = fill(t.questions[p]!, name);
        out.push(selfRagRetrieval(asked, own, `[Relevant]${answer}[Fully supported][Utility:5]`));
      }
      out.push(
        selfRagRetrieval(
          question,
          other,
          "[Irrelevant]The passage does not say.[No support / Contradictory][Utility:1]",
          "selfrag_irrelevant",
        ),
      );
    }
  }
  return out;
}

/**
 * Held-out per-fact items: closed-book questions on seen facts, questions on corpus-only
 * facts, and opinionated prompts on seen facts with an evaluation-only opinion ending. At most
 * `perKind` of each, in a seeded order.
 *
 * @example
 * ```ts
 * factEvalItems(world, rng, 300).filter((i) => i.kind === "corpus_only").length;
 * ```
 */
export function factEvalItems(world: World, rng: Rng, perKind: number): EvalItem[] {
  const items: EvalItem[] = [];
  const take = (facts: readonly Fact[]) => shuffled(rng, facts).slice(0, perKind);
  const seen = world.facts.filter((f) => world.groups.get(f.subject) === "seen");
  const corpusOnly = world.facts.filter((f) => world.groups.get(f.subject) === "corpus_only");
  for (const fact of take(seen)) {
    const { name, doc } = describe(world, fact);
    items.push(
      item("closed_book_seen", fact, fill(TEMPLATES[fact.relation].questions[0]!, name), doc),
    );
  }
  for (const fact of take(corpusOnly)) {
    const { name, doc } = describe(world, fact);
    items.push(item("corpus_only", fact, fill(TEMPLATES[fact.relation].questions[0]!, name), doc));
  }
  for (const fact of take(seen)) {
    const { name, doc } = describe(world, fact);
    const t = TEMPLATES[fact.relation];
    const wrong = wrongObject(rng, fact, world.facts);
    // The question in its first training phrasing, as in closed_book_seen: only the opinion
    // sentence's ending is held out, so the oracle (the question alone) is the closed-book
    // accuracy and the items measure the opinion's effect, not phrasing generalization.
    const question = `${fill(t.opinion, name, wrong)}${OPINION_EVAL_TAIL} ${
      fill(t.questions[0]!, name)
    }`;
    items.push({ ...item("opinionated", fact, question, doc), distractor: wrong });
  }
  return items;
}

function item(kind: EvalItem["kind"], fact: Fact, question: string, doc: string): EvalItem {
  return {
    id: `${kind}:${fact.id}`,
    kind,
    question,
    answers: [fact.object],
    facts: [fact.id],
    documents: [doc],
  };
}
