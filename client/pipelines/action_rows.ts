/**
 * Turns the edge's generate requests into engine rows and the engine's results back into step
 * results. A score string of several pieces (see score_pieces.ts) adds teacher-forced rows to
 * the SAME batch: row i scores piece i after the prompt plus pieces 1..i-1, and the string's
 * score is the product of those conditional probabilities.
 *
 * @module
 */
import type { GenerateRequest as EngineRequest, GenerateResult } from "../engine/api.ts";
import type { SpeculativeRequest } from "../engine/speculative/options.ts";
import { type GenerateRequest, MAX_RESULT_CHARS, type StepResult } from "../../shared/pipeline.ts";
import { PipelineRequestError } from "./errors.ts";

/** The engine accepts at most this many stop strings per row. */
export const MAX_ENGINE_STOPS = 4;
/** Log-probabilities are clamped to this floor so they stay finite JSON numbers. */
export const MIN_LOGPROB = -1e4;

/** How one score string of one request is computed from engine rows. */
interface ScorePlan {
  readonly text: string;
  /** The first piece, scored by the main row. */
  readonly first: string;
  /** Extra rows (ids) and the piece each of them scores, in order. */
  readonly extra: readonly { id: string; piece: string }[];
}

/** The rows of one edge request and how to read its result back. */
export interface RowPlan {
  readonly request: GenerateRequest;
  readonly rows: EngineRequest[];
  readonly scores: readonly ScorePlan[];
}

/** Settings the client adds to every row. */
export interface RowSettings {
  readonly speculative?: SpeculativeRequest;
}

function baseRow(r: GenerateRequest, settings: RowSettings): Omit<EngineRequest, "id"> {
  if (r.stop.length > MAX_ENGINE_STOPS) {
    throw new PipelineRequestError(
      `Cannot run request '${r.id}' as the engine accepts at most ${MAX_ENGINE_STOPS} stop strings: it has ${r.stop.length}`,
    );
  }
  const stop = r.stop.filter((s) => s !== "");
  return {
    ...(r.prompt !== undefined ? { prompt: r.prompt } : { messages: r.messages ?? [] }),
    temperature: r.temperature,
    ...(r.seed !== undefined ? { seed: r.seed } : {}),
    ...(stop.length > 0 ? { stop } : {}),
    ...(r.adapter !== undefined ? { adapter: r.adapter } : {}),
    ...(settings.speculative !== undefined ? { speculative: settings.speculative } : {}),
  };
}

/**
 * Plan the engine rows of one edge request. `pieces` gives the resolved pieces of each score
 * string.
 */
export function planRows(
  r: GenerateRequest,
  pieces: (text: string) => readonly string[],
  settings: RowSettings = {},
): RowPlan {
  const base = baseRow(r, settings);
  const scores: ScorePlan[] = [];
  const extraRows: EngineRequest[] = [];
  const firsts = new Set<string>();
  for (const [k, text] of (r.score_tokens ?? []).entries()) {
    const [first, ...rest] = pieces(text);
    if (first === undefined) continue;
    firsts.add(first);
    if (rest.length > 0 && r.prompt === undefined) {
      throw new PipelineRequestError(
        `Cannot score '${text}' for request '${r.id}' as strings of several tokens need a 'prompt': the request has 'messages'`,
      );
    }
    const extra = rest.map((piece, i) => {
      const id = `${r.id}#s${k}.${i + 1}`;
      extraRows.push({
        ...base,
        id,
        prompt: (r.prompt ?? "") + [first, ...rest.slice(0, i)].join(""),
        max_tokens: 1,
        score_tokens: [piece],
      });
      return { id, piece };
    });
    scores.push({ text, first, extra });
  }
  const main: EngineRequest = {
    ...base,
    id: r.id,
    // The engine always generates at least one token; max_tokens 0 asks for scores only.
    max_tokens: Math.max(1, r.max_tokens),
    ...(firsts.size > 0 ? { score_tokens: [...firsts] } : {}),
  };
  return { request: r, rows: [main, ...extraRows], scores };
}

function clampProb(p: number | undefined): number {
  return p === undefined || Number.isNaN(p) ? 0 : Math.min(1, Math.max(0, p));
}

/** The step result of a planned request from the engine results, looked up by row id. */
export function readResult(
  plan: RowPlan,
  byId: ReadonlyMap<string, GenerateResult>,
): StepResult {
  const r = plan.request;
  const main = byId.get(r.id);
  if (main === undefined) {
    throw new PipelineRequestError(`Cannot answer request '${r.id}' as the engine returned no row`);
  }
  const text = r.max_tokens === 0 ? "" : main.text.slice(0, MAX_RESULT_CHARS);
  const out: StepResult = { id: r.id, text };
  if (r.logprobs === true && r.max_tokens > 0) {
    out.token_logprobs = main.token_logprobs.map((lp) =>
      Number.isNaN(lp) ? MIN_LOGPROB : Math.min(0, Math.max(MIN_LOGPROB, lp))
    );
  }
  if (plan.scores.length > 0) {
    const scores: Record<string, number> = {};
    for (const s of plan.scores) {
      let p = clampProb(main.scores?.[s.first]);
      for (const e of s.extra) p *= clampProb(byId.get(e.id)?.scores?.[e.piece]);
      scores[s.text] = p;
    }
    out.scores = scores;
  }
  return out;
}
