/**
 * The `speculative` request field: how many draft tokens a row proposes per round.
 *
 * @module
 */
import { z } from "zod";

/** Largest gamma a request may ask for (fixed or as `max_gamma`). */
export const MAX_GAMMA_LIMIT = 32;
/** `max_gamma` when the request gives none. */
export const DEFAULT_MAX_GAMMA = 8;

/**
 * Speculative decoding options of one request (used only when the engine has a draft model).
 *
 * - `gamma`: draft tokens per round; a number fixes it (0 = plain decoding, no draft work for
 *   the row), `"auto"` (default) adapts it per row with `schedule`.
 * - `schedule`: `"optimal"` (default) maximizes the expected speedup from the row's measured
 *   acceptance rate and the measured draft/target costs; `"heuristic"` is Hugging Face's
 *   "+2 when every proposal was accepted, else -1".
 * - `max_gamma`: upper bound of the adaptive gamma (default 8).
 *
 * Seeds: the token stream of a sampled (temperature > 0) row depends on the gammas it used.
 * A fixed gamma and the heuristic depend only on the row's own tokens, so a seed reproduces the
 * output; `"optimal"` also reads wall-clock timings, so its output is distributed exactly as
 * target-only sampling but a seed does not pin it token for token. Greedy output is always the
 * target's greedy output.
 */
export const SpeculativeRequest = z.object({
  gamma: z.union([z.number().int().min(0).max(MAX_GAMMA_LIMIT), z.literal("auto")]).optional(),
  schedule: z.enum(["optimal", "heuristic"]).optional(),
  max_gamma: z.number().int().min(1).max(MAX_GAMMA_LIMIT).optional(),
});
/** Speculative options as a request gives them. */
export type SpeculativeRequest = z.infer<typeof SpeculativeRequest>;

/** Speculative options with every default filled in. */
export interface SpeculativeOptions {
  readonly gamma: number | "auto";
  readonly schedule: "optimal" | "heuristic";
  readonly max_gamma: number;
}

/**
 * Fill in the defaults: gamma "auto", schedule "optimal", max_gamma {@link DEFAULT_MAX_GAMMA}.
 *
 * @example
 * ```ts
 * resolveSpeculative({ gamma: 3 }); // { gamma: 3, schedule: "optimal", max_gamma: 8 }
 * ```
 */
export function resolveSpeculative(request: SpeculativeRequest = {}): SpeculativeOptions {
  return {
    gamma: request.gamma ?? "auto",
    schedule: request.schedule ?? "optimal",
    max_gamma: request.max_gamma ?? DEFAULT_MAX_GAMMA,
  };
}

/** The options a row gets when its request has no `speculative` field. */
export const DEFAULT_SPECULATIVE: SpeculativeOptions = {
  gamma: "auto",
  schedule: "optimal",
  max_gamma: DEFAULT_MAX_GAMMA,
};

/** True when the options can never propose a token (gamma fixed at 0). */
export function neverSpeculates(options: SpeculativeOptions): boolean {
  return options.gamma === 0;
}
