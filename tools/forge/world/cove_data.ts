/**
 * Training data of the CoVe side model (`cove/train.jsonl`, issue 7): the world target
 * fine-tuned for Chain-of-Verification on list questions (Dhuliawala et al. 2023), built only
 * from `seen` facts, so no corpus-only fact and no held-out list question reaches it.
 *
 * - `member_doc`: each owner's seen members under the label a list answer starts with
 *   ("Cities located in Dousistan: Dramouth and Maikraford."; the corpus says "Its cities are
 *   ..." in the owner's document), several times in shuffled order: the list-direction view of
 *   facts the target learned one way ("Dramouth is located in Dousistan."). Without it a list
 *   question names no right item at all; with it in another form ("Dousistan\nIts cities are")
 *   a probe at step 733 of 2,152 still named none.
 * - `qa_raw` in CoVe's execution form (`Q: In which country is C?\nA: C is located in X.`) for
 *   the seen members of every direct list shape: the short questions CoVe verifies with.
 * - `list` / `list_raw`: the all-seen training lists answered `{label}: A, B and C.`, so a
 *   draft carries its constraint into CoVe's final prompt (which does not repeat the question).
 * - `fresh_member_doc` / `fresh_list`: two FRESH worlds' (below) member sentences and their
 *   list questions answered `{label}: {seen members}.`: the procedure question -> label ->
 *   remembered members, on hundreds of lists instead of the world's 20. With only the world's
 *   20 lists, a model that recalled 164 of 181 held-out members from the label named the asked
 *   owner in 13 of 98 labelled drafts: it answered with one of the 20 lists it had seen.
 * - `cove_plan`, `cove_cross_check`, `cove_final`: the CoVe steps (cove_examples.ts) over the
 *   lists of FRESH worlds (other seeds, every entity whose name the world uses left out): the
 *   steps only copy and compare names, so they are learned without a single world list question,
 *   and no held-out list question appears in the data.
 *
 * It is rendered beside the world on its own random stream and is not part of the world
 * folder's committed files; the reasoning build writes it into its runs folder.
 *
 * @module
 */
import { baselinePrompt, executePrompt } from "../../../functions/cove/prompts.ts";
import { ENDOFTEXT } from "../tokenizer_files.ts";
import { deriveRng, type Rng } from "../rng.ts";
import { proseList } from "./corpus.ts";
import { coveExamples, DIRECT_SHAPES } from "./cove_examples.ts";
import { chatExample, rawExample, type TrainingExample } from "./examples.ts";
import { listAnswer, listExamples, worldLists } from "./lists.ts";
import { shuffled } from "./names.ts";
import { fill, TEMPLATES } from "./templates.ts";
import { indexWorld } from "./world_index.ts";
import { generateWorld } from "./generate.ts";
import { DEFAULT_WORLD_SIZES, type Relation, type World } from "./types.ts";

/** How much of each kind the CoVe side model trains on. */
export interface CoveDataCounts {
  /** Shuffled copies of each owner's member sentence. */
  readonly docCopies: number;
  /** Copies of each seen member's execution-form question. */
  readonly verifyCopies: number;
  /** Copies of each all-seen training list (chat and `Q: A:` forms, labelled). */
  readonly listCopies: number;
  /** Fresh worlds the CoVe step dialogs are drawn from. */
  readonly formatWorlds: number;
  /**
   * Of those, the fresh worlds whose direct lists are also trained as list questions, beside
   * their member sentences (`freshDocCopies` each): the question -> `{label}:` -> members procedure
   * on lists other than the world's 20 all-seen ones.
   */
  readonly listWorlds: number;
  /** Copies of each fresh list question (chat and `Q: A:` forms, labelled). */
  readonly freshListCopies: number;
  /** Shuffled copies of each fresh owner's member sentence. */
  readonly freshDocCopies: number;
  /** CoVe step dialogs of each kind. */
  readonly plan: number;
  readonly crossCheck: number;
  readonly final: number;
}

/**
 * Defaults of the committed build. Member sentences set how much of each list the model
 * recalls from the label (held-out city and product lists): 20 copies with 20 of each fresh
 * sentence, 10 of 255 listed items right at step 632; 20 with 10, 43 of 210 after 1,320 steps;
 * 28 with 10 and fewer plan and final steps, 127 of 210 after 951 steps; 40 before the fresh
 * lists, 164 of 181 after 1,426 steps. CoVe can only remove items, so it needs drafts
 * that mix right and wrong members, which the middle setting gives.
 */
export const COVE_DATA_COUNTS: CoveDataCounts = {
  docCopies: 28,
  verifyCopies: 10,
  listCopies: 4,
  formatWorlds: 4,
  listWorlds: 2,
  freshListCopies: 2,
  freshDocCopies: 10,
  plan: 200,
  crossCheck: 600,
  final: 250,
};

/**
 * A fresh world for the CoVe step formats: every entity `seen` except those whose name the
 * main world uses and the members of such owners (their facts would contradict the world's).
 *
 * @example
 * ```ts
 * formatWorld(world, 1007).groups.size === formatWorld(world, 1007).entities.length; // true
 * ```
 */
export function formatWorld(world: World, seed: number): World {
  const fresh = generateWorld(seed, DEFAULT_WORLD_SIZES);
  const taken = new Set(world.entities.map((e) => e.name));
  const clash = new Set(fresh.entities.filter((e) => taken.has(e.name)).map((e) => e.id));
  for (const f of fresh.facts) {
    if (f.objectId !== undefined && clash.has(f.objectId)) clash.add(f.subject);
  }
  return {
    ...fresh,
    groups: new Map(fresh.entities.map((e) => [e.id, clash.has(e.id) ? "corpus_only" : "seen"])),
  };
}

/** Direct list shapes: member relation and the label of its list answers. */
const MEMBER_SENTENCES: readonly { relation: Relation; label: string }[] = [
  { relation: "located_in", label: "Cities located in {s}" },
  { relation: "made_by", label: "Products made by {s}" },
];

/**
 * The CoVe side model's training examples, in seeded order.
 *
 * @example
 * ```ts
 * coveTrainingExamples(buildWorldData(7).world, createRng(1)).length > 0; // true
 * ```
 */
export function coveTrainingExamples(
  world: World,
  rng: Rng,
  counts: CoveDataCounts = COVE_DATA_COUNTS,
): TrainingExample[] {
  const out: TrainingExample[] = [
    ...executionExamples(world, counts.verifyCopies),
    ...memberDocs(world, rng, counts.docCopies, "member_doc"),
  ];
  const lists = listExamples(world, true);
  for (let k = 0; k < counts.listCopies; k++) out.push(...lists);
  const perWorld = (n: number) => Math.round(n / counts.formatWorlds);
  for (let k = 0; k < counts.formatWorlds; k++) {
    const fresh = formatWorld(world, world.seed + 1000 + k);
    out.push(...coveExamples(fresh, rng, {
      plan: perWorld(counts.plan),
      crossCheck: perWorld(counts.crossCheck),
      final: perWorld(counts.final),
    }));
    if (k >= counts.listWorlds) continue;
    out.push(...memberDocs(fresh, rng, counts.freshDocCopies, "fresh_member_doc"));
    const freshLists = directListExamples(fresh);
    for (let c = 0; c < counts.freshListCopies; c++) out.push(...freshLists);
  }
  return shuffled(rng, out);
}

/** CoVe's execution question (`Q: In which country is C?\nA:`) of every seen direct member. */
function executionExamples(world: World, copies: number): TrainingExample[] {
  const index = indexWorld(world);
  const out: TrainingExample[] = [];
  for (const { relation } of MEMBER_SENTENCES) {
    for (const f of world.facts) {
      if (f.relation !== relation || f.objectId === undefined) continue;
      if (world.groups.get(f.subject) !== "seen") continue;
      const name = index.entity(f.subject).name;
      const question = fill(TEMPLATES[relation].questions[0]!, name);
      const answer = ` ${fill(TEMPLATES[relation].answer, name, f.object)}`;
      for (let k = 0; k < copies; k++) {
        out.push(rawExample("qa_raw", executePrompt(question), answer));
      }
    }
  }
  return out;
}

/** Each owner's seen direct members under its list label, `copies` times in shuffled order. */
function memberDocs(
  world: World,
  rng: Rng,
  copies: number,
  kind: "member_doc" | "fresh_member_doc",
): TrainingExample[] {
  const index = indexWorld(world);
  const out: TrainingExample[] = [];
  for (const { relation, label } of MEMBER_SENTENCES) {
    const byOwner = new Map<string, string[]>();
    for (const f of world.facts) {
      if (f.relation !== relation || f.objectId === undefined) continue;
      if (world.groups.get(f.subject) !== "seen") continue;
      byOwner.set(f.objectId, [...(byOwner.get(f.objectId) ?? []), f.subject]);
    }
    for (const [owner, ids] of byOwner) {
      const names = ids.map((id) => index.entity(id).name);
      const head = `${fill(label, index.entity(owner).name)}:`;
      for (let k = 0; k < copies; k++) {
        out.push({
          kind,
          segments: [
            { text: head, loss: false },
            { text: ` ${proseList(shuffled(rng, names))}.${ENDOFTEXT}`, loss: true },
          ],
        });
      }
    }
  }
  return out;
}

/**
 * A fresh world's direct list questions (cities of a country, products of an organization)
 * answered `{label}: {seen members}.`, in chat and `Q: A:` forms.
 */
function directListExamples(fresh: World): TrainingExample[] {
  const seen = (id: string) => fresh.groups.get(id) === "seen";
  const direct = worldLists(fresh).filter((l) => l.id.slice(0, l.id.indexOf(":")) in DIRECT_SHAPES);
  return direct.flatMap((l) => {
    const members = l.members.filter((_, i) => seen(l.memberIds[i]!));
    if (members.length === 0) return [];
    const answer = listAnswer(l.question, members);
    return [
      chatExample("fresh_list", l.question, answer),
      rawExample("fresh_list", baselinePrompt(l.question), ` ${answer}`),
    ];
  });
}

/** Example kinds of the target's train.jsonl the CoVe model replays: CoVe's own `Q: A:` form. */
const REPLAYED: ReadonlySet<string> = new Set(["qa_raw"]);

/**
 * The CoVe side model's data: `train` (the examples above, seeded by the world's seed) and
 * `replay` (the target's own `Q: A:` fact examples, the form CoVe's baseline and execution
 * prompts use, so facts of other relations are not forgotten). The model serves only CoVe's
 * requests, so the chat forms, Self-RAG and arithmetic dialogs are not replayed: with them
 * (9,710 examples, half the tokens) and 8 copies of each member line, a probe at step 1,425 of
 * 2,067 still named no right city for a list question.
 *
 * @example
 * ```ts
 * const data = buildWorldData(7);
 * coveData(data.world, data.train).replay.length < data.train.length; // true
 * ```
 */
export function coveData(
  world: World,
  train: readonly TrainingExample[],
  counts: CoveDataCounts = COVE_DATA_COUNTS,
): { train: TrainingExample[]; replay: TrainingExample[] } {
  return {
    train: coveTrainingExamples(world, deriveRng(world.seed, "cove-data"), counts),
    replay: train.filter((e) => REPLAYED.has(e.kind)),
  };
}
