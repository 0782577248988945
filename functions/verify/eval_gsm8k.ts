/**
 * Measures the arithmetic verifier on GSM8K solutions: acceptance of the correct
 * `<<expr=result>>` annotations and rejection of mutated results.
 *
 * ```
 * deno run -A functions/verify/eval_gsm8k.ts [path/to/train.jsonl] [--json]
 * ```
 * The default path is ../shared/data/gsm8k/train.jsonl next to the repository.
 *
 * @module
 */
import { findAnnotations, findInlineEquations } from "./equations.ts";
import { checkEquation } from "./check.ts";
import { mutateClaim, MUTATION_KINDS, type MutationKind } from "./mutations.ts";

/** A rate with its counts. */
export interface Rate {
  hits: number;
  total: number;
  rate: number;
}

/** What {@link evaluateGsm8k} measures. */
export interface Gsm8kReport {
  solutions: number;
  annotations: number;
  /** Correct annotations accepted. */
  accepted: Rate;
  /** Mutated annotations rejected, by mutation kind (only mutations that apply). */
  rejected: Record<MutationKind, Rate>;
  /** Inline prose equations found outside annotations, and how many check out. */
  inline: Rate;
  /** Annotations that were NOT accepted (expression = claimed), for inspection. */
  failures: string[];
}

function rate(hits: number, total: number): Rate {
  return { hits, total, rate: total === 0 ? 0 : hits / total };
}

/**
 * Run the measurement over GSM8K JSONL lines (`{ question, answer }` a line).
 *
 * @example
 * ```ts
 * const report = evaluateGsm8k(text.split("\n"));
 * report.accepted.rate; // 1 on train.jsonl
 * ```
 */
export function evaluateGsm8k(lines: readonly string[]): Gsm8kReport {
  let solutions = 0;
  let accepted = 0;
  let annotations = 0;
  let inlineOk = 0;
  let inlineTotal = 0;
  const failures: string[] = [];
  const rej = Object.fromEntries(MUTATION_KINDS.map((k) => [k, { hits: 0, total: 0 }])) as Record<
    MutationKind,
    { hits: number; total: number }
  >;
  for (const line of lines) {
    if (line.trim() === "") continue;
    const { answer } = JSON.parse(line) as { answer: string };
    solutions++;
    for (const eq of findAnnotations(answer)) {
      annotations++;
      if (checkEquation(eq).ok) accepted++;
      else failures.push(`${eq.expression}=${eq.claimed}`);
      for (const kind of MUTATION_KINDS) {
        const mutated = mutateClaim(eq.claimedSource, kind);
        if (mutated === null) continue;
        rej[kind].total++;
        const step = checkEquation({ ...eq, claimed: mutated, claimedSource: mutated });
        if (!step.ok) rej[kind].hits++;
      }
    }
    for (const eq of findInlineEquations(answer)) {
      inlineTotal++;
      if (checkEquation(eq).ok) inlineOk++;
    }
  }
  return {
    solutions,
    annotations,
    accepted: rate(accepted, annotations),
    rejected: Object.fromEntries(
      MUTATION_KINDS.map((k) => [k, rate(rej[k].hits, rej[k].total)]),
    ) as Record<MutationKind, Rate>,
    inline: rate(inlineOk, inlineTotal),
    failures,
  };
}

function pct(r: Rate): string {
  return `${(100 * r.rate).toFixed(3)}% (${r.hits}/${r.total})`;
}

async function main(args: string[]): Promise<void> {
  const json = args.includes("--json");
  const path = args.find((a) => !a.startsWith("--")) ??
    new URL("../../../shared/data/gsm8k/train.jsonl", import.meta.url).pathname;
  const report = evaluateGsm8k((await Deno.readTextFile(path)).split("\n"));
  if (json) {
    console.log(JSON.stringify({ ...report, failures: report.failures.slice(0, 20) }));
    return;
  }
  console.log(`GSM8K arithmetic verifier on ${path}`);
  console.log(`solutions                 ${report.solutions}`);
  console.log(`annotations accepted      ${pct(report.accepted)}`);
  for (const k of MUTATION_KINDS) {
    console.log(`${k.padEnd(25)} ${pct(report.rejected[k])} rejected`);
  }
  console.log(`inline equations ok       ${pct(report.inline)}`);
  for (const f of report.failures.slice(0, 20)) console.log(`  not accepted: ${f}`);
}

if (import.meta.main) await main(Deno.args);
