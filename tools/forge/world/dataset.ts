/**
 * Everything the world renders from one seed: the world, its corpus, the shuffled training
 * examples, the held-out evaluation sets and the fact split, plus their files.
 *
 * @module
 */
import { type FileSet, jsonBytes } from "../model_folder.ts";
import { createRng } from "../rng.ts";
import { arithmeticSets } from "./arithmetic.ts";
import { renderCorpus, type WorldCorpus } from "./corpus.ts";
import type { EvalItem, EvalKind, TrainingExample } from "./examples.ts";
import { coveExamples } from "./cove_examples.ts";
import { factEvalItems, factExamples } from "./fact_examples.ts";
import { coveData } from "./cove_data.ts";
import { freshExamples, freshFacts } from "./fresh_examples.ts";
import { generateWorld } from "./generate.ts";
import { listEvalItems, listExamples } from "./lists.ts";
import { shuffled } from "./names.ts";
import { s2aExamples } from "./s2a_examples.ts";
import { styleFiles } from "./styles.ts";
import { DEFAULT_WORLD_SIZES, type World, type WorldSizes } from "./types.ts";
import { verifierFiles } from "./verifier_data.ts";

/** Settings of {@link buildWorldData}. */
export interface WorldDataOptions {
  /** World sizes. */
  readonly sizes?: WorldSizes;
  /** Share of opinionated training dialogs that adopt the user's wrong belief. */
  readonly sycophancy?: number;
  /** Arithmetic problems in training. */
  readonly arithmeticTrain?: number;
  /** Held-out items per evaluation kind (lists: every held-out list). */
  readonly evalPerKind?: number;
  /**
   * Dialogs per world fact of each skill-practice kind: fresh-world Self-RAG evidence
   * (relevant, irrelevant), S2A rewrites, and CoVe plan / cross-check / final steps.
   */
  readonly practice?: PracticeShares;
  /**
   * Fresh-world evidence examples per world fact for the Self-RAG reader
   * (`reader/fresh.jsonl`, see {@link ReaderShares}).
   */
  readonly reader?: ReaderShares;
}

/**
 * Fresh-world evidence examples per world fact for the Self-RAG reader: the world target
 * fine-tuned on these beside a replay of `train.jsonl` (tools/forge/train/build_reasoning.ts),
 * so that it learns to copy answers from passages without forgetting what it memorized.
 */
export interface ReaderShares {
  readonly relevant: number;
  readonly irrelevant: number;
}

/** Dialogs per world fact of each skill-practice kind (see {@link WorldDataOptions}). */
export interface PracticeShares {
  /** List answers as `{label}: A, B and C.` (CoVe drafts carry their constraint). */
  readonly labelledLists: boolean;
  readonly freshRelevant: number;
  readonly freshIrrelevant: number;
  readonly s2a: number;
  readonly covePlan: number;
  readonly coveCrossCheck: number;
  readonly coveFinal: number;
}

/** The fact split: disjoint sets of fact ids. */
export interface FactSplit {
  /** Facts the model sees in training (closed book or with evidence). */
  readonly train: readonly string[];
  /** Facts that exist only in the corpus. */
  readonly corpusOnly: readonly string[];
}

/** All rendered data of one world. */
export interface WorldData {
  /** The world. */
  readonly world: World;
  /** The retrieval corpus. */
  readonly corpus: WorldCorpus;
  /** Training examples in a seeded order. */
  readonly train: readonly TrainingExample[];
  /** Held-out evaluation items by kind. */
  readonly evaluation: Readonly<Record<EvalKind, readonly EvalItem[]>>;
  /** Which facts training covers. */
  readonly split: FactSplit;
  /** The Self-RAG reader's fresh-world evidence examples (seeded order). */
  readonly reader: readonly TrainingExample[];
}

/** No practice dialogs: the world of the committed models. */
export const NO_PRACTICE: PracticeShares = {
  labelledLists: false,
  freshRelevant: 0,
  freshIrrelevant: 0,
  s2a: 0,
  covePlan: 0,
  coveCrossCheck: 0,
  coveFinal: 0,
};

/**
 * The practice mix of `deno task forge:world --practice`: on the 2,648 facts of the default
 * world, 1,986 + 530 fresh evidence examples, 662 S2A rewrites and 318 + 397 + 318 CoVe steps
 * beside the 9,750 per-fact, list and arithmetic examples (about 2x the training tokens).
 * Measured once (85-minute build, target rows 4 x 256): the target then memorized 0 of 32
 * seen facts (13 of 32 without practice) and still did not copy from passages, so the
 * committed models are built without it.
 */
export const PRACTICE_DIALOGS: PracticeShares = {
  labelledLists: true,
  freshRelevant: 0.75,
  freshIrrelevant: 0.2,
  s2a: 0.25,
  covePlan: 0.12,
  coveCrossCheck: 0.15,
  coveFinal: 0.12,
};

/** Default data settings. */
export const DEFAULT_WORLD_DATA: Required<WorldDataOptions> = {
  sizes: DEFAULT_WORLD_SIZES,
  sycophancy: 0.3,
  arithmeticTrain: 1500,
  evalPerKind: 300,
  practice: NO_PRACTICE,
  reader: { relevant: 2, irrelevant: 0.5 },
};

/**
 * Render all world data from a seed. Deterministic: each part draws from its own stream
 * derived from the seed, so changing one renderer does not reshuffle the others.
 *
 * @example
 * ```ts
 * const data = buildWorldData(7);
 * data.evaluation.corpus_only.length; // 300
 * ```
 */
export function buildWorldData(seed: number, options: WorldDataOptions = {}): WorldData {
  const o = { ...DEFAULT_WORLD_DATA, ...options };
  const stream = (k: number) =>
    createRng((Math.imul(seed >>> 0, 0x9e3779b1) ^ (k * 0x85ebca6b)) >>> 0);
  const world = generateWorld(seed, o.sizes);
  const corpus = renderCorpus(world);
  const arithmetic = arithmeticSets(world, stream(1), o.arithmeticTrain, o.evalPerKind);
  const n = (share: number) => Math.round(share * world.facts.length);
  const p = o.practice;
  const fresh = freshFacts(world, o.sizes, stream(5), n(p.freshRelevant + p.freshIrrelevant));
  const seenFacts = world.facts.filter((f) => world.groups.get(f.subject) === "seen");
  const names = new Map(world.entities.map((e) => [e.id, e.name]));
  const s2aFacts = [
    ...seenFacts.map((fact) => ({ fact, name: names.get(fact.subject)! })),
    ...fresh.map(({ fact, name }) => ({ fact, name })),
  ];
  const train = shuffled(stream(2), [
    ...factExamples(world, corpus.documents, stream(3), { sycophancy: o.sycophancy }),
    ...listExamples(world, p.labelledLists),
    ...arithmetic.train,
    ...freshExamples(fresh, stream(6), {
      relevant: n(p.freshRelevant),
      irrelevant: n(p.freshIrrelevant),
    }),
    ...s2aExamples(stream(7), s2aFacts, n(p.s2a)),
    ...coveExamples(world, stream(8), {
      plan: n(p.covePlan),
      crossCheck: n(p.coveCrossCheck),
      final: n(p.coveFinal),
    }),
  ]);
  // Its own streams, after the practice facts' names: adding the reader changed no other file.
  const r = o.reader;
  const readerPool = freshFacts(world, o.sizes, stream(10), n(r.relevant + r.irrelevant));
  const reader = freshExamples(readerPool, stream(11), {
    relevant: n(r.relevant),
    irrelevant: n(r.irrelevant),
  });
  const perFact = factEvalItems(world, stream(4), o.evalPerKind);
  const evaluation: Record<EvalKind, EvalItem[]> = {
    closed_book_seen: perFact.filter((i) => i.kind === "closed_book_seen"),
    corpus_only: perFact.filter((i) => i.kind === "corpus_only"),
    opinionated: perFact.filter((i) => i.kind === "opinionated"),
    list: listEvalItems(world),
    arithmetic: arithmetic.evaluation,
  };
  const split: FactSplit = {
    train: world.facts.filter((f) => world.groups.get(f.subject) !== "corpus_only").map((f) =>
      f.id
    ),
    corpusOnly: world.facts.filter((f) => world.groups.get(f.subject) === "corpus_only").map((f) =>
      f.id
    ),
  };
  return { world, corpus, train, evaluation, split, reader };
}

function jsonl(rows: readonly unknown[]): Uint8Array {
  return new TextEncoder().encode(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

/**
 * The files of a world folder: corpus.json (the ingest body), world.json (entities, facts,
 * groups), split.json, train.jsonl, eval/<kind>.jsonl and styles/<style>/{train,eval}.jsonl.
 *
 * @example
 * ```ts
 * await writeFileSet("models/world", worldFiles(buildWorldData(7)));
 * ```
 */
export function worldFiles(data: WorldData): FileSet {
  const files: FileSet = new Map();
  files.set("corpus.json", jsonBytes(data.corpus));
  files.set(
    "world.json",
    jsonBytes({
      seed: data.world.seed,
      entities: data.world.entities.map((e) => ({ ...e, group: data.world.groups.get(e.id) })),
      facts: data.world.facts,
    }),
  );
  files.set(
    "split.json",
    jsonBytes({ train: data.split.train, corpus_only: data.split.corpusOnly }),
  );
  files.set("train.jsonl", jsonl(data.train));
  for (const [kind, items] of Object.entries(data.evaluation)) {
    files.set(`eval/${kind}.jsonl`, jsonl(items));
  }
  for (const [path, bytes] of styleFiles(data)) files.set(path, bytes); // LoRA style datasets
  for (const [path, bytes] of verifierFiles(data)) files.set(path, bytes); // learned verifier
  return files;
}

/**
 * The side models' training data, rendered with the world but kept out of the world folder
 * (the reasoning build writes it into its runs folder): the Self-RAG reader's
 * `reader/fresh.jsonl` and the CoVe model's `cove/train.jsonl` and `cove/replay.jsonl`
 * (cove_data.ts).
 *
 * @example
 * ```ts
 * await writeFileSet("runs/forge-world/data", sideDataFiles(buildWorldData(7)));
 * ```
 */
export function sideDataFiles(data: WorldData): FileSet {
  const files: FileSet = new Map();
  files.set("reader/fresh.jsonl", jsonl(data.reader));
  const cove = coveData(data.world, data.train);
  files.set("cove/train.jsonl", jsonl(cove.train));
  files.set("cove/replay.jsonl", jsonl(cove.replay));
  return files;
}
