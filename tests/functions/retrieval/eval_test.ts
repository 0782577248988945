import assert from "node:assert/strict";
import { evaluateFiles, VARIANTS } from "../../../functions/retrieval/eval.ts";
import { DEFAULT_QUERY_OPTIONS } from "../../../functions/retrieval/fts_retriever.ts";

const corpus = new URL("../../../functions/seed_corpus.json", import.meta.url).pathname;
const queries =
  new URL("../../../functions/retrieval/judged_queries.json", import.meta.url).pathname;

Deno.test("the default query construction beats plain BM25 on the judged seed queries", async () => {
  const chosen = VARIANTS.find((v) =>
    JSON.stringify(v.options) === JSON.stringify(DEFAULT_QUERY_OPTIONS)
  );
  assert.ok(chosen, "the default is one of the measured variants");
  const [plain, best] = await evaluateFiles(corpus, queries, [
    VARIANTS.find((v) => v.name === "bm25_or")!,
    chosen,
  ]);
  assert.ok(plain && best);
  assert.equal(best.queries, 54);
  assert.ok(best.ndcg10 > plain.ndcg10, `${best.ndcg10} <= ${plain.ndcg10}`);
  assert.ok(best.recall10 >= plain.recall10);
});
