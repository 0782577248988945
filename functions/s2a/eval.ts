/**
 * Measures the model-free S2A filter: precision and recall of dropped sentences on
 * distractor-laden word problems (templates + GSM8K questions with inserted distractors).
 *
 * ```
 * deno run -A functions/s2a/eval.ts [--gsm8k path/to/train.jsonl] [--json]
 *                                   [--write-sample path]
 * ```
 * The default GSM8K path is ../shared/data/gsm8k/train.jsonl next to the repository.
 *
 * @module
 */
import { filterText } from "./filter.ts";
import {
  type EvalProblem,
  gsm8kProblems,
  mulberry32,
  type Rng,
  templateProblems,
} from "./eval_set.ts";

/** Seed of the reported evaluation set. */
export const EVAL_SEED = 20231120;
/** Template problems in the reported set. */
export const TEMPLATE_COUNT = 30;
/** GSM8K questions sampled into the reported set. */
export const GSM8K_COUNT = 40;

/** Counts behind a precision/recall report. */
export interface DropScores {
  problems: number;
  distractors: number;
  dropped: number;
  truePositives: number;
  precision: number;
  recall: number;
  /** Recall by distractor kind. */
  recallOpinion: number;
  recallIrrelevant: number;
  /** Problems whose detected question is the clean problem's last sentence. */
  questionAccuracy: number;
}

/** Pick `n` GSM8K questions (file order) from JSONL lines with a seeded RNG. */
export function sampleGsm8k(lines: readonly string[], n: number, rng: Rng): string[] {
  const rows = lines.filter((l) => l.trim() !== "");
  const chosen = new Set<number>();
  while (chosen.size < Math.min(n, rows.length)) chosen.add(Math.floor(rng() * rows.length));
  return [...chosen].sort((a, b) => a - b).map((i) =>
    (JSON.parse(rows[i] ?? "{}") as { question: string }).question
  );
}

/** The reported evaluation set, from the sampled GSM8K questions. */
export function buildEvalSet(gsm8kQuestions: readonly string[], seed = EVAL_SEED): EvalProblem[] {
  const rng = mulberry32(seed);
  return [...templateProblems(TEMPLATE_COUNT, rng), ...gsm8kProblems(gsm8kQuestions, rng)];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Run the filter over problems and score its drops against the gold distractors. */
export function scoreFilter(problems: readonly EvalProblem[]): DropScores {
  let distractors = 0;
  let dropped = 0;
  let tp = 0;
  let questionsRight = 0;
  const byKind = { opinion: { hit: 0, all: 0 }, irrelevant: { hit: 0, all: 0 } };
  for (const p of problems) {
    const result = filterText(p.text);
    const droppedSet = new Set(result.dropped.map((d) => d.sentence.trim()));
    dropped += droppedSet.size;
    distractors += p.distractors.length;
    for (const d of p.distractors) {
      const hit = droppedSet.has(d.sentence.trim());
      byKind[d.kind].all++;
      if (hit) {
        byKind[d.kind].hit++;
        tp++;
      }
    }
    if (result.question === p.original[p.original.length - 1]) questionsRight++;
  }
  return {
    problems: problems.length,
    distractors,
    dropped,
    truePositives: tp,
    precision: ratio(tp, dropped),
    recall: ratio(tp, distractors),
    recallOpinion: ratio(byKind.opinion.hit, byKind.opinion.all),
    recallIrrelevant: ratio(byKind.irrelevant.hit, byKind.irrelevant.all),
    questionAccuracy: ratio(questionsRight, problems.length),
  };
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const path = arg(args, "--gsm8k") ??
    new URL("../../../shared/data/gsm8k/train.jsonl", import.meta.url).pathname;
  const lines = (await Deno.readTextFile(path)).split("\n");
  const questions = sampleGsm8k(lines, GSM8K_COUNT, mulberry32(EVAL_SEED));
  const sampleOut = arg(args, "--write-sample");
  if (sampleOut !== undefined) {
    await Deno.writeTextFile(
      sampleOut,
      questions.map((q) => JSON.stringify({ question: q })).join("\n") + "\n",
    );
  }
  const problems = buildEvalSet(questions);
  const all = scoreFilter(problems);
  const templates = scoreFilter(problems.filter((p) => p.source === "template"));
  const gsm8k = scoreFilter(problems.filter((p) => p.source === "gsm8k"));
  if (args.includes("--json")) {
    console.log(JSON.stringify({ all, templates, gsm8k }));
    return;
  }
  const row = (name: string, s: DropScores) =>
    console.log(
      `${
        name.padEnd(10)
      } problems ${s.problems}  distractors ${s.distractors}  dropped ${s.dropped}  ` +
        `precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  ` +
        `(opinion ${s.recallOpinion.toFixed(3)}, irrelevant ${s.recallIrrelevant.toFixed(3)})  ` +
        `question ${s.questionAccuracy.toFixed(3)}`,
    );
  row("all", all);
  row("templates", templates);
  row("gsm8k", gsm8k);
  if (args.includes("--errors")) {
    for (const p of problems) {
      const r = filterText(p.text);
      const gold = new Set(p.distractors.map((d) => d.sentence));
      for (const d of r.dropped) {
        if (!gold.has(d.sentence)) console.log(`  false drop: ${d.sentence}`);
      }
      const dropped = new Set(r.dropped.map((d) => d.sentence));
      for (const d of p.distractors) {
        if (!dropped.has(d.sentence)) console.log(`  missed: ${d.sentence}`);
      }
    }
  }
}

if (import.meta.main) await main(Deno.args);
