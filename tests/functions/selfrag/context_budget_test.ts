/**
 * Self-RAG under the client's context window: with `context_tokens` the edge trims retrieved
 * passages so that every prompt, counted with the fixture model's REAL tokenizer, plus the
 * request's max_tokens fits the fixture's 512-token window, over the real seed corpus and
 * retriever, with default options and a client that fills every answer budget.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Tokenizer } from "@huggingface/tokenizers";
import { createFtsRetriever } from "../../../functions/retrieval/fts_retriever.ts";
import { seedStore } from "../../../functions/seed.ts";
import { createDocumentStore } from "../../../functions/store/document_store.ts";
import { openSqliteDriver } from "../../../functions/store/sqlite_driver.ts";
import type { GenerateRequest, StepResult } from "../../../shared/pipeline.ts";
import { drive, FakeRetriever, passage, pipelineApp, textOf } from "../pipeline/fake_client.ts";

const FIXTURE = new URL("../../../models/fixtures/target/", import.meta.url);
const SEED = new URL("../../../functions/seed_corpus.json", import.meta.url).pathname;
const WINDOW = 512;
const QUESTION = "Who founded Port Arlen and what is saltglass made from?";

async function fixtureTokenizer(): Promise<(text: string) => number[]> {
  const read = async (f: string) => JSON.parse(await Deno.readTextFile(new URL(f, FIXTURE)));
  const tok = new Tokenizer(await read("tokenizer.json"), await read("tokenizer_config.json"));
  return (text) => tok.encode(text, { add_special_tokens: false }).ids;
}

async function seededRetriever() {
  const store = createDocumentStore(openSqliteDriver(":memory:"));
  await store.migrate();
  await seedStore(store, SEED, 1_700_000_000_000);
  return createFtsRetriever(store);
}

/**
 * A client that writes as much as each request allows (corpus-like text cut to max_tokens
 * real tokens) and asks for more evidence, so critique prompts are as long as they get.
 */
function greedyClient(encode: (t: string) => number[], reflection: boolean) {
  const filler = "Ilsa Corrow founded Port Arlen where saltglass is made from sea salt. "
    .repeat(40);
  const fill = (n: number) => {
    let text = filler.slice(0, n * 4);
    while (encode(text).length > n) text = text.slice(0, -4);
    return text;
  };
  return (r: GenerateRequest): Omit<StepResult, "id"> => {
    const scores = Object.fromEntries(
      (r.score_tokens ?? []).map((t, i) => [t, i === 0 ? 0.9 : 0.05]),
    );
    const body = fill(Math.max(0, r.max_tokens - 4));
    const text = reflection && r.max_tokens > 0 ? `[Relevant]${body}[Retrieval]` : body;
    return { text: r.max_tokens === 0 ? "" : text, scores };
  };
}

/**
 * Tokens a request needs in the window: its prompt and answer (the engine generates at least
 * one token), plus the pieces of its longest score string, which the client appends to the
 * prompt in teacher-forced rows.
 */
function need(encode: (t: string) => number[], r: GenerateRequest): number {
  const pieces = Math.max(0, ...(r.score_tokens ?? []).map((t) => encode(t).length));
  return encode(textOf(r)).length + Math.max(1, r.max_tokens) + pieces;
}

/** Every request of a run with its real token count. */
async function run(options: Record<string, unknown>, reflection: boolean) {
  const encode = await fixtureTokenizer();
  const res = await drive(pipelineApp(await seededRetriever()), {
    pipeline: ["selfrag"],
    input: { messages: [{ role: "user", content: QUESTION }] },
    options: { ...options, selfrag: { mode: "always", reflection_tokens: reflection } },
  }, greedyClient(encode, reflection));
  const requests = res.batches.flat().map((r) => ({
    id: r.id,
    max: r.max_tokens,
    tokens: encode(textOf(r)).length,
    need: need(encode, r),
  }));
  return { requests, trace: res.final.trace };
}

for (const reflection of [true, false]) {
  const mode = reflection ? "reflection tokens" : "judge prompts";

  Deno.test(`selfrag (${mode}) with default options overflows a 512-token window without context_tokens`, async () => {
    const { requests } = await run({}, reflection);
    const worst = Math.max(...requests.map((r) => r.need));
    assert.ok(worst > WINDOW, `expected an overflow without trimming, worst need ${worst}`);
  });

  Deno.test(`selfrag (${mode}) with context_tokens 512 keeps every prompt plus its answer inside the window`, async () => {
    const { requests, trace } = await run({ context_tokens: WINDOW }, reflection);
    assert.ok(requests.length > 10, `a full run: ${requests.length} requests`);
    for (const r of requests) assert.ok(r.need <= WINDOW, `${r.id} needs ${r.need} tokens`);
    const passages = trace.filter((e) => e.event === "retrieve").flatMap((e) =>
      e.data.passages as { trimmed?: { chars: number; of: number } }[]
    );
    const trimmed = passages.filter((p) => p.trimmed !== undefined);
    assert.ok(trimmed.length > 0, "the seed passages were trimmed");
    for (const p of trimmed) assert.ok(p.trimmed!.chars < p.trimmed!.of);
  });
}

Deno.test("selfrag with a large context_tokens sends passages whole", async () => {
  const { trace } = await run({ context_tokens: 100_000 }, true);
  const passages = trace.filter((e) => e.event === "retrieve").flatMap((e) =>
    e.data.passages as { trimmed?: unknown }[]
  );
  assert.ok(passages.length > 0);
  assert.ok(passages.every((p) => p.trimmed === undefined));
});

Deno.test("deeper segments get the answer budget the window leaves after the answer so far", async () => {
  // 160 answer tokens: the first segment leaves less than 160 for the second.
  const { requests } = await run({ context_tokens: WINDOW, max_tokens: 160 }, true);
  const deep = requests.filter((r) => /^3\.selfrag\.c\d+$/.test(r.id));
  assert.ok(deep.length > 0, "depth 2 was asked");
  for (const r of deep) assert.ok(r.max >= 8 && r.max < 160, `${r.id} has max_tokens ${r.max}`);
  for (const r of requests) assert.ok(r.need <= WINDOW, `${r.id} needs ${r.need} tokens`);
  const first = requests.filter((r) => /^1\.selfrag\.c\d+$/.test(r.id));
  assert.ok(first.length > 0 && first.every((r) => r.max === 160));
});

Deno.test("a deeper segment with no room left in the window is not asked and its node ends", async () => {
  const long = "Ilsa Corrow, navigator; trader; founder. ".repeat(16); // 656 chars ~ 525 est. tokens
  const res = await drive(
    pipelineApp(new FakeRetriever([passage("a#0", "Alpha", "Alpha text.")])),
    {
      pipeline: ["selfrag"],
      input: { messages: [{ role: "user", content: QUESTION }] },
      options: { context_tokens: WINDOW, selfrag: { mode: "always", k: 1 } },
    },
    (r) => ({
      text: r.max_tokens === 0 ? "" : `[Relevant]${long}[Retrieval]`,
      scores: Object.fromEntries((r.score_tokens ?? []).map((t) => [t, 0.5])),
    }),
  );
  const deep = res.final.trace.filter((e) => e.event === "retrieve" && e.data.depth === 1)
    .flatMap((e) => e.data.passages as { skipped?: string }[]);
  assert.deepEqual(deep.map((p) => p.skipped), ["no room in context_tokens"]);
  assert.equal(res.batches.length, 2, "candidates and critiques of depth 1 only");
  assert.equal(res.final.trace.at(-1)?.event, "select");
  assert.equal(res.final.output, long.trim());
});

Deno.test("a smaller max_tokens leaves room for depth 2, whose passages are trimmed harder", async () => {
  const { requests, trace } = await run({ context_tokens: WINDOW, max_tokens: 48 }, true);
  for (const r of requests) assert.ok(r.need <= WINDOW, `${r.id} needs ${r.need} tokens`);
  const kept = (depth: number) =>
    trace.filter((e) => e.event === "retrieve" && e.data.depth === depth).flatMap((e) =>
      (e.data.passages as { trimmed?: { chars: number } }[]).map((p) => p.trimmed?.chars ?? 1e9)
    );
  assert.ok(kept(1).length > 0, "depth 2 was asked");
  assert.ok(Math.max(...kept(1)) < Math.min(...kept(0)), "the answer so far takes passage room");
});

Deno.test("critiques cut a random model's output (invalid UTF-8 as U+FFFD) so the prompt still fits", async () => {
  const encode = await fixtureTokenizer();
  for (const reflection of [true, false]) {
    const res = await drive(pipelineApp(await seededRetriever()), {
      pipeline: ["selfrag"],
      input: { messages: [{ role: "user", content: QUESTION }] },
      options: {
        context_tokens: WINDOW,
        selfrag: { mode: "always", reflection_tokens: reflection },
      },
    }, (r) => ({
      // One replacement character per generated token: 3 bytes, up to 3 tokens when re-read.
      text: r.max_tokens === 0 ? "" : `[Relevant]${"\uFFFD".repeat(r.max_tokens)}`,
      scores: Object.fromEntries((r.score_tokens ?? []).map((t) => [t, 0.5])),
    }));
    for (const r of res.batches.flat()) {
      const n = need(encode, r);
      assert.ok(n <= WINDOW, `${r.id} needs ${n} tokens`);
    }
    const fit = res.final.trace.find((e) => e.event === "window_fit");
    const cuts = fit?.data.cuts as { kept_chars: number; of: number }[] | undefined;
    assert.ok(cuts !== undefined && cuts.length > 0, "the cut is recorded");
    assert.ok(cuts.every((c) => c.kept_chars < c.of));
  }
});

Deno.test("chars_per_token moves the trim: a larger estimate keeps more of each passage", async () => {
  const kept = async (charsPerToken: number) => {
    const { trace } = await run({ context_tokens: WINDOW, chars_per_token: charsPerToken }, true);
    const first = trace.find((e) => e.event === "retrieve");
    return (first?.data.passages as { trimmed?: { chars: number } }[]).map((p) =>
      p.trimmed?.chars ?? Infinity
    );
  };
  const tight = await kept(1.25);
  const loose = await kept(2.5);
  assert.equal(tight.length, loose.length);
  for (const [i, t] of tight.entries()) assert.ok(t < (loose[i] ?? 0), `${t} vs ${loose[i]}`);
});
