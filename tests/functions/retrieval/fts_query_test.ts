import assert from "node:assert/strict";
import fc from "fast-check";
import { buildMatch, MAX_QUERY_TERMS, queryTerms } from "../../../functions/retrieval/fts_query.ts";
import { createFtsRetriever } from "../../../functions/retrieval/fts_retriever.ts";
import { createDocumentStore } from "../../../functions/store/document_store.ts";
import { openSqliteDriver } from "../../../functions/store/sqlite_driver.ts";

/** The only shape buildMatch may emit: quoted runs of letters/marks/digits (pairs with phrases). */
const SAFE =
  /^"[\p{L}\p{M}\p{N}]+( [\p{L}\p{M}\p{N}]+)?"( (OR|AND) "[\p{L}\p{M}\p{N}]+( [\p{L}\p{M}\p{N}]+)?")*$/u;

/** Strings rich in FTS5 syntax. */
const hostile = fc.array(
  fc.oneof(
    fc.constantFrom(
      '"',
      "'",
      "AND",
      "OR",
      "NOT",
      "NEAR",
      "NEAR(",
      ")",
      "(",
      "title:",
      "text:",
      "{title text}:",
      "*",
      "^",
      "+",
      "-",
      ":",
      "\\",
      "\u0000",
      "rowid",
      "passages_fts",
      ";",
      "--",
      "/*",
    ),
    fc.string({ unit: "binary", maxLength: 12 }),
    fc.stringMatching(/^[a-z]{1,8}$/),
  ),
  { maxLength: 30 },
).map((parts) => parts.join(" "));

Deno.test("queryTerms() lower-cases, de-duplicates and drops stop words unless none would remain", () => {
  assert.deepEqual(queryTerms('Who founded "Port Arlen"? port', { stopWords: true }), [
    "founded",
    "port",
    "arlen",
  ]);
  assert.deepEqual(queryTerms("Who is he", { stopWords: true }), ["who", "is", "he"]);
  assert.deepEqual(queryTerms("title:Ferrin NEAR(x)", { stopWords: false }), [
    "title",
    "ferrin",
    "near",
    "x",
  ]);
  assert.deepEqual(queryTerms("Café ÉTÉ 2,310", { stopWords: false }), ["café", "été", "2", "310"]);
});

Deno.test("buildMatch() quotes terms and joins them, with adjacent pairs as phrases", () => {
  assert.equal(buildMatch(["port", "arlen"], "or"), '"port" OR "arlen"');
  assert.equal(buildMatch(["port", "arlen"], "and"), '"port" AND "arlen"');
  assert.equal(
    buildMatch(["a", "b", "c"], "or", { phrases: true }),
    '"a" OR "b" OR "c" OR "a b" OR "b c"',
  );
  assert.equal(buildMatch([], "or"), undefined);
  assert.equal(buildMatch(['"'], "or"), undefined);
});

Deno.test("any user text becomes either no query or only quoted terms", () => {
  fc.assert(
    fc.property(fc.oneof(hostile, fc.string({ unit: "binary" })), fc.boolean(), (text, stop) => {
      const terms = queryTerms(text, { stopWords: stop });
      assert.ok(terms.length <= MAX_QUERY_TERMS);
      for (const join of ["or", "and"] as const) {
        const match = buildMatch(terms, join, { phrases: true });
        if (match !== undefined) assert.match(match, SAFE);
        else assert.equal(terms.length, 0);
      }
    }),
    { numRuns: 1000, seed: 11 },
  );
});

Deno.test("FTS5 operators, column filters, NEAR, * and ^ in a query are inert in SQLite", async () => {
  const store = createDocumentStore(openSqliteDriver(":memory:"));
  await store.migrate();
  await store.upsertMany([
    { id: "t", title: "near title", text: "Ferrin and or not near the sea." },
    { id: "u", title: "Other", text: "Title text rowid of the passages." },
  ], 0);
  const retriever = createFtsRetriever(store);
  await fc.assert(
    fc.asyncProperty(hostile, async (text) => {
      const got = await retriever.retrieve(text, 10);
      // The same words with every non-word character replaced by a space give the same answer.
      const plain = await retriever.retrieve(text.replace(/[^\p{L}\p{M}\p{N}]+/gu, " "), 10);
      assert.deepEqual(got, plain);
    }),
    { numRuns: 500, seed: 5 },
  );
  await store.close();
});
