/**
 * Retrieval evaluation: nDCG@10 and recall@10 of query-construction variants on a
 * relevance-judged collection (by default the seed corpus and functions/retrieval/judged_queries.json).
 *
 * `deno run -A functions/retrieval/eval.ts [--corpus path] [--queries path] [--json]`
 *
 * Rankings are at document level: the retriever returns the 50 best passages and a document
 * takes the rank of its best passage (BEIR's MaxP convention).
 *
 * @module
 */
import { z } from "zod";
import { parseSeedCorpus } from "../seed.ts";
import { createDocumentStore, type DocumentStore } from "../store/document_store.ts";
import { openSqliteDriver } from "../store/sqlite_driver.ts";
import { createFtsRetriever, DEFAULT_QUERY_OPTIONS, type QueryOptions } from "./fts_retriever.ts";
import { mean, ndcgAt, recallAt } from "./metrics.ts";

/** A judged query: text and relevance grades by document id. */
export const JudgedQuery = z.object({
  id: z.string(),
  query: z.string().min(1),
  relevant: z.record(z.string(), z.number().int().min(0).max(3)),
});
/** A judged query. */
export type JudgedQuery = z.infer<typeof JudgedQuery>;

/** A judged query file. */
export const JudgedQueries = z.object({
  description: z.string().optional(),
  queries: z.array(JudgedQuery).min(1),
});
/** A judged query file. */
export type JudgedQueries = z.infer<typeof JudgedQueries>;

/** A named query-construction variant. */
export interface Variant {
  readonly name: string;
  readonly options: QueryOptions;
}

/** The variants compared; `bm25_or` is plain BM25 (every term, OR, no field weighting). */
export const VARIANTS: readonly Variant[] = [
  { name: "bm25_or", options: { mode: "or", stopWords: false, titleWeight: 1 } },
  { name: "or_stop", options: { mode: "or", stopWords: true, titleWeight: 1 } },
  { name: "or_title2", options: { mode: "or", stopWords: false, titleWeight: 2 } },
  { name: "or_stop_title2", options: { mode: "or", stopWords: true, titleWeight: 2 } },
  { name: "or_stop_title3", options: { mode: "or", stopWords: true, titleWeight: 3 } },
  { name: "or_stop_title5", options: { mode: "or", stopWords: true, titleWeight: 5 } },
  { name: "or_stop_title8", options: { mode: "or", stopWords: true, titleWeight: 8 } },
  {
    name: "or_stop_phrases",
    options: { mode: "or", stopWords: true, titleWeight: 1, phrases: true },
  },
  {
    name: "or_stop_phrases_title2",
    options: { mode: "or", stopWords: true, titleWeight: 2, phrases: true },
  },
  {
    name: "or_stop_phrases_title5",
    options: { mode: "or", stopWords: true, titleWeight: 5, phrases: true },
  },
  { name: "and_stop_title2", options: { mode: "and", stopWords: true, titleWeight: 2 } },
  {
    name: "and_then_or_stop_title2",
    options: { mode: "and_then_or", stopWords: true, titleWeight: 2 },
  },
];

/** Scores of one variant. */
export interface VariantScore {
  readonly variant: string;
  readonly ndcg10: number;
  readonly recall10: number;
  readonly queries: number;
}

/** Passages fetched per query before collapsing to documents. */
const DEPTH = 50;

/** Evaluate one variant over a store. */
export async function evaluate(
  store: DocumentStore,
  queries: readonly JudgedQuery[],
  variant: Variant,
): Promise<VariantScore> {
  const retriever = createFtsRetriever(store, variant.options);
  const ndcg: number[] = [];
  const recall: number[] = [];
  for (const q of queries) {
    const ranking = (await retriever.retrieve(q.query, DEPTH)).map((p) => p.doc_id);
    ndcg.push(ndcgAt(ranking, q.relevant, 10));
    recall.push(recallAt(ranking, q.relevant, 10));
  }
  return {
    variant: variant.name,
    ndcg10: mean(ndcg),
    recall10: mean(recall),
    queries: queries.length,
  };
}

/** Load a corpus and judged queries, index the corpus in memory and score every variant. */
export async function evaluateFiles(
  corpusPath: string,
  queriesPath: string,
  variants: readonly Variant[] = VARIANTS,
): Promise<VariantScore[]> {
  const documents = parseSeedCorpus(await Deno.readTextFile(corpusPath), corpusPath);
  const judged = JudgedQueries.parse(JSON.parse(await Deno.readTextFile(queriesPath)));
  const store = createDocumentStore(openSqliteDriver(":memory:"));
  try {
    await store.migrate();
    for (let i = 0; i < documents.length; i += 1000) {
      await store.upsertMany(documents.slice(i, i + 1000), 0);
    }
    const scores: VariantScore[] = [];
    for (const variant of variants) scores.push(await evaluate(store, judged.queries, variant));
    return scores;
  } finally {
    await store.close();
  }
}

function flag(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] as string : fallback;
}

async function main(args: readonly string[]): Promise<void> {
  const scores = await evaluateFiles(
    flag(args, "--corpus", "functions/seed_corpus.json"),
    flag(args, "--queries", "functions/retrieval/judged_queries.json"),
  );
  const chosen = VARIANTS.find((v) =>
    JSON.stringify(v.options) === JSON.stringify(DEFAULT_QUERY_OPTIONS)
  )?.name;
  if (args.includes("--json")) {
    console.log(JSON.stringify({ default: chosen, scores }));
    return;
  }
  console.log("variant                    nDCG@10  recall@10");
  for (const s of scores) {
    const mark = s.variant === chosen ? "  <- default" : "";
    console.log(
      `${s.variant.padEnd(26)} ${s.ndcg10.toFixed(4)}   ${s.recall10.toFixed(4)}${mark}`,
    );
  }
  console.log(`${scores[0]?.queries ?? 0} queries`);
}

if (import.meta.main) await main(Deno.args);
