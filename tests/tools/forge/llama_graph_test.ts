/**
 * Numerics proof on the wasm EP: forged ONNX logits match the independent TypeScript
 * reference within 1e-4 (full prompt, prefill + cached decode, left-padded batch) for the
 * untied target and the tied draft, both with grouped-query attention.
 */
import assert from "node:assert/strict";
import { configureOrt, createSession } from "../../../client/engine/ort.ts";
import { ReferenceLlama } from "./reference_llama.ts";
import { logitsAt, maxAbsDiff, runLlamaStep } from "./ort_llama.ts";
import { fixtureModels, seededTokens } from "./fixture_models.ts";

const TOLERANCE = 1e-4;

for (const model of fixtureModels()) {
  const { config, name } = model;
  const vocab = config.vocab_size;
  const tied = config.tie_word_embeddings ? "tied" : "untied";
  const label =
    `${name} (${tied}, ${config.num_attention_heads} heads / ${config.num_key_value_heads} kv)`;

  Deno.test(`forged ${label} matches the reference for a full prompt without cache (wasm)`, async () => {
    configureOrt({ numThreads: 1 });
    const session = await createSession(model.onnx, "wasm", { logSeverityLevel: 3 });
    const prompt = seededTokens(11, 13, vocab);
    const positions = prompt.map((_, i) => i);
    const out = await runLlamaStep(session, config, {
      inputIds: [prompt],
      attentionMask: [prompt.map(() => 1)],
      positionIds: [positions],
    });
    const reference = new ReferenceLlama(config, model.weights);
    const expected = reference.forward(reference.newCache(), prompt, positions);
    let error = 0;
    for (let i = 0; i < prompt.length; i++) {
      error = Math.max(
        error,
        maxAbsDiff(logitsAt(out.logits, prompt.length, vocab, 0, i), expected[i]!),
      );
    }
    console.log(
      `[numerics] wasm ${name} (a) full prompt: max abs logit error ${error.toExponential(2)}`,
    );
    assert.ok(error < TOLERANCE, `max abs error ${error}`);
    assert.equal(out.totalLength, prompt.length);
    await session.release();
  });

  Deno.test(`forged ${label} matches the reference for prefill then cached decode steps (wasm)`, async () => {
    configureOrt({ numThreads: 1 });
    const session = await createSession(model.onnx, "wasm", { logSeverityLevel: 3 });
    const prompt = seededTokens(22, 12, vocab);
    const reference = new ReferenceLlama(config, model.weights);
    const expected = reference.forward(reference.newCache(), prompt, prompt.map((_, i) => i));
    const prefill = 7;
    let out = await runLlamaStep(session, config, {
      inputIds: [prompt.slice(0, prefill)],
      attentionMask: [Array(prefill).fill(1)],
      positionIds: [prompt.slice(0, prefill).map((_, i) => i)],
    });
    let error = 0;
    for (let i = 0; i < prefill; i++) {
      error = Math.max(error, maxAbsDiff(logitsAt(out.logits, prefill, vocab, 0, i), expected[i]!));
    }
    for (let pos = prefill; pos < prompt.length; pos++) {
      out = await runLlamaStep(session, config, {
        inputIds: [[prompt[pos]!]],
        attentionMask: [Array(pos + 1).fill(1)],
        positionIds: [[pos]],
        past: out.past,
      });
      assert.equal(out.totalLength, pos + 1);
      error = Math.max(error, maxAbsDiff(logitsAt(out.logits, 1, vocab, 0, 0), expected[pos]!));
    }
    console.log(
      `[numerics] wasm ${name} (b) prefill + decode: max abs logit error ${error.toExponential(2)}`,
    );
    assert.ok(error < TOLERANCE, `max abs error ${error}`);
    await session.release();
  });

  Deno.test(`forged ${label} matches unpadded reference rows for a left-padded batch (wasm)`, async () => {
    configureOrt({ numThreads: 1 });
    const session = await createSession(model.onnx, "wasm", { logSeverityLevel: 3 });
    const prompts = [seededTokens(33, 9, vocab), seededTokens(44, 5, vocab)];
    const width = 9;
    const pad = (row: number[], fill: number) => [...Array(width - row.length).fill(fill), ...row];
    const reference = new ReferenceLlama(config, model.weights);
    const caches = prompts.map(() => reference.newCache());
    const expected = prompts.map((p, r) => reference.forward(caches[r]!, p, p.map((_, i) => i)));
    // HF convention: padded slots get token pad_token_id and position 1; they are masked out.
    let out = await runLlamaStep(session, config, {
      inputIds: prompts.map((p) => pad(p, config.pad_token_id)),
      attentionMask: prompts.map((p) => pad(p.map(() => 1), 0)),
      positionIds: prompts.map((p) => pad(p.map((_, i) => i), 1)),
    });
    let error = 0;
    prompts.forEach((p, r) => {
      for (let i = 0; i < p.length; i++) {
        const got = logitsAt(out.logits, width, vocab, r, width - p.length + i);
        error = Math.max(error, maxAbsDiff(got, expected[r]![i]!));
      }
    });
    assert.ok(Array.from(out.logits).every(Number.isFinite), "padded rows must not produce NaN");
    // Three batched decode steps on top of the padded cache.
    const masks = prompts.map((p) => pad(p.map(() => 1), 0));
    for (let step = 0; step < 3; step++) {
      const next = prompts.map((_, r) => 3 + ((17 * step + 5 * r) % (vocab - 3)));
      masks.forEach((m) => m.push(1));
      out = await runLlamaStep(session, config, {
        inputIds: next.map((t) => [t]),
        attentionMask: masks,
        positionIds: prompts.map((p) => [p.length + step]),
        past: out.past,
      });
      next.forEach((token, r) => {
        const want = reference.forward(caches[r]!, [token], [prompts[r]!.length + step])[0]!;
        error = Math.max(error, maxAbsDiff(logitsAt(out.logits, 1, vocab, r, 0), want));
      });
    }
    console.log(
      `[numerics] wasm ${name} (c) left-padded batch of 2 + decode: max abs logit error ${
        error.toExponential(2)
      }`,
    );
    assert.ok(error < TOLERANCE, `max abs error ${error}`);
    await session.release();
  });
}
