/**
 * Realistic flaws in worked arithmetic solutions, the incorrect class of the learned
 * verifier's training data (Cobbe et al. 2021; Kirchner et al. 2024, whose sneaky provers move
 * from arithmetic slips such as `<<5*9=36>>` to valid arithmetic on a misread problem):
 *
 * - `step_result`: one step claims a wrong result (`<<9*426=3824>>3824`); later steps compute
 *   correctly from the wrong value, so the chain reads consistently;
 * - `operand`: an operand copied wrongly from the problem (another number of the problem, or
 *   a slip of the right one); every step's arithmetic is then valid;
 * - `final_answer`: every step right, but "The answer is N." states another number (an
 *   intermediate result, or a slip of the right one);
 * - `other_question`: a correct-looking solution of a different problem of the same shape.
 *
 * Solutions are read as binary integer steps `a op b = <<a op b=r>>r` (the world's format);
 * every flawed solution ends in a final answer different from the correct one.
 *
 * @module
 */
import type { Rng } from "../rng.ts";
import { intBetween, pick } from "./names.ts";

/** Kinds of flaw. */
export const FLAW_KINDS = ["step_result", "operand", "final_answer", "other_question"] as const;
/** A kind of flaw. */
export type FlawKind = typeof FLAW_KINDS[number];

/** A problem with its correct worked solution. */
export interface SolvedText {
  readonly question: string;
  readonly solution: string;
}

/** One step as written: `a op b = <<a op b=claimed>>claimed`. */
interface Step {
  readonly a: number;
  readonly op: string;
  readonly b: number;
  readonly claimed: number;
}

/** A solution split into its steps and the text around them. */
interface Parsed {
  readonly steps: readonly Step[];
  /** Text before, between and after the steps. // [steps + 1] */
  readonly gaps: readonly string[];
  readonly answer: number;
}

const STEP = /(\d+) ([-+*/]) (\d+) = <<(\d+)([-+*/])(\d+)=(\d+)>>(\d+)/g;
const FINAL = /The answer is (-?\d+)\./;

/** Parse a solution of the world's format, or null when it has no steps or no final answer. */
function parse(solution: string): Parsed | null {
  const steps: Step[] = [];
  const gaps: string[] = [];
  let at = 0;
  for (const m of solution.matchAll(STEP)) {
    const [a, op, b, claimed] = [Number(m[1]), m[2] ?? "", Number(m[3]), Number(m[7])];
    gaps.push(solution.slice(at, m.index));
    steps.push({ a, op, b, claimed });
    at = m.index + m[0].length;
  }
  gaps.push(solution.slice(at));
  const final = FINAL.exec(gaps.at(-1) ?? "");
  if (steps.length === 0 || final === null) return null;
  return { steps, gaps, answer: Number(final[1]) };
}

function render(p: Parsed): string {
  let out = p.gaps[0] ?? "";
  p.steps.forEach((s, i) => {
    out += `${s.a} ${s.op} ${s.b} = <<${s.a}${s.op}${s.b}=${s.claimed}>>${s.claimed}`;
    out += i === p.steps.length - 1
      ? (p.gaps[i + 1] ?? "").replace(FINAL, `The answer is ${p.answer}.`)
      : p.gaps[i + 1] ?? "";
  });
  return out;
}

/** Exact integer value of `a op b`, or null when it is not a positive integer. */
function apply(a: number, op: string, b: number): number | null {
  const v = op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : b === 0 ? NaN : a / b;
  return Number.isInteger(v) && v > 0 ? v : null;
}

/** A plausible misreading or miscalculation of `v`: off by a little, a place, or swapped digits. */
function slip(rng: Rng, v: number): number {
  const digits = String(v);
  const kind = intBetween(rng, 0, 2);
  if (kind === 2 && digits.length >= 2) {
    const i = intBetween(rng, 0, digits.length - 2);
    const swapped = digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2);
    if (!swapped.startsWith("0") && swapped !== digits) return Number(swapped);
  }
  const sign = rng.uniform() < 0.5 ? -1 : 1;
  const delta = kind === 1
    ? 10 ** intBetween(rng, 0, Math.max(0, digits.length - 1))
    : intBetween(rng, 1, 9);
  const out = v + sign * delta;
  return out > 0 && out !== v ? out : v + delta;
}

/**
 * Replace the value of step `k` (its operands `a`, `b` and its written result), then recompute
 * every later step that uses a changed result, and the final answer. Null when a recomputed
 * step leaves the positive integers.
 */
function rewrite(p: Parsed, k: number, a: number, b: number, claimed: number): Parsed | null {
  const changed = new Map<number, number>([[p.steps[k]!.claimed, claimed]]);
  const steps: Step[] = p.steps.map((s, i) => (i === k ? { ...s, a, b, claimed } : s));
  for (let j = k + 1; j < steps.length; j++) {
    const s = steps[j]!;
    const [a2, b2] = [changed.get(s.a) ?? s.a, changed.get(s.b) ?? s.b];
    if (a2 === s.a && b2 === s.b) continue;
    const v = apply(a2, s.op, b2);
    if (v === null) return null;
    changed.set(s.claimed, v);
    steps[j] = { ...s, a: a2, b: b2, claimed: v };
  }
  return { ...p, steps, answer: changed.get(p.answer) ?? p.answer };
}

function stepResult(rng: Rng, p: Parsed): Parsed | null {
  const k = intBetween(rng, 0, p.steps.length - 1);
  const s = p.steps[k]!;
  return rewrite(p, k, s.a, s.b, slip(rng, s.claimed));
}

function operand(rng: Rng, p: Parsed, question: string): Parsed | null {
  const inQuestion = (question.match(/\d+/g) ?? []).map(Number);
  const s = p.steps[0]!;
  const copied = (["a", "b"] as const).filter((side) => inQuestion.includes(s[side]));
  if (copied.length === 0) return null;
  const side = pick(rng, copied);
  const others = inQuestion.filter((v) => v !== s[side]);
  const wrong = others.length > 0 && rng.uniform() < 0.5 ? pick(rng, others) : slip(rng, s[side]);
  const [a, b] = side === "a" ? [wrong, s.b] : [s.a, wrong];
  const v = apply(a, s.op, b);
  return v === null ? null : rewrite(p, 0, a, b, v);
}

function finalAnswer(rng: Rng, p: Parsed): Parsed {
  const earlier = p.steps.slice(0, -1).map((s) => s.claimed).filter((v) => v !== p.answer);
  const answer = earlier.length > 0 && rng.uniform() < 0.5
    ? pick(rng, earlier)
    : slip(rng, p.answer);
  return { ...p, answer };
}

const signature = (p: Parsed) => p.steps.map((s) => s.op).join("");

/** Solutions grouped by shape (their operator sequence), for `other_question`. */
export type FlawPool = ReadonlyMap<string, readonly (SolvedText & { answer: number })[]>;

/**
 * Group problems by the shape of their solution, for {@link flawedSolution}'s `other_question`.
 *
 * @example
 * ```ts
 * const pool = flawPool(trainProblems);
 * ```
 */
export function flawPool(problems: readonly SolvedText[]): FlawPool {
  const out = new Map<string, (SolvedText & { answer: number })[]>();
  for (const problem of problems) {
    const p = parse(problem.solution);
    if (p === null) continue;
    const key = signature(p);
    out.set(key, [...out.get(key) ?? [], { ...problem, answer: p.answer }]);
  }
  return out;
}

function otherQuestion(rng: Rng, p: Parsed, problem: SolvedText, pool: FlawPool): string | null {
  const same = pool.get(signature(p)) ?? [];
  for (let attempt = 0; attempt < 8 && same.length > 1; attempt++) {
    const o = pick(rng, same);
    if (o.question !== problem.question && o.answer !== p.answer) return o.solution;
  }
  return null;
}

/**
 * A flawed version of `problem`'s solution of the given kind, or null when that kind does not
 * apply (e.g. no other problem of the same shape, or no recomputation stays in the positive
 * integers). `pool` holds the problems `other_question` may borrow a solution from.
 *
 * @example
 * ```ts
 * const problem = { question, solution: "2 * 3 = <<2*3=6>>6. The answer is 6." };
 * flawedSolution(rng, "final_answer", problem, flawPool([])); // e.g. "... The answer is 7."
 * ```
 */
export function flawedSolution(
  rng: Rng,
  kind: FlawKind,
  problem: SolvedText,
  pool: FlawPool,
): string | null {
  const p = parse(problem.solution);
  if (p === null) return null;
  for (let attempt = 0; attempt < 8; attempt++) {
    const out = kind === "other_question"
      ? otherQuestion(rng, p, problem, pool)
      : kind === "step_result"
      ? stepResult(rng, p)
      : kind === "operand"
      ? operand(rng, p, problem.question)
      : finalAnswer(rng, p);
    if (out === null) {
      if (kind === "other_question") return null;
      continue;
    }
    const text = typeof out === "string" ? out : render(out);
    const answer = typeof out === "string" ? parse(out)?.answer : out.answer;
    if (text !== problem.solution && answer !== p.answer) return text;
  }
  return null;
}
