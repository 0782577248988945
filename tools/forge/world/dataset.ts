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
import { factEvalItems, factExamples } from "./fact_examples.ts";
import { generateWorld } from "./generate.ts";
import { listEvalItems, listExamples } from "./lists.ts";
import { shuffled } from "./names.ts";
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
}

/** Default data settings. */
export const DEFAULT_WORLD_DATA: Required<WorldDataOptions> = {
  sizes: DEFAULT_WORLD_SIZES,
  sycophancy: 0.3,
  arithmeticTrain: 1500,
  evalPerKind: 300,
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
  const train = shuffled(stream(2), [
    ...factExamples(world, corpus.documents, stream(3), { sycophancy: o.sycophancy }),
    ...listExamples(world),
    ...arithmetic.train,
  ]);
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
  return { world, corpus, train, evaluation, split };
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
