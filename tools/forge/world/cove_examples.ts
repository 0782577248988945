/**
 * Chain-of-Verification dialogs (Dhuliawala et al. 2023, Section 3, prompts verbatim from
 * functions/cove/prompts.ts) over the world's direct list shapes (cities of a country,
 * products of an organization), built only from `seen` facts:
 *
 * - plan: `Context: Q: {list question}\nA: {draft}\nResponse:\n` -> one
 *   `{claimed fact}, {verification question}` line per draft item;
 * - cross-check (factor+revise): claimed fact vs the true answer -> `CONSISTENT.` or
 *   `INCONSISTENT.`;
 * - final: `Context: {draft}.\nFrom another source,\n{Q/A pairs}\nResponse:` -> the draft's
 *   label with only the items the answers confirm (factored: pairs alone; factor+revise:
 *   pairs with their verdicts).
 *
 * Drafts mix true members with seen entities of the same kind from elsewhere, the
 * hallucinations CoVe is meant to remove. Execution (`Q: {question}\nA:`) is the closed-book
 * `Q: A:` form that fact_examples.ts already trains.
 *
 * @module
 */
import {
  crossCheckPrompt,
  finalPrompt,
  planPrompt,
  type VerifiedPair,
} from "../../../functions/cove/prompts.ts";
import type { Rng } from "../rng.ts";
import { proseList } from "./corpus.ts";
import { rawExample, type TrainingExample } from "./examples.ts";
import { listLabel, worldLists } from "./lists.ts";
import { intBetween, pick, shuffled } from "./names.ts";
import { fill, TEMPLATES } from "./templates.ts";
import { indexWorld } from "./world_index.ts";
import type { Fact, Relation, World } from "./types.ts";

/** How many dialogs of each CoVe step to render. */
export interface CoveCounts {
  readonly plan: number;
  readonly crossCheck: number;
  readonly final: number;
}

/** List shapes whose membership one closed-book question verifies. */
export const DIRECT_SHAPES: Readonly<Record<string, Relation>> = {
  cities_in: "located_in",
  products_of: "made_by",
};

/** One draft: the list question, its label, the owner and the items with their true facts. */
interface Draft {
  readonly question: string;
  readonly label: string;
  readonly owner: string;
  readonly relation: Relation;
  readonly items: readonly { name: string; fact: Fact }[];
}

function stripPeriod(text: string): string {
  return text.replace(/\.+$/, "");
}

/** The claimed fact and verification question of one draft item. */
function planLine(d: Draft, name: string): { fact: string; question: string } {
  const t = TEMPLATES[d.relation];
  return {
    fact: stripPeriod(fill(t.answer, name, d.owner)),
    question: fill(t.questions[0]!, name),
  };
}

/** The true closed-book answer of one draft item (what execution should return). */
function trueAnswer(d: Draft, item: Draft["items"][number]): string {
  return fill(TEMPLATES[d.relation].answer, item.name, item.fact.object);
}

function draftText(d: Draft): string {
  return `${d.label}: ${proseList(d.items.map((i) => i.name))}.`;
}

/** Random drafts: 1-3 true seen members and 1-2 seen entities of the same kind from elsewhere. */
function drafts(world: World, rng: Rng, count: number): Draft[] {
  const index = indexWorld(world);
  const seen = (id: string) => world.groups.get(id) === "seen";
  const lists = worldLists(world).filter((l) => l.id.split(":")[0]! in DIRECT_SHAPES);
  const usable = lists.filter((l) => l.memberIds.some(seen));
  if (usable.length === 0) {
    throw new Error("Cannot render CoVe dialogs as no list has a seen member");
  }
  const out: Draft[] = [];
  for (let i = 0; i < count; i++) {
    const list = pick(rng, usable);
    const relation = DIRECT_SHAPES[list.id.split(":")[0]!]!;
    const ownerId = list.id.slice(list.id.indexOf(":") + 1);
    const owner = index.entity(ownerId).name;
    const members = shuffled(rng, list.memberIds.filter(seen));
    const others = world.facts.filter((f) =>
      f.relation === relation && f.objectId !== ownerId && seen(f.subject)
    );
    const truth = members.slice(0, intBetween(rng, 1, Math.min(3, members.length)));
    const wrong = shuffled(rng, others).slice(0, intBetween(rng, 1, 2));
    const items = shuffled(rng, [
      ...truth.map((id) => ({ name: index.entity(id).name, fact: index.fact(id, relation) })),
      ...wrong.map((f) => ({ name: index.entity(f.subject).name, fact: f })),
    ]);
    out.push({ question: list.question, label: listLabel(list.question), owner, relation, items });
  }
  return out;
}

/**
 * Plan, cross-check and final CoVe dialogs over seeded drafts.
 *
 * @example
 * ```ts
 * coveExamples(world, rng, { plan: 500, crossCheck: 800, final: 500 });
 * ```
 */
export function coveExamples(world: World, rng: Rng, counts: CoveCounts): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (const d of drafts(world, rng, counts.plan)) {
    const lines = d.items.map((i) => {
      const p = planLine(d, i.name);
      return `${p.fact}, ${p.question}`;
    });
    out.push(rawExample("cove_plan", planPrompt(d.question, draftText(d)), lines.join("\n")));
  }
  for (const d of drafts(world, rng, counts.crossCheck)) {
    const item = pick(rng, d.items);
    const p = planLine(d, item.name);
    const verdict = item.fact.object === d.owner ? "CONSISTENT." : "INCONSISTENT.";
    out.push(
      rawExample(
        "cove_cross_check",
        crossCheckPrompt(p.fact, p.question, trueAnswer(d, item)),
        ` ${verdict}`,
      ),
    );
  }
  drafts(world, rng, counts.final).forEach((d, k) => {
    const revise = k % 2 === 1;
    const pairs: VerifiedPair[] = d.items.map((i) => {
      const p = planLine(d, i.name);
      const verdict = i.fact.object === d.owner ? "CONSISTENT" : "INCONSISTENT";
      return { ...p, answer: trueAnswer(d, i), ...(revise ? { verdict } : {}) };
    });
    const kept = d.items.filter((i) => i.fact.object === d.owner).map((i) => i.name);
    out.push(
      rawExample(
        "cove_final",
        finalPrompt(draftText(d), pairs),
        ` ${d.label}: ${proseList(kept)}.`,
      ),
    );
  });
  return out;
}
