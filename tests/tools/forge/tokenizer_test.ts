/**
 * The forged ChatML byte-level BPE tokenizer: loads in @huggingface/tokenizers, round-trips
 * arbitrary UTF-8, maps special tokens to single ids, renders the chat template with
 * @huggingface/jinja, and trains deterministically.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { Tokenizer } from "@huggingface/tokenizers";
import { Template } from "@huggingface/jinja";
import { fixtureTokenizer } from "../../../tools/forge/fixtures.ts";
import { trainByteLevelBpe } from "../../../tools/forge/bpe_trainer.ts";
import { trainChatMlTokenizer } from "../../../tools/forge/tokenizer_files.ts";
import { byteLevelWords, byteToUnicode } from "../../../tools/forge/byte_level.ts";
import { FIXTURE_TEXT } from "../../../tools/forge/fixture_text.ts";

function loadFixture(): Tokenizer {
  const tok = fixtureTokenizer();
  return new Tokenizer(tok.tokenizerJson, tok.tokenizerConfig);
}

Deno.test("fixture tokenizer has 512 ids with ChatML special tokens at 0, 1, 2", () => {
  const tok = fixtureTokenizer();
  assert.equal(tok.bpe.vocab.size, 512);
  assert.deepEqual(tok.ids, { endoftext: 0, imStart: 1, imEnd: 2 });
  assert.equal(new Set(tok.bpe.vocab.values()).size, 512);
});

Deno.test("@huggingface/tokenizers round-trips arbitrary unicode strings through the fixture tokenizer", () => {
  const tokenizer = loadFixture();
  // tokenizers.js decode([]) throws ("token_ids must be a non-empty array"), so "" is checked apart.
  assert.deepEqual(tokenizer.encode("").ids, []);
  const text = (unit: "binary" | "grapheme" | "grapheme-ascii") =>
    fc.string({ unit, minLength: 1 });
  fc.assert(
    fc.property(fc.oneof(text("binary"), text("grapheme"), text("grapheme-ascii")), (text) => {
      const { ids } = tokenizer.encode(text);
      assert.ok(ids.every((id) => id >= 0 && id < 512));
      assert.equal(tokenizer.decode(ids), text);
    }),
    { numRuns: 500 },
  );
});

Deno.test("the fixture tokenizer compresses its training text with merged tokens", () => {
  const tokenizer = loadFixture();
  const text = "The farmer sold the harvest at the market.";
  const { ids, tokens } = tokenizer.encode(text);
  assert.ok(ids.length < new TextEncoder().encode(text).length / 2, `${ids.length} tokens`);
  assert.ok(tokens.includes("Ġthe"), JSON.stringify(tokens));
  assert.equal(tokenizer.decode(ids), text);
});

Deno.test("special tokens encode to single ids inside text", () => {
  const tokenizer = loadFixture();
  const { ids } = tokenizer.encode("<|im_start|>user\nHi<|im_end|><|endoftext|>");
  assert.equal(ids[0], 1);
  assert.deepEqual(ids.slice(-2), [2, 0]);
  assert.equal(ids.filter((id) => id <= 2).length, 3);
  assert.equal(tokenizer.decode(ids, { skip_special_tokens: true }), "user\nHi");
});

Deno.test("the chat template renders ChatML with @huggingface/jinja and tokenizes turn markers as single ids", () => {
  const { tokenizerConfig } = fixtureTokenizer();
  const template = new Template(tokenizerConfig.chat_template as string);
  const rendered = template.render({
    messages: [{ role: "system", content: "Be brief." }, {
      role: "user",
      content: "What is 7 plus 5?",
    }],
    add_generation_prompt: true,
  });
  assert.equal(
    rendered,
    "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 7 plus 5?<|im_end|>\n<|im_start|>assistant\n",
  );
  const ids = loadFixture().encode(rendered).ids;
  assert.deepEqual(ids.filter((id) => id === 1 || id === 2), [1, 2, 1, 2, 1]);
  assert.equal(tokenizerConfig.eos_token, "<|im_end|>");
  assert.equal(tokenizerConfig.model_max_length, 512);
});

Deno.test("extra special tokens get ids after the ChatML ones and stay single tokens", () => {
  const extra = ["[Retrieval]", "[No Retrieval]", "<paragraph>"];
  const tok = trainChatMlTokenizer({
    text: FIXTURE_TEXT,
    vocabSize: 400,
    modelMaxLength: 128,
    extraSpecialTokens: extra,
  });
  assert.deepEqual(extra.map((t) => tok.bpe.vocab.get(t)), [3, 4, 5]);
  const tokenizer = new Tokenizer(tok.tokenizerJson, tok.tokenizerConfig);
  const { ids } = tokenizer.encode("x [Retrieval]<paragraph>y");
  assert.ok(ids.includes(3) && ids.includes(5));
  assert.equal(tokenizer.decode(ids), "x [Retrieval]<paragraph>y");
});

Deno.test("trainByteLevelBpe is deterministic and merges the most frequent pair first", () => {
  const options = { text: "aaab aaab aab", vocabSize: 259, specialTokens: [] };
  const first = trainByteLevelBpe(options);
  // After "aa", three pairs tie at count 2; the smallest (a, b) wins, then (aa, ab) beats (Ġ, aa).
  assert.deepEqual(first.merges, [["a", "a"], ["a", "b"], ["aa", "ab"]]);
  assert.deepEqual(trainByteLevelBpe(options), first);
  assert.equal(first.vocab.get("aaab"), 258);
});

Deno.test("trainByteLevelBpe rejects a vocabulary smaller than specials + 256 bytes", () => {
  assert.throws(() => trainByteLevelBpe({ text: "x", vocabSize: 257, specialTokens: ["a", "b"] }), {
    name: "TokenizerTrainingError",
    message:
      "Cannot train tokenizer as 'vocabSize' must be at least 258 (special tokens + 256 bytes): current value is 257",
  });
});

Deno.test("byteLevelWords spells words with GPT-2 byte chars", () => {
  assert.deepEqual(byteLevelWords("Hi there\n"), ["Hi", "Ġthere", "Ċ"]);
  assert.equal(byteToUnicode().length, 256);
  assert.equal(new Set(byteToUnicode()).size, 256);
});
