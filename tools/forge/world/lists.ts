/**
 * List questions ("Name the cities located in X."): every list of 2 to 8 members the world
 * implies, as training examples (only lists whose members are all `seen`, so no corpus-only
 * fact leaks into training) and as held-out evaluation items (all other lists).
 *
 * @module
 */
import { baselinePrompt } from "../../../functions/cove/prompts.ts";
import { documentId, proseList } from "./corpus.ts";
import { chatExample, type EvalItem, rawExample, type TrainingExample } from "./examples.ts";
import { indexWorld } from "./world_index.ts";
import type { Relation, World } from "./types.ts";

/** One list the world implies. */
export interface WorldList {
  /** Stable id, e.g. "cities_in:country-3". */
  readonly id: string;
  /** The question, e.g. "Name the cities located in Boria." */
  readonly question: string;
  /** Member names in world order. */
  readonly members: readonly string[];
  /** Member entity ids. */
  readonly memberIds: readonly string[];
  /** The facts that make each member belong. */
  readonly facts: readonly string[];
  /** Documents holding the evidence (the owner's). */
  readonly documents: readonly string[];
}

/** List shapes: (relation from member to owner, question template). */
const LIST_SHAPES: readonly {
  key: string;
  relation: Relation;
  question: string;
  via?: Relation;
}[] = [
  { key: "cities_in", relation: "located_in", question: "Name the cities located in {s}." },
  {
    key: "people_born_in",
    relation: "born_in",
    via: "located_in",
    question: "Name the people born in {s}.",
  },
  {
    key: "organizations_in",
    relation: "headquartered_in",
    via: "located_in",
    question: "Name the organizations based in {s}.",
  },
  { key: "products_of", relation: "made_by", question: "Name the products made by {s}." },
  {
    key: "products_from",
    relation: "made_by",
    via: "headquartered_in",
    question: "Name the products made by organizations in {s}.",
  },
];

/** Smallest and largest list kept. */
export const LIST_SIZE = { min: 2, max: 8 } as const;

/**
 * Every list of {@link LIST_SIZE} members. `via` lists follow a second relation from the
 * first object (a person born in a city -> the city's country).
 *
 * @example
 * ```ts
 * worldLists(world).find((l) => l.id.startsWith("cities_in:"))?.members;
 * ```
 */
export function worldLists(world: World): WorldList[] {
  const index = indexWorld(world);
  const lists: WorldList[] = [];
  for (const shape of LIST_SHAPES) {
    const byOwner = new Map<string, { ids: string[]; facts: string[] }>();
    for (const fact of world.facts) {
      if (fact.relation !== shape.relation || fact.objectId === undefined) continue;
      const owner = shape.via === undefined
        ? fact.objectId
        : index.fact(fact.objectId, shape.via).objectId!;
      const entry = byOwner.get(owner) ?? { ids: [], facts: [] };
      entry.ids.push(fact.subject);
      entry.facts.push(fact.id);
      if (shape.via !== undefined) entry.facts.push(`${fact.objectId}:${shape.via}`);
      byOwner.set(owner, entry);
    }
    for (const [owner, { ids, facts }] of byOwner) {
      if (ids.length < LIST_SIZE.min || ids.length > LIST_SIZE.max) continue;
      const ownerEntity = index.entity(owner);
      lists.push({
        id: `${shape.key}:${owner}`,
        question: shape.question.replaceAll("{s}", ownerEntity.name),
        members: ids.map((id) => index.entity(id).name),
        memberIds: ids,
        facts: [...new Set(facts)],
        documents: [documentId(ownerEntity)],
      });
    }
  }
  return lists;
}

/**
 * The label a list answer starts with, from its question: "Name the cities located in
 * Boria." -> "Cities located in Boria". Answers read `{label}: A, B and C.`, so a CoVe
 * draft carries its constraint into the final prompt (which does not repeat the question).
 *
 * @example
 * ```ts
 * listLabel("Name the products made by Zel Works."); // "Products made by Zel Works"
 * ```
 */
export function listLabel(question: string): string {
  const body = question.replace(/^Name the /, "").replace(/[.?]+$/, "");
  return body.charAt(0).toUpperCase() + body.slice(1);
}

/** The answer to a list question: `{label}: {members}.` */
export function listAnswer(question: string, members: readonly string[]): string {
  return `${listLabel(question)}: ${proseList(members)}.`;
}

/** Whether every fact a list rests on has a `seen` subject. */
function allSeen(world: World, list: WorldList): boolean {
  return list.facts.every((f) => world.groups.get(f.slice(0, f.indexOf(":"))) === "seen");
}

/**
 * Training examples of the all-seen lists: chat and `Q: A:` forms; `labelled` answers read
 * `{label}: A, B and C.`, else `A, B and C.`
 *
 * @example
 * ```ts
 * listExamples(world).every((e) => e.kind === "list" || e.kind === "list_raw");
 * ```
 */
export function listExamples(world: World, labelled = false): TrainingExample[] {
  return worldLists(world).filter((l) => allSeen(world, l)).flatMap((l) => {
    const answer = labelled ? listAnswer(l.question, l.members) : `${proseList(l.members)}.`;
    return [
      chatExample("list", l.question, answer),
      rawExample("list_raw", baselinePrompt(l.question), ` ${answer}`),
    ];
  });
}

/**
 * Held-out list items: every list not used in training, with the members whose facts are
 * seen in training marked separately.
 *
 * @example
 * ```ts
 * listEvalItems(world).length; // >= 200 for the default sizes
 * ```
 */
export function listEvalItems(world: World): EvalItem[] {
  return worldLists(world).filter((l) => !allSeen(world, l)).map((l) => ({
    id: `list:${l.id}`,
    kind: "list",
    question: l.question,
    answers: [...l.members],
    facts: [...l.facts],
    documents: [...l.documents],
    seen_answers: l.members.filter((_, i) => world.groups.get(l.memberIds[i]!) === "seen"),
  }));
}
