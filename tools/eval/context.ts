/**
 * What every evaluation section of `deno task eval` receives and returns. The CLI
 * (tools/eval/main.ts) builds one context: a running edge seeded with the world corpus and
 * engines on the world models, created on first use.
 *
 * @module
 */
import { z } from "zod";
import type { Engine } from "../../client/engine/api.ts";

/** Models a section can ask for (folders under the models directory). */
export type EvalModel = "target" | "target_lora" | "draft" | "verifier" | "reader" | "cove";

/** Shared inputs of the sections. */
export interface EvalContext {
  /** The world folder: eval/*.jsonl, corpus.json, target/, draft/, adapters/, manifest.json. */
  readonly modelsDir: string;
  /** Origin of a running edge seeded with `${modelsDir}/corpus.json`, e.g. http://127.0.0.1:PORT. */
  readonly edgeUrl: string;
  /** The engine of a model (created once, wasm, disposed by the CLI). */
  engine(model: EvalModel): Promise<Engine>;
  /** At most this many items per evaluation set (the CLI's --limit; Infinity = all). */
  readonly limit: number;
  /** Seed of every sampled decision. */
  readonly seed: number;
  /** Progress lines (stderr in the CLI). */
  log(line: string): void;
  readonly signal?: AbortSignal;
}

/** One measured row of the evaluation table. */
export const EvalRow = z.object({
  /** Section, e.g. "selfrag". */
  section: z.string(),
  /** Evaluation set, e.g. "corpus_only". */
  set: z.string(),
  /** Method, e.g. "closed_book" or "selfrag". */
  method: z.string(),
  /** Metric name, e.g. "accuracy" or "precision". */
  metric: z.string(),
  /** Items scored. */
  n: z.number().int().nonnegative(),
  /** The metric, in points (0-100) for accuracies and precisions. */
  /** null when the row could not be measured (n = 0; the note says why). */
  value: z.number().nullable(),
  /** 95% interval of `value` (bootstrap over items) when computed. */
  ci95: z.tuple([z.number(), z.number()]).optional(),
  /** Free-form note (e.g. the variant or why a row is missing). */
  note: z.string().optional(),
});
/** One measured row of the evaluation table. */
export type EvalRow = z.infer<typeof EvalRow>;
/** A row with a measured value (what pointsRow and meanRow build). */
export type MeasuredRow = EvalRow & { value: number };

/** A gain of one method over a baseline on the same items, with its paired significance. */
export const EvalGain = z.object({
  /** Method minus baseline, in points. */
  points: z.number(),
  /** Paired items. */
  n: z.number().int().nonnegative(),
  /** 95% paired-bootstrap interval of the gain. */
  ci95: z.tuple([z.number(), z.number()]),
  /** Two-sided p-value of a paired test (exact McNemar for 0/1 outcomes, sign-flip otherwise). */
  p_value: z.number().min(0).max(1),
});
/** A gain of one method over a baseline on the same items. */
export type EvalGain = z.infer<typeof EvalGain>;

/** What a section returns: its table rows, summary numbers and gains. */
export interface SectionResult {
  readonly rows: EvalRow[];
  /** Summary keys (e.g. `alpha`) and their values. */
  readonly summary: Record<string, number>;
  /** Named gains (e.g. `selfrag_gain_corpus_only`); their `points` also go into the summary. */
  readonly gains: Record<string, EvalGain>;
}

/** A section of the evaluation. */
export interface EvalSection {
  /** CLI name, e.g. "selfrag" (`deno task eval selfrag`). */
  readonly name: string;
  run(ctx: EvalContext): Promise<SectionResult>;
}
