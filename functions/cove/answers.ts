/**
 * Reads verification answers: one factored answer, the numbered answers of the 2-step
 * prompt, and the question/answer pairs the joint variant writes in its plan.
 *
 * @module
 */
import { cleanLine, splitFactQuestion } from "./plan_parser.ts";
import type { VerifiedPair } from "./prompts.ts";

/** A factored answer: the text up to a blank line or the next `Q:`, trimmed. */
export function cleanAnswer(text: string): string {
  return text.split(/\n\s*\n|\nQ\d*\s*:/)[0]?.trim() ?? "";
}

/**
 * The answers of the 2-step prompt, whose output continues after `A1:`. Reads `A{i}:`
 * markers, falling back to non-empty lines in order; missing answers are "".
 */
export function parseNumberedAnswers(continuation: string, count: number): string[] {
  const text = `A1:${continuation}`;
  const answers = new Array<string>(count).fill("");
  const marked = [...text.matchAll(/(?:^|\n)\s*A(\d+)\s*[:.)]([^\n]*)/g)];
  for (const m of marked) {
    const i = Number(m[1]) - 1;
    if (i >= 0 && i < count && answers[i] === "") answers[i] = cleanLine(m[2] ?? "");
  }
  if (marked.length < Math.min(count, 2) && count > 1) {
    const lines = continuation.split(/\r?\n/).map((l) => cleanLine(l.replace(/^\s*\d+[.)]\s*/, "")))
      .filter((l) => l !== "");
    lines.slice(0, count).forEach((l, i) => (answers[i] = l));
  }
  return answers;
}

/**
 * The question/answer pairs of a joint plan: each question line (`{fact}, {question}?`,
 * `Q: ...?`) followed by its answer (`A: ...` or the next plain line).
 */
export function parseJointPairs(plan: string, max: number): VerifiedPair[] {
  const pairs: VerifiedPair[] = [];
  let open: VerifiedPair | null = null;
  for (const raw of plan.split(/\r?\n/)) {
    const line = cleanLine(raw);
    if (line === "") continue;
    const answer = /^\s*(?:A\d*|answer\s*\d*)\s*[:.]\s*(.*)$/i.exec(line);
    const vq = answer === null ? splitFactQuestion(line) : null;
    if (vq !== null) {
      if (pairs.length >= max) break;
      open = { ...vq, answer: "" };
      pairs.push(open);
    } else if (open !== null && open.answer === "") {
      open.answer = (answer?.[1] ?? line).trim();
    }
  }
  return pairs;
}
