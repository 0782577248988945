/**
 * Quiet-STaR thinking as a conversation setting: the zod schema of the toggle (off by default;
 * K thoughts of t tokens, mixed with a fixed w, an entropy-gated w, or the model's mixing head),
 * the house-style message of each invalid field, and the translation into the engine's
 * `thinking` request field (client/engine/thinking/options.ts), which is checked again with the
 * engine's own schema so the two cannot drift apart.
 *
 * @module
 */
import { z } from "zod";
import {
  DEFAULT_ENTROPY_THRESHOLD,
  DEFAULT_K,
  DEFAULT_MAX_W,
  DEFAULT_T,
  DEFAULT_W,
  ThinkingRequest,
} from "../../engine/thinking/options.ts";

/** Most thoughts per emitted token the engine accepts (ThinkingRequest `k`). */
export const MAX_THOUGHTS = 8;
/** Most tokens per thought the engine accepts (ThinkingRequest `t`). */
export const MAX_THOUGHT_TOKENS = 32;

/** Where the mixing weight w comes from. */
export const W_SOURCES = ["fixed", "entropy", "head"] as const;
/** Where the mixing weight w comes from. */
export type WSource = (typeof W_SOURCES)[number];

/** Field labels, used in the controls and in the error messages. */
export const THINKING_LABELS = {
  k: "thoughts (K)",
  t: "tokens per thought (t)",
  fixedW: "w",
  entropyThreshold: "entropy threshold",
  maxW: "max w",
} as const;
/** A numeric field of the thinking settings. */
export type ThinkingField = keyof typeof THINKING_LABELS;

function int(field: ThinkingField, min: number, max: number, fallback: number) {
  const label = THINKING_LABELS[field];
  return z.number({ error: `Cannot use ${label} as it must be a number` })
    .int({ error: `Cannot use ${label} as it must be a whole number` })
    .min(min, { error: `Cannot use ${label} as it must be at least ${min}` })
    .max(max, { error: `Cannot use ${label} as it must be at most ${max}` })
    .default(fallback);
}

function unit(field: ThinkingField, fallback: number) {
  const label = THINKING_LABELS[field];
  return z.number({ error: `Cannot use ${label} as it must be a number` })
    .min(0, { error: `Cannot use ${label} as it must be in [0, 1]` })
    .max(1, { error: `Cannot use ${label} as it must be in [0, 1]` })
    .default(fallback);
}

/**
 * The thinking toggle of a conversation. Every field has a default, so settings stored before
 * thinking existed still parse (as off).
 */
export const ThinkingSettings = z.object({
  enabled: z.boolean().default(false),
  k: int("k", 1, MAX_THOUGHTS, DEFAULT_K),
  t: int("t", 1, MAX_THOUGHT_TOKENS, DEFAULT_T),
  /** "fixed" and "entropy" are untrained; "head" needs a model with a trained mixing head. */
  w: z.enum(W_SOURCES).default("fixed"),
  /** w of the "fixed" source, in [0, 1]; 0 reproduces the base model exactly. */
  fixedW: unit("fixedW", DEFAULT_W),
  /** Entropy (nats) of the base distribution at which the gated w starts to rise from 0. */
  entropyThreshold: z.number({ error: "Cannot use entropy threshold as it must be a number" })
    .min(0, { error: "Cannot use entropy threshold as it must be at least 0 nats" })
    .max(20, { error: "Cannot use entropy threshold as it must be at most 20 nats" })
    .default(DEFAULT_ENTROPY_THRESHOLD),
  /** w the entropy gate reaches at the maximum entropy ln(vocab), in [0, 1]. */
  maxW: unit("maxW", DEFAULT_MAX_W),
});
/** The thinking toggle of a conversation. */
export type ThinkingSettings = z.infer<typeof ThinkingSettings>;
/** Thinking settings as a caller or an old stored record writes them. */
export type ThinkingSettingsInput = z.input<typeof ThinkingSettings>;

/** Off, with the engine's defaults waiting for the toggle. */
export const defaultThinkingSettings: ThinkingSettings = ThinkingSettings.parse({});

/** What the loaded model offers for thinking (from EngineInfo `thinking`; unknown when absent). */
export interface ThinkingSupport {
  /** The tokenizer has the thought markers (false: thinking cannot run). */
  readonly markers?: boolean | undefined;
  /** The model folder declares a trained mixing head (`quiet_star.mixing_head`). */
  readonly mixingHead?: boolean | undefined;
}

/** "untrained" for a fixed or entropy-gated w, "trained" for the model's mixing head. */
export function wLabel(source: WSource): "untrained" | "trained" {
  return source === "head" ? "trained" : "untrained";
}

/**
 * The error of each invalid field of `input` (first message per field), keyed by field name;
 * empty when the input is valid.
 *
 * @example
 * ```ts
 * thinkingFieldErrors({ enabled: true, fixedW: 1.5 });
 * // { fixedW: "Cannot use w as it must be in [0, 1]: current value is 1.5" }
 * ```
 */
export function thinkingFieldErrors(input: unknown): Partial<Record<string, string>> {
  const parsed = ThinkingSettings.safeParse(input);
  if (parsed.success) return {};
  const errors: Partial<Record<string, string>> = {};
  const record = typeof input === "object" && input !== null
    ? input as Record<string, unknown>
    : {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "settings");
    if (errors[field] !== undefined) continue;
    const value = record[field];
    const shown = typeof value === "number" && !Number.isFinite(value)
      ? "not a number"
      : JSON.stringify(value);
    errors[field] = `${issue.message}: current value is ${shown}`;
  }
  return errors;
}

/**
 * Why `w: "head"` cannot be used with this model, or undefined when it can. A model whose info
 * does not say (an engine that does not report it) counts as having no mixing head.
 */
export function headUnavailable(support: ThinkingSupport | undefined): string | undefined {
  return support?.mixingHead === true
    ? undefined
    : "Cannot use w 'head' as the loaded model declares no mixing head (config.json quiet_star.mixing_head): choose fixed or entropy-gated (untrained)";
}

/**
 * The engine's `thinking` request for these settings, or undefined when thinking is off. The
 * result is parsed with the engine's ThinkingRequest schema; `trace` asks for the per-step
 * entropy, w and thought ids the trace panel shows.
 *
 * @example
 * ```ts
 * toThinkingRequest({ ...defaultThinkingSettings, enabled: true, fixedW: 0 });
 * // { k: 2, t: 8, w: 0, trace: true }
 * ```
 */
export function toThinkingRequest(
  settings: ThinkingSettingsInput,
): ThinkingRequest | undefined {
  const s = ThinkingSettings.parse(settings);
  if (!s.enabled) return undefined;
  const base = { k: s.k, t: s.t, trace: true };
  const w = s.w === "fixed"
    ? { w: s.fixedW }
    : s.w === "entropy"
    ? { w: "entropy" as const, entropy_threshold: s.entropyThreshold, max_w: s.maxW }
    : { w: "head" as const };
  return ThinkingRequest.parse({ ...base, ...w });
}

/** One line naming the mixing of these settings, e.g. "K = 2, t = 8, w = 0.5 fixed (untrained)". */
export function describeThinking(s: ThinkingSettings): string {
  const w = s.w === "fixed"
    ? `w = ${s.fixedW} fixed`
    : s.w === "entropy"
    ? `w entropy-gated above ${s.entropyThreshold} nats up to ${s.maxW}`
    : "w from the mixing head";
  return `K = ${s.k}, t = ${s.t}, ${w} (${wLabel(s.w)})`;
}
