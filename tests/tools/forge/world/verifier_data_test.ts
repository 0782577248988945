/**
 * The learned verifier's data: every label agrees with the solution's recomputed arithmetic
 * and the problem's true answer, classes are balanced with every flaw kind present, no
 * held-out problem reaches the training data, the world folder carries it deterministically,
 * and the accept / reject strings are scored along the very token path they are trained on.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Tokenizer } from "@huggingface/tokenizers";
import { verifyArithmetic } from "../../../../functions/verify/check.ts";
import { solveQuestion } from "../../../../tools/forge/world/arithmetic_solver.ts";
import { buildWorldData, worldFiles } from "../../../../tools/forge/world/dataset.ts";
import { worldFolderFiles } from "../../../../tools/forge/world/main.ts";
import { createRng } from "../../../../tools/forge/rng.ts";
import { FLAW_KINDS } from "../../../../tools/forge/world/solution_flaws.ts";
import {
  arithmeticProblems,
  DEFAULT_VERIFIER_FORMAT,
  heldOutSolutions,
  labeledSolutions,
  verifierTrainingExamples,
} from "../../../../tools/forge/world/verifier_data.ts";

const DATA = buildWorldData(7);
const EXAMPLES = verifierTrainingExamples(DATA.train, 7);
const PROMPT =
  /^Problem: ([\s\S]*)\nSolution: ([\s\S]*)\nIs the solution correct\? Answer Yes or No\.\nAnswer:$/;

/** Question, solution and label of an example, read back from its text. */
function readBack(segments: readonly { text: string; loss: boolean }[]) {
  const m = PROMPT.exec(segments[0]?.text ?? "");
  assert.ok(m !== null, segments[0]?.text ?? "no segments");
  assert.equal(segments[0]?.loss, false);
  assert.equal(segments[1]?.loss, true);
  return { question: m[1] ?? "", solution: m[2] ?? "", label: segments[1]?.text };
}

/** Exact value of every `<<a op b=r>>` step and the stated final answer. */
function recompute(solution: string): { stepsRight: boolean; answer: number | null } {
  let stepsRight = true;
  for (const m of solution.matchAll(/<<(\d+)([-+*/])(\d+)=(\d+)>>/g)) {
    const [a, op, b, r] = [BigInt(m[1]!), m[2], BigInt(m[3]!), BigInt(m[4]!)];
    const exact = op === "/"
      ? (b !== 0n && a % b === 0n ? a / b : -1n)
      : op === "+"
      ? a + b
      : op === "-"
      ? a - b
      : a * b;
    if (exact !== r) stepsRight = false;
  }
  const final = /The answer is (-?\d+)\.$/.exec(solution);
  return { stepsRight, answer: final === null ? null : Number(final[1]) };
}

Deno.test("every verifier label is Yes exactly when the recomputed steps are right and the answer is the problem's", () => {
  assert.ok(EXAMPLES.length >= 4 * 1000, `${EXAMPLES.length} examples`);
  let wrongSteps = 0;
  for (const example of EXAMPLES) {
    const { question, solution, label } = readBack(example.segments);
    const truth = solveQuestion(question);
    assert.ok(truth !== null, question);
    const { stepsRight, answer } = recompute(solution);
    // The edge's exact checker agrees with the recomputation above.
    assert.equal(verifyArithmetic(solution).ok, stepsRight, solution);
    const correct = stepsRight && answer === truth.answer;
    assert.equal(label, correct ? "Yes" : "No", `${question}\n${solution}`);
    if (!stepsRight) wrongSteps++;
  }
  // Slipped step results are a part of the incorrect class, not all of it.
  assert.ok(wrongSteps > EXAMPLES.length / 16 && wrongSteps < EXAMPLES.length / 4, `${wrongSteps}`);
});

Deno.test("the verifier classes are balanced and every flaw kind occurs", () => {
  const yes = EXAMPLES.filter((e) => e.segments[1]?.text === "Yes").length;
  assert.equal(yes * 2, EXAMPLES.length);
  const labeled = labeledSolutions(createRng(3), arithmeticProblems(DATA.train));
  const flawed = labeled.filter((s) => !s.correct);
  for (const kind of FLAW_KINDS) {
    const share = flawed.filter((s) => s.flaw === kind).length / flawed.length;
    assert.ok(share > 0.15 && share < 0.35, `${kind}: ${share}`);
  }
  assert.ok(labeled.every((s) => s.correct === (s.flaw === null)));
});

Deno.test("no held-out arithmetic problem appears in the verifier's training data", () => {
  const held = DATA.evaluation.arithmetic.map((i) => i.question);
  assert.ok(held.length >= 200);
  const trained = new Set(EXAMPLES.map((e) => readBack(e.segments).question));
  assert.equal(held.filter((q) => trained.has(q)).length, 0);
  const text = EXAMPLES.map((e) => e.segments[0]?.text ?? "").join("\n");
  assert.equal(held.filter((q) => text.includes(q)).length, 0);
  // ... while the training problems are all there.
  const problems = arithmeticProblems(DATA.train);
  assert.equal(problems.length, 1500);
  assert.ok(problems.every((p) => trained.has(p.question)));
});

Deno.test("the solver rewrites every training solution exactly and held-out solutions are labelled by the gold answer", () => {
  for (const p of arithmeticProblems(DATA.train)) {
    assert.equal(solveQuestion(p.question)?.solution, p.solution);
  }
  const held = heldOutSolutions(DATA.evaluation.arithmetic, 7);
  assert.equal(held.length, 2 * DATA.evaluation.arithmetic.length);
  const gold = new Map(DATA.evaluation.arithmetic.map((i) => [i.question, i.answers[0]]));
  for (const s of held) {
    const { stepsRight, answer } = recompute(s.solution);
    assert.equal(s.correct, stepsRight && String(answer) === gold.get(s.question), s.solution);
  }
});

Deno.test("the world folder carries verifier/train.jsonl, the same bytes for the same seed", () => {
  const bytes = worldFiles(DATA).get("verifier/train.jsonl");
  assert.ok(bytes !== undefined);
  const lines = new TextDecoder().decode(bytes).trim().split("\n");
  assert.equal(lines.length, EXAMPLES.length);
  assert.deepEqual(JSON.parse(lines[0]!), EXAMPLES[0]);
  const other = verifierTrainingExamples(buildWorldData(8).train, 8);
  assert.notDeepEqual(other.slice(0, 5), EXAMPLES.slice(0, 5));
});

Deno.test("the accept and reject strings are tokenized after the prompt as the client scores them", () => {
  const small = { countries: 5, citiesPerCountry: 2, people: 12, organizations: 5, products: 6 };
  const files = worldFolderFiles(7, 384, { sizes: small, arithmeticTrain: 30, evalPerKind: 10 });
  const dec = (name: string) => JSON.parse(new TextDecoder().decode(files.get(name)!));
  const tok = new Tokenizer(dec("tokenizer.json"), dec("tokenizer_config.json"));
  const lines = new TextDecoder().decode(files.get("verifier/train.jsonl")!).trim().split("\n");
  assert.equal(lines.length, 4 * 30);
  const { accept, reject } = DEFAULT_VERIFIER_FORMAT;
  for (const line of lines.slice(0, 20)) {
    const [prompt, label] = JSON.parse(line).segments as { text: string }[];
    const apart = [...tok.encode(prompt!.text).ids, ...tok.encode(label!.text).ids];
    // Training tokenizes segment by segment; the client feeds prompt + first piece(s) as one
    // prompt: both must give the same ids, for both strings.
    assert.deepEqual(tok.encode(prompt!.text + label!.text).ids, apart);
    for (const s of [accept, reject]) {
      const joined = tok.encode(prompt!.text + s).ids;
      assert.deepEqual(joined, [...tok.encode(prompt!.text).ids, ...tok.encode(s).ids], s);
    }
  }
});

Deno.test("the CLI writes verifier/train.jsonl into an existing world folder from its train.jsonl", async () => {
  const dir = await Deno.makeTempDir({ prefix: "verity_verifier_data_" });
  try {
    const train = DATA.train.map((e) => JSON.stringify(e)).join("\n") + "\n";
    await Deno.writeTextFile(`${dir}/train.jsonl`, train);
    const script = new URL("../../../../tools/forge/world/verifier_data.ts", import.meta.url);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script.pathname, "--world", dir, "--seed", "7"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const lines = (await Deno.readTextFile(`${dir}/verifier/train.jsonl`)).trim().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l)), EXAMPLES);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
