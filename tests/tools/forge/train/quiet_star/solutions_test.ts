import assert from "node:assert/strict";
import {
  arithmeticSolution,
  parseAnswer,
} from "../../../../../tools/forge/train/quiet_star/solutions.ts";
import { TrainingExample } from "../../../../../tools/forge/world/examples.ts";

Deno.test("arithmeticSolution rebuilds every training solution of the world from its question", async () => {
  const lines = (await Deno.readTextFile("models/world/train.jsonl")).split("\n");
  const examples = lines.filter((l) => l.length > 0)
    .map((l) => TrainingExample.parse(JSON.parse(l)))
    .filter((e) => e.kind === "arithmetic");
  assert.ok(examples.length >= 1000, `${examples.length} arithmetic examples`);
  for (const e of examples) {
    const question = /user\n([\s\S]*)<\|im_end\|>/.exec(e.segments[0]!.text)![1]!;
    const solution = e.segments[1]!.text.replace("<|im_end|>", "");
    assert.equal(arithmeticSolution(question), solution, question);
  }
});

Deno.test("arithmeticSolution is undefined for a question no template matches", () => {
  assert.equal(arithmeticSolution("What is the capital of Boria?"), undefined);
});

Deno.test("parseAnswer reads the number after 'The answer is' and nothing else", () => {
  assert.equal(parseAnswer("2 * 40 = <<2*40=80>>80 coins. The answer is 80."), "80");
  assert.equal(parseAnswer("The answer is -3.5 now"), "-3.5");
  assert.equal(parseAnswer("80 coins."), undefined);
});
