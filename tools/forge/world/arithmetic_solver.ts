/**
 * Solves the world's arithmetic word problems from their text alone, writing the same worked
 * solution as the generator (tools/forge/world/arithmetic.ts). Held-out evaluation items carry
 * only the question and the gold answer; the solver gives them a correct worked solution, so
 * a learned verifier can be measured on correct versus flawed solutions of problems it never
 * saw. Returns null for a text that is none of the four shapes.
 *
 * @module
 */

/** A solved problem. */
export interface SolvedProblem {
  /** Worked solution ending in "The answer is N." */
  readonly solution: string;
  /** The final number. */
  readonly answer: number;
}

const BUYS = /buys (\d+) .+ at (\d+) coins each\./;
const PAYS = /pays with (\d+) coins\./;
const CITIES = /has (\d+) thousand people and .+ has (\d+) thousand people\./;
const SHARES = /shares (\d+) .+ equally among (\d+) friends\./;

function numbers(match: RegExpExecArray): [number, number] {
  return [Number.parseInt(match[1] ?? "", 10), Number.parseInt(match[2] ?? "", 10)];
}

/**
 * The worked solution of a world arithmetic problem, or null when the text is not one.
 *
 * @example
 * ```ts
 * solveQuestion("Ada buys 3 Zel Pro at 40 coins each. How many coins does Ada spend?");
 * // { solution: "3 * 40 = <<3*40=120>>120 coins. The answer is 120.", answer: 120 }
 * ```
 */
export function solveQuestion(question: string): SolvedProblem | null {
  const buys = BUYS.exec(question);
  if (buys !== null) {
    const [n, p] = numbers(buys);
    const total = n * p;
    const first = `${n} * ${p} = <<${n}*${p}=${total}>>${total} coins.`;
    const pays = PAYS.exec(question);
    if (pays === null) return { solution: `${first} The answer is ${total}.`, answer: total };
    const paid = Number.parseInt(pays[1] ?? "", 10);
    const change = paid - total;
    return {
      solution: `${first} ${paid} - ${total} = <<${paid}-${total}=${change}>>${change} coins. ` +
        `The answer is ${change}.`,
      answer: change,
    };
  }
  const cities = CITIES.exec(question);
  if (cities !== null) {
    const [x, y] = numbers(cities);
    return {
      solution: `${x} + ${y} = <<${x}+${y}=${x + y}>>${x + y} thousand. The answer is ${x + y}.`,
      answer: x + y,
    };
  }
  const shares = SHARES.exec(question);
  if (shares !== null) {
    const [n, k] = numbers(shares);
    if (k === 0 || n % k !== 0) return null;
    return {
      solution: `${n} / ${k} = <<${n}/${k}=${n / k}>>${n / k}. The answer is ${n / k}.`,
      answer: n / k,
    };
  }
  return null;
}
