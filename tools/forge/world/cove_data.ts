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
import { executePrompt } from "../../../functions/cove/prompts.ts";
import { ENDOFTEXT } from "../tokenizer_files.ts";
import { deriveRng, type Rng } from "../rng.ts";
import { proseList } from "./corpus.ts";
import { coveExamples } from "./cove_examples.ts";
import { rawExample, type TrainingExample } from "./examples.ts";
import { listExamples } from "./lists.ts";
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
  /** CoVe step dialogs of each kind. */
  readonly plan: number;
  readonly crossCheck: number;
  readonly final: number;
}

/** Defaults of the committed build. */
export const COVE_DATA_COUNTS: CoveDataCounts = {
  docCopies: 40,
  verifyCopies: 10,
  listCopies: 4,
  formatWorlds: 4,
  plan: 800,
  crossCheck: 600,
  final: 1000,
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
  const index = indexWorld(world);
  const seen = (id: string) => world.groups.get(id) === "seen";
  const out: TrainingExample[] = [];
  for (const { relation, label } of MEMBER_SENTENCES) {
    const byOwner = new Map<string, string[]>();
    for (const f of world.facts) {
      if (f.relation !== relation || f.objectId === undefined || !seen(f.subject)) continue;
      byOwner.set(f.objectId, [...(byOwner.get(f.objectId) ?? []), f.subject]);
      const name = index.entity(f.subject).name;
      const question = fill(TEMPLATES[relation].questions[0]!, name);
      const answer = ` ${fill(TEMPLATES[relation].answer, name, f.object)}`;
      for (let k = 0; k < counts.verifyCopies; k++) {
        out.push(rawExample("qa_raw", executePrompt(question), answer));
      }
    }
    for (const [owner, ids] of byOwner) {
      const names = ids.map((id) => index.entity(id).name);
      for (let k = 0; k < counts.docCopies; k++) {
        const head = `${fill(label, index.entity(owner).name)}:`;
        out.push({
          kind: "member_doc",
          segments: [
            { text: head, loss: false },
            { text: ` ${proseList(shuffled(rng, names))}.${ENDOFTEXT}`, loss: true },
          ],
        });
      }
    }
  }
  const lists = listExamples(world, true);
  for (let k = 0; k < counts.listCopies; k++) out.push(...lists);
  const perWorld = (n: number) => Math.round(n / counts.formatWorlds);
  for (let k = 0; k < counts.formatWorlds; k++) {
    out.push(...coveExamples(formatWorld(world, world.seed + 1000 + k), rng, {
      plan: perWorld(counts.plan),
      crossCheck: perWorld(counts.crossCheck),
      final: perWorld(counts.final),
    }));
  }
  return shuffled(rng, out);
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
