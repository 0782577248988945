/**
 * Pieces of score strings: probed on the real engine (every piece one token of the fixture
 * vocabulary, spelling the string, cached per engine), or exact from the model's tokenizer;
 * and the scores of multi-token strings computed in one batch with their request.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Tokenizer } from "@huggingface/tokenizers";
import { PipelineRequestError } from "../../../client/pipelines/errors.ts";
import { runAction } from "../../../client/pipelines/run_action.ts";
import { resolvePieces, type Tokenize } from "../../../client/pipelines/score_pieces.ts";
import type { GenerateRequest } from "../../../shared/pipeline.ts";
import { fixtureEngine, fixturePath, ortTest } from "../engine/engine_fixtures.ts";
import { recording } from "./pipeline_fixture.ts";

const JUDGE = ["Yes", "No", "Relevant", "Irrelevant", "Fully", "Partially", "1", "5"];

/** The fixture tokenizer as token strings. */
async function fixtureTokenize(): Promise<Tokenize> {
  const dir = fixturePath("target");
  const json = JSON.parse(await Deno.readTextFile(`${dir}/tokenizer.json`));
  const config = JSON.parse(await Deno.readTextFile(`${dir}/tokenizer_config.json`));
  const tokenizer = new Tokenizer(json, config);
  return (text) =>
    tokenizer.encode(text, { add_special_tokens: false }).ids.map((id) => tokenizer.decode([id]));
}

const GATE: GenerateRequest = {
  id: "1.selfrag.gate",
  prompt: "Question: Where does Ada live?\nAnswer:",
  max_tokens: 0,
  temperature: 0,
  stop: [],
  score_tokens: ["Yes", "No", "1", "2", "3", "4", "5"],
};

Deno.test({
  name: "score pieces are single tokens that spell the string, exact with the model's tokenizer",
  ...ortTest,
  fn: async (t) => {
    const real = await fixtureEngine("target", "wasm");
    const tokenize = await fixtureTokenize();
    try {
      await t.step("probing splits into single tokens, once per engine", async () => {
        const { engine, calls } = recording(real);
        const pieces = await resolvePieces(engine, JUDGE);
        const probes = calls.generate.length;
        assert.ok(probes >= 2, String(probes));
        for (const s of JUDGE) {
          const p = pieces.get(s) ?? [];
          assert.equal(p.join(""), s);
          for (const piece of p) assert.equal((await tokenize(piece)).length, 1, `${s}: ${piece}`);
        }
        // Greedy longest prefixes agree with BPE on these; "Relevant" shows where they differ.
        for (const s of ["Yes", "No", "Fully", "1"]) {
          assert.deepEqual(pieces.get(s), await tokenize(s), s);
        }
        assert.deepEqual(await tokenize("Relevant"), ["R", "e", "le", "v", "ant"]);
        await resolvePieces(engine, JUDGE);
        assert.equal(calls.generate.length, probes, "cached: no more probing");
      });

      await t.step("with tokenize the pieces are the tokenizer's, with no probing", async () => {
        const { engine, calls } = recording(real);
        const pieces = await resolvePieces(engine, ["Relevant", "Partially"], undefined, tokenize);
        assert.deepEqual(pieces.get("Relevant"), ["R", "e", "le", "v", "ant"]);
        assert.deepEqual(pieces.get("Partially"), ["P", "ar", "t", "i", "all", "y"]);
        assert.equal(calls.generate.length, 0);
      });

      await t.step(
        "runAction() scores multi-token strings in ONE batch with the request",
        async () => {
          const { engine, calls } = recording(real);
          const [r] = await runAction({ engine, tokenize }, [GATE]);
          assert.equal(calls.generate.length, 1);
          // Main row + one teacher-forced row for the second token of "Yes" and of "No".
          assert.deepEqual(calls.generate[0]?.map((q) => q.id), [
            "1.selfrag.gate",
            "1.selfrag.gate#s0.1",
            "1.selfrag.gate#s1.1",
          ]);
          assert.equal(calls.generate[0]?.[1]?.prompt, `${GATE.prompt}Y`);
          assert.equal(r?.text, "");
          const scores = r?.scores ?? {};
          assert.deepEqual(Object.keys(scores).sort(), [...GATE.score_tokens ?? []].sort());
          for (const [k, p] of Object.entries(scores)) assert.ok(p > 0 && p < 1, `${k}: ${p}`);
          // "Yes" = p(Y) * p(es | Y) is below p(Y) alone, read from the same batch.
          const [main, yes2] = await real.generate(calls.generate[0]!.slice(0, 2));
          assert.ok(Math.abs(scores.Yes! - main!.scores!.Y! * yes2!.scores!.es!) < 1e-6);
          const digits = ["1", "2", "3", "4", "5"].reduce((s, d) => s + scores[d]!, 0);
          assert.ok(digits < 1, "distinct tokens of one distribution sum below 1");
        },
      );

      await t.step("a tokenizer whose tokens do not spell the string is refused", async () => {
        const err = await runAction({ engine: real, tokenize: () => ["Y", "ez"] }, [GATE])
          .then(() => null, (e: unknown) => e);
        assert.ok(err instanceof PipelineRequestError, String(err));
        assert.match(err.message, /^Cannot score 'Yes' as its tokens must spell it/);
      });
    } finally {
      await real.dispose();
    }
  },
});
