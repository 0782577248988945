/**
 * Reads verification questions from a CoVe plan (Dhuliawala et al. 2023, step 2): the
 * paper's `{fact}, {verification question}` lines, plain question lines, numbered or
 * bulleted lines, and `Fact: ...` / `Question: ...` pairs.
 *
 * @module
 */
import type { VerificationQuestion } from "./prompts.ts";

const MARKER =
  /^\s*(?:[-*•]\s*|\(?\d+[.):]\s*|Q\d*\s*[:.]\s*|(?:verification\s+)?question\s*\d*\s*[:.]\s*)/i;
const QUESTION_WORD =
  /,\s+((?:who|whom|whose|what|when|where|which|why|how|is|are|was|were|did|does|do|can|could|has|have|had|will|would|should|in|on|at|for|from|to)\b[^,]*\?)\s*$/i;
const ANSWER_LINE = /^\s*(?:A\d*|answer\s*\d*)\s*[:.]/i;
const FACT_LINE = /^\s*fact\s*\d*\s*[:.]\s*(.+)$/i;

/** Remove markdown emphasis and surrounding quotes. */
export function cleanLine(line: string): string {
  return line.replace(/\*\*|__|`/g, "").trim().replace(/^["“]+|["”]+$/g, "").trim();
}

/** Strip a list marker ("1.", "-", "Q2:", "Question 3:") from the start of a line. */
export function stripMarker(line: string): string {
  return line.replace(MARKER, "").trim();
}

/**
 * Split one line into fact and question; null when the line is not a question.
 *
 * @example
 * ```ts
 * splitFactQuestion("Clinton was born in Chicago, where was Hillary Clinton born?");
 * // { fact: "Clinton was born in Chicago", question: "Where was Hillary Clinton born?" }
 * ```
 */
export function splitFactQuestion(line: string): VerificationQuestion | null {
  const text = stripMarker(cleanLine(line));
  if (!text.endsWith("?")) return null;
  const m = QUESTION_WORD.exec(text);
  if (m?.[1] !== undefined && m.index > 0) {
    const q = m[1].trim();
    return { fact: text.slice(0, m.index).trim(), question: q[0]?.toUpperCase() + q.slice(1) };
  }
  return { fact: "", question: text };
}

/**
 * Parse at most `max` distinct verification questions from a plan.
 *
 * @example
 * ```ts
 * parseVerificationQuestions("1. Obama was born in Hawaii, where was Obama born?\n2. When was he born?", 8);
 * ```
 */
export function parseVerificationQuestions(plan: string, max: number): VerificationQuestion[] {
  const out: VerificationQuestion[] = [];
  const seen = new Set<string>();
  let pendingFact = "";
  // A numbered list may arrive on one line: "1. ...? 2. ...?"
  const lines = plan.split(/\r?\n|\s+(?=\d+[.)]\s)/);
  for (const raw of lines) {
    const line = cleanLine(raw);
    if (line === "" || ANSWER_LINE.test(line)) continue;
    const fact = FACT_LINE.exec(line);
    if (fact?.[1] !== undefined) {
      pendingFact = fact[1].trim();
      continue;
    }
    const vq = splitFactQuestion(line);
    if (vq === null) continue;
    if (vq.fact === "" && pendingFact !== "") vq.fact = pendingFact;
    pendingFact = "";
    const key = vq.question.toLowerCase().replace(/\s+/g, " ");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(vq);
    if (out.length >= max) break;
  }
  return out;
}
