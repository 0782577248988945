/**
 * Checks the client's results against the requests a run waits for: exactly the pending
 * ids, each once, each with the scores and log-probabilities its request asked for.
 *
 * @module
 */
import type { StepResult } from "../../shared/pipeline.ts";
import { ApiError } from "../http/errors.ts";
import type { PendingRequest } from "./state.ts";

/**
 * Index the results by id, refusing with 400 `results_mismatch` (ids not exactly the
 * pending ones) or 400 `invalid_results` (missing scores or log-probabilities).
 */
export function matchResults(
  pending: readonly PendingRequest[],
  results: readonly StepResult[],
): Map<string, StepResult> {
  const byId = new Map<string, StepResult>();
  const duplicates = new Set<string>();
  for (const r of results) {
    if (byId.has(r.id)) duplicates.add(r.id);
    byId.set(r.id, r);
  }
  const expected = new Set(pending.map((p) => p.id));
  const missing = [...expected].filter((id) => !byId.has(id));
  const unexpected = [...byId.keys()].filter((id) => !expected.has(id));
  if (missing.length > 0 || unexpected.length > 0 || duplicates.size > 0) {
    throw new ApiError(
      400,
      "results_mismatch",
      "Cannot take results as they must answer exactly the pending request ids, each once",
      { details: { missing, unexpected, duplicates: [...duplicates] } },
    );
  }
  for (const p of pending) {
    const r = byId.get(p.id) as StepResult;
    for (const t of p.score_tokens ?? []) {
      if (r.scores?.[t] === undefined) {
        throw new ApiError(
          400,
          "invalid_results",
          `Cannot take result '${p.id}' as 'scores' must contain "${t}": it is missing`,
        );
      }
    }
    if (p.logprobs === true && r.token_logprobs === undefined) {
      throw new ApiError(
        400,
        "invalid_results",
        `Cannot take result '${p.id}' as 'token_logprobs' must be set: its request asked for them`,
      );
    }
  }
  return byId;
}
