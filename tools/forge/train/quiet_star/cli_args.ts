/**
 * Flags of `deno task train:think` (zod-checked).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { z } from "zod";

/** Parsed flags. */
export const ThinkArgs = z.object({
  /** Base run: a trainer checkpoint folder, or a run folder holding `checkpoint/`. */
  base: z.string().min(1),
  /** Output model folder (ONNX + mixing head). */
  out: z.string().min(1),
  /** Checkpoint folder of this run (resumed when it exists). */
  run: z.string().min(1).optional(),
  /** World folder: tokenizer files and train.jsonl. */
  world: z.string().min(1).default("models/world"),
  /** Wall-clock budget of this process in minutes. */
  minutes: z.number().positive().default(10),
  /** Stop after this many steps in total. */
  steps: z.number().int().positive().optional(),
  k: z.number().int().min(2).default(2),
  t: z.number().int().positive().default(4),
  positions: z.number().int().positive().default(2),
  ahead: z.number().int().positive().default(3),
  batch: z.number().int().positive().default(4),
  seq: z.number().int().positive().default(96),
  lr: z.number().positive().default(1e-4),
  headLr: z.number().positive().default(1e-3),
  seed: z.number().int().nonnegative().default(1),
  /** Example kinds of train.jsonl to use (comma-separated); all when absent. */
  kinds: z.array(z.string().min(1)).optional(),
});
/** Parsed flags. */
export type ThinkArgs = z.infer<typeof ThinkArgs>;

/** Usage text. */
export const THINK_USAGE = `Usage: deno task train:think --base DIR --out DIR [flags]
  --base DIR        trained base: a checkpoint folder or a run folder with checkpoint/
  --out DIR         write the thinking model folder here (ONNX with mixing_weight)
  --run DIR         checkpoint folder of this run (default: OUT.run); resumed when present
  --world DIR       tokenizer files and train.jsonl (default models/world)
  --minutes N       time budget of this process (default 10)
  --steps N         stop after N steps in total
  --k N --t N       thoughts per position and thought tokens (default 2, 4)
  --positions N     branch positions per example (default 2); --ahead N true tokens scored (3)
  --batch N --seq N examples per step and their maximum length (default 4, 96)
  --lr X --head-lr X  base model and mixing head learning rates (default 1e-4, 1e-3)
  --kinds a,b       train.jsonl kinds to use (default all)
  --seed N`;

/**
 * Parse argv; throws a RangeError naming the bad flag.
 *
 * @example
 * ```ts
 * parseThinkArgs(["--base", "runs/target", "--out", "models/world/thinking"]).minutes; // 10
 * ```
 */
export function parseThinkArgs(argv: readonly string[]): ThinkArgs {
  const str = { type: "string" } as const;
  const { values } = parseArgs({
    args: [...argv],
    options: {
      base: str,
      out: str,
      run: str,
      world: str,
      minutes: str,
      steps: str,
      k: str,
      t: str,
      positions: str,
      ahead: str,
      batch: str,
      seq: str,
      lr: str,
      "head-lr": str,
      seed: str,
      kinds: str,
    },
  });
  const { "head-lr": headLr, kinds, ...rest } = values;
  const numbers: Record<string, number | string> = {};
  for (const [k, v] of Object.entries({ ...rest, headLr })) {
    if (v === undefined) continue;
    numbers[k] = ["base", "out", "run", "world"].includes(k) ? v : Number(v);
  }
  const parsed = ThinkArgs.safeParse({
    ...numbers,
    ...(kinds !== undefined ? { kinds: kinds.split(",") } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "(root)");
    throw new RangeError(
      `Cannot train thinking as '--${field}' is invalid (${issue.message}): current value is ${
        JSON.stringify((values as Record<string, unknown>)[field])
      }`,
    );
  }
  return parsed.data;
}
