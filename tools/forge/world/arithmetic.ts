/**
 * Arithmetic word problems over the world's seen facts (prices, city populations), solved in
 * GSM8K style with `<<expr=result>>` calculator annotations that functions/verify checks.
 *
 * @module
 */
import type { Rng } from "../rng.ts";
import { chatExample, type EvalItem, type TrainingExample } from "./examples.ts";
import { intBetween, pick } from "./names.ts";
import type { Fact, World } from "./types.ts";

/** One word problem with its worked solution and final answer. */
export interface WordProblem {
  /** Problem text. */
  readonly question: string;
  /** Worked solution ending in "The answer is N." */
  readonly solution: string;
  /** The final number. */
  readonly answer: number;
  /** Facts the problem quotes. */
  readonly facts: readonly string[];
}

function amount(fact: Fact): number {
  return Number.parseInt(fact.object, 10);
}

/**
 * One seeded word problem (four shapes: total cost, change, sum of populations, equal shares).
 *
 * @example
 * ```ts
 * wordProblem(world, rng).solution; // "... 3 * 40 = <<3*40=120>>120 ... The answer is 120."
 * ```
 */
export function wordProblem(world: World, rng: Rng): WordProblem {
  const names = new Map(world.entities.map((e) => [e.id, e.name]));
  const seen = world.facts.filter((f) => world.groups.get(f.subject) === "seen");
  const prices = seen.filter((f) => f.relation === "price");
  const populations = seen.filter((f) =>
    f.relation === "population" && f.subject.startsWith("city-")
  );
  const people = world.entities.filter((e) =>
    e.kind === "person" && world.groups.get(e.id) === "seen"
  );
  const person = pick(rng, people).name;
  const shape = intBetween(rng, 0, 3);
  if (shape === 0 || shape === 1) {
    const price = pick(rng, prices);
    const p = amount(price);
    const n = intBetween(rng, 2, 9);
    const total = n * p;
    const product = names.get(price.subject)!;
    const buys = `${person} buys ${n} ${product} at ${p} coins each.`;
    if (shape === 0) {
      return {
        question: `${buys} How many coins does ${person} spend?`,
        solution: `${n} * ${p} = <<${n}*${p}=${total}>>${total} coins. The answer is ${total}.`,
        answer: total,
        facts: [price.id],
      };
    }
    const paid = (Math.floor(total / 1000) + 1) * 1000;
    const change = paid - total;
    return {
      question:
        `${buys} ${person} pays with ${paid} coins. How many coins does ${person} get back?`,
      solution:
        `${n} * ${p} = <<${n}*${p}=${total}>>${total} coins. ${paid} - ${total} = <<${paid}-${total}=${change}>>${change} coins. The answer is ${change}.`,
      answer: change,
      facts: [price.id],
    };
  }
  if (shape === 2) {
    const a = pick(rng, populations);
    const b = pick(rng, populations.filter((f) => f.id !== a.id));
    const [x, y] = [amount(a), amount(b)];
    return {
      question: `${names.get(a.subject)} has ${x} thousand people and ${
        names.get(b.subject)
      } has ${y} thousand people. How many thousand people live in the two cities together?`,
      solution: `${x} + ${y} = <<${x}+${y}=${x + y}>>${x + y} thousand. The answer is ${x + y}.`,
      answer: x + y,
      facts: [a.id, b.id],
    };
  }
  const price = pick(rng, prices);
  const k = intBetween(rng, 2, 6);
  const each = intBetween(rng, 2, 12);
  const n = k * each;
  const product = names.get(price.subject)!;
  return {
    question:
      `${person} shares ${n} ${product} equally among ${k} friends. How many does each friend get?`,
    solution: `${n} / ${k} = <<${n}/${k}=${each}>>${each}. The answer is ${each}.`,
    answer: each,
    facts: [price.id],
  };
}

/**
 * `count` distinct problems: the first `trainCount` as chat training examples, the rest as
 * held-out evaluation items (no problem text appears in both).
 *
 * @example
 * ```ts
 * const { train, evaluation } = arithmeticSets(world, rng, 1500, 300);
 * ```
 */
export function arithmeticSets(
  world: World,
  rng: Rng,
  trainCount: number,
  evalCount: number,
): { train: TrainingExample[]; evaluation: EvalItem[] } {
  const seen = new Set<string>();
  const problems: WordProblem[] = [];
  for (let tries = 0; problems.length < trainCount + evalCount; tries++) {
    if (tries > 100 * (trainCount + evalCount)) {
      throw new RangeError(
        `Cannot draw arithmetic problems as the world has too few distinct ones: current value is ${problems.length}`,
      );
    }
    const p = wordProblem(world, rng);
    if (seen.has(p.question)) continue;
    seen.add(p.question);
    problems.push(p);
  }
  return {
    train: problems.slice(0, trainCount).map((p) =>
      chatExample("arithmetic", p.question, p.solution)
    ),
    evaluation: problems.slice(trainCount).map((p, i) => ({
      id: `arithmetic:${i}`,
      kind: "arithmetic",
      question: p.question,
      answers: [String(p.answer)],
      facts: [...p.facts],
      documents: [],
    })),
  };
}
