/**
 * Training data of best-of-n's learned verifier (issue 8): the world's arithmetic problems of
 * the TRAINING split, each with correct and flawed worked solutions (solution_flaws.ts), in
 * the edge's verifier prompt (`verifier_template` of shared/pipeline.ts, filled by
 * functions/pipeline/best_of_n/verifier.ts) with the accept string as the target of a correct
 * solution and the reject string as the target of a flawed one. Classes are balanced: every
 * problem gives as many correct as flawed examples. Held-out evaluation problems are never
 * read here; {@link heldOutSolutions} builds their labelled solutions for measurement only.
 *
 * The examples use kind "arithmetic" (the trainer's example kinds are a closed enum). The
 * accept / reject strings are written as plain text after "Answer:", exactly the token path
 * the client scores (a string of several tokens, e.g. "Y" "es" in the world vocabulary, is
 * scored as the product of its pieces' probabilities, client/pipelines/action_rows.ts).
 *
 * `deno run -A tools/forge/world/verifier_data.ts --world DIR [--seed N]` writes
 * DIR/verifier/train.jsonl from DIR/train.jsonl (for a world folder rendered before this file
 * existed).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { verifierPrompt } from "../../../functions/pipeline/best_of_n/verifier.ts";
import { BestOfNOptions } from "../../../shared/pipeline.ts";
import { type FileSet, writeFileSet } from "../model_folder.ts";
import { deriveRng, type Rng } from "../rng.ts";
import { IM_END, IM_START } from "../tokenizer_files.ts";
import { solveQuestion } from "./arithmetic_solver.ts";
import type { WorldData } from "./dataset.ts";
import { type EvalItem, TrainingExample } from "./examples.ts";
import { shuffled } from "./names.ts";
import {
  FLAW_KINDS,
  flawedSolution,
  type FlawKind,
  flawPool,
  type SolvedText,
} from "./solution_flaws.ts";

/** The verifier prompt and its two answer strings. */
export interface VerifierFormat {
  /** Holds `{solution}` and may hold `{question}`. */
  readonly template: string;
  readonly accept: string;
  readonly reject: string;
}

const EDGE_DEFAULTS = BestOfNOptions.parse({});
/** The edge's defaults: the format best_of_n asks the verifier in unless told otherwise. */
export const DEFAULT_VERIFIER_FORMAT: VerifierFormat = {
  template: EDGE_DEFAULTS.verifier_template,
  accept: EDGE_DEFAULTS.accept_token,
  reject: EDGE_DEFAULTS.reject_token,
};

/** Flawed (and as many correct) solutions per training problem. */
export const FLAWS_PER_PROBLEM = 2;

/** A solution with its label. */
export interface LabeledSolution extends SolvedText {
  readonly correct: boolean;
  /** The flaw of an incorrect solution; null for a correct one. */
  readonly flaw: FlawKind | null;
}

/**
 * The arithmetic problems of a list of training examples (the ChatML examples of kind
 * "arithmetic": the user turn is the problem, the assistant turn its correct solution).
 */
export function arithmeticProblems(train: readonly TrainingExample[]): SolvedText[] {
  const head = `${IM_START}user\n`;
  const out: SolvedText[] = [];
  for (const example of train) {
    if (example.kind !== "arithmetic") continue;
    const [user, assistant] = example.segments;
    if (user === undefined || assistant === undefined || !user.text.startsWith(head)) continue;
    const question = user.text.slice(head.length, user.text.indexOf(IM_END));
    const solution = assistant.text.replace(IM_END, "");
    if (question !== "" && solution !== "") out.push({ question, solution });
  }
  return out;
}

/**
 * Labelled solutions of `problems`: per problem, `perProblem` flawed solutions of distinct
 * kinds (seeded order; a kind that does not apply is skipped) and as many copies of the
 * correct one. `pool` lends `other_question` flaws (the same split as `problems`).
 */
export function labeledSolutions(
  rng: Rng,
  problems: readonly SolvedText[],
  perProblem = FLAWS_PER_PROBLEM,
  pool: readonly SolvedText[] = problems,
): LabeledSolution[] {
  const byShape = flawPool(pool);
  const out: LabeledSolution[] = [];
  for (const problem of problems) {
    const flawed: LabeledSolution[] = [];
    for (const flaw of shuffled(rng, FLAW_KINDS)) {
      if (flawed.length === perProblem) break;
      const solution = flawedSolution(rng, flaw, problem, byShape);
      if (solution !== null) flawed.push({ ...problem, solution, correct: false, flaw });
    }
    for (let i = 0; i < flawed.length; i++) out.push({ ...problem, correct: true, flaw: null });
    out.push(...flawed);
  }
  return out;
}

/**
 * One training example: the filled verifier prompt (no loss), then the accept or reject
 * string (the loss).
 *
 * @example
 * ```ts
 * verifierExample({ question, solution, correct: true, flaw: null }).segments[1]?.text; // "Yes"
 * ```
 */
export function verifierExample(
  s: LabeledSolution,
  format: VerifierFormat = DEFAULT_VERIFIER_FORMAT,
): TrainingExample {
  return {
    kind: "arithmetic",
    segments: [
      { text: verifierPrompt(format.template, s.question, s.solution), loss: false },
      { text: s.correct ? format.accept : format.reject, loss: true },
    ],
  };
}

/** The verifier's training examples of a list of training examples, shuffled. */
export function verifierTrainingExamples(
  train: readonly TrainingExample[],
  seed: number,
  format: VerifierFormat = DEFAULT_VERIFIER_FORMAT,
): TrainingExample[] {
  const rng = deriveRng(seed, "verifier-data");
  const solutions = labeledSolutions(rng, arithmeticProblems(train));
  return shuffled(rng, solutions.map((s) => verifierExample(s, format)));
}

function jsonl(rows: readonly unknown[]): Uint8Array {
  return new TextEncoder().encode(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

/**
 * `verifier/train.jsonl` of a world (from its training split only).
 *
 * @example
 * ```ts
 * await writeFileSet("models/world", verifierFiles(buildWorldData(7)));
 * ```
 */
export function verifierFiles(data: WorldData): FileSet {
  return new Map([[
    "verifier/train.jsonl",
    jsonl(verifierTrainingExamples(data.train, data.world.seed)),
  ]]);
}

/**
 * Labelled solutions of held-out arithmetic items, for measuring a verifier: each solvable
 * item's correct solution and one flawed solution (flaws borrow only from other held-out
 * items). Never training data.
 */
export function heldOutSolutions(items: readonly EvalItem[], seed: number): LabeledSolution[] {
  const solved: SolvedText[] = [];
  for (const item of items) {
    const s = item.kind === "arithmetic" ? solveQuestion(item.question) : null;
    if (s !== null && String(s.answer) === item.answers[0]) {
      solved.push({ question: item.question, solution: s.solution });
    }
  }
  return labeledSolutions(deriveRng(seed, "verifier-heldout"), solved, 1);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { world: { type: "string" }, seed: { type: "string" } },
  });
  const world = values.world ?? "models/world";
  const seed = Number(values.seed ?? "7");
  const lines = (await Deno.readTextFile(`${world}/train.jsonl`)).split("\n").filter((l) =>
    l !== ""
  );
  const train = lines.map((l) => TrainingExample.parse(JSON.parse(l)));
  const examples = verifierTrainingExamples(train, seed);
  await writeFileSet(world, new Map([["verifier/train.jsonl", jsonl(examples)]]));
  console.log(`${world}/verifier/train.jsonl: ${examples.length} examples`);
}
