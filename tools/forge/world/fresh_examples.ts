/**
 * Reading practice for Self-RAG: evidence examples about entities of *other* seeded worlds
 * (fresh names, each fact shown once), so the only way to lower the loss on the answer is
 * to copy it from the passage. Without them the model learned entity familiarity instead of
 * reading: given the gold passage of an entity it had never seen it answered
 * `[Irrelevant]The passage does not say.` (issue 7's diagnosis of the first world build).
 *
 * Fresh entities whose name exists in the main world are skipped, so no fresh passage
 * contradicts a world fact; fresh objects may reuse world names (they describe other
 * subjects, as any corpus does).
 *
 * @module
 */
import type { Rng } from "../rng.ts";
import type { DocumentInput } from "../../../shared/documents.ts";
import { renderCorpus } from "./corpus.ts";
import type { TrainingExample } from "./examples.ts";
import { generateWorld } from "./generate.ts";
import { pick, shuffled } from "./names.ts";
import { selfRagRetrieval } from "./selfrag_examples.ts";
import { fill, TEMPLATES, TRAIN_PHRASINGS } from "./templates.ts";
import type { Fact, World, WorldSizes } from "./types.ts";

/** Settings of {@link freshExamples}. */
export interface FreshOptions {
  /** Evidence examples with the subject's own passage (`[Relevant]`). */
  readonly relevant: number;
  /** Evidence examples with another fresh entity's passage (`[Irrelevant]`). */
  readonly irrelevant: number;
}

/** One fact of a fresh world with its subject's name and passage. */
export interface FreshFact {
  readonly fact: Fact;
  readonly name: string;
  readonly doc: DocumentInput;
}

/** The usable facts of one fresh world: subjects whose names the main world does not use. */
function usableFacts(fresh: World, taken: ReadonlySet<string>): FreshFact[] {
  const docs = renderCorpus(fresh).documents;
  const byEntity = new Map(fresh.entities.map((e, i) => [e.id, { e, doc: docs[i]! }]));
  const out: FreshFact[] = [];
  for (const fact of fresh.facts) {
    const owner = byEntity.get(fact.subject);
    if (owner === undefined || taken.has(owner.e.name)) continue;
    out.push({ fact, name: owner.e.name, doc: owner.doc });
  }
  return out;
}

/**
 * At least `need` facts of fresh worlds generated from `seed + 7919 k` (k = 1, 2, ...) with
 * the main world's sizes, in a seeded order.
 *
 * @example
 * ```ts
 * freshFacts(world, DEFAULT_WORLD_SIZES, rng, 3000).length >= 3000;
 * ```
 */
export function freshFacts(
  world: World,
  sizes: WorldSizes,
  rng: Rng,
  need: number,
): FreshFact[] {
  const taken = new Set(world.entities.map((e) => e.name));
  const pool: FreshFact[] = [];
  for (let k = 1; pool.length < need; k++) {
    if (k > 64) {
      throw new Error(
        `Cannot collect ${need} fresh facts as 64 fresh worlds hold only ${pool.length}`,
      );
    }
    pool.push(...usableFacts(generateWorld(world.seed + k * 7919, sizes), taken));
  }
  return shuffled(rng, pool);
}

/**
 * Self-RAG evidence examples over fresh facts (each used at most once): the first
 * `relevant` with the subject's passage (a random training phrasing,
 * `[Relevant]{answer}[Fully supported][Utility:5]`), the next `irrelevant` with another
 * fresh subject's passage (`[Irrelevant]The passage does not say.` ...).
 *
 * @example
 * ```ts
 * const pool = freshFacts(world, DEFAULT_WORLD_SIZES, rng, 3750);
 * const examples = freshExamples(pool, rng, { relevant: 3000, irrelevant: 750 });
 * ```
 */
export function freshExamples(
  pool: readonly FreshFact[],
  rng: Rng,
  options: FreshOptions,
): TrainingExample[] {
  const need = options.relevant + options.irrelevant;
  if (pool.length < need) {
    throw new Error(
      `Cannot render ${need} fresh evidence examples as the pool holds ${pool.length}`,
    );
  }
  const facts = pool.slice(0, need);
  const out: TrainingExample[] = [];
  facts.forEach(({ fact, name, doc }, i) => {
    const t = TEMPLATES[fact.relation];
    const question = fill(t.questions[Math.floor(rng.uniform() * TRAIN_PHRASINGS)]!, name);
    if (i < options.relevant) {
      const answer = fill(t.answer, name, fact.object);
      out.push(
        selfRagRetrieval(
          question,
          doc,
          `[Relevant]${answer}[Fully supported][Utility:5]`,
          "selfrag_fresh",
        ),
      );
      return;
    }
    let other = pick(rng, facts);
    while (other.name === name) other = pick(rng, facts);
    out.push(
      selfRagRetrieval(
        question,
        other.doc,
        "[Irrelevant]The passage does not say.[No support / Contradictory][Utility:1]",
        "selfrag_fresh_irrelevant",
      ),
    );
  });
  return out;
}
