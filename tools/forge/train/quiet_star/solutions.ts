/**
 * Held-out text for the Quiet-STaR measurement: the worked solution of a held-out tiny-world
 * arithmetic problem, rebuilt from its question with the generator's own solution templates
 * (tools/forge/world/arithmetic.ts: buy, buy-with-change, two cities, equal shares), and the
 * answer parsed from a model's output.
 *
 * @module
 */

const BUY = /buys (\d+) .+ at (\d+) coins each\./;
const PAID = /pays with (\d+) coins\./;
const CITIES = /has (\d+) thousand people and .+ has (\d+) thousand people\./;
const SHARES = /shares (\d+) .+ equally among (\d+) friends\./;

/**
 * The worked solution of a tiny-world arithmetic question, or undefined when no template
 * matches.
 *
 * @example
 * ```ts
 * arithmeticSolution("Ann buys 2 Zar Pro at 40 coins each. How many coins does Ann spend?");
 * // "2 * 40 = <<2*40=80>>80 coins. The answer is 80."
 * ```
 */
export function arithmeticSolution(question: string): string | undefined {
  const buy = BUY.exec(question);
  if (buy !== null) {
    const [n, p] = [Number(buy[1]), Number(buy[2])];
    const total = n * p;
    const first = `${n} * ${p} = <<${n}*${p}=${total}>>${total} coins.`;
    const paid = PAID.exec(question);
    if (paid === null) return `${first} The answer is ${total}.`;
    const change = Number(paid[1]) - total;
    return `${first} ${paid[1]} - ${total} = <<${
      paid[1]
    }-${total}=${change}>>${change} coins. The answer is ${change}.`;
  }
  const cities = CITIES.exec(question);
  if (cities !== null) {
    const [x, y] = [Number(cities[1]), Number(cities[2])];
    return `${x} + ${y} = <<${x}+${y}=${x + y}>>${x + y} thousand. The answer is ${x + y}.`;
  }
  const shares = SHARES.exec(question);
  if (shares !== null) {
    const [n, k] = [Number(shares[1]), Number(shares[2])];
    const each = n / k;
    return `${n} / ${k} = <<${n}/${k}=${each}>>${each}. The answer is ${each}.`;
  }
  return undefined;
}

/**
 * The number after the first "The answer is" in a model output, or undefined.
 *
 * @example
 * ```ts
 * parseAnswer("3 * 4 = <<3*4=12>>12. The answer is 12."); // "12"
 * ```
 */
export function parseAnswer(output: string): string | undefined {
  return /The answer is (-?\d+(?:\.\d+)?)/.exec(output)?.[1];
}
