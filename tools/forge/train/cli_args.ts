/**
 * Command-line flags of `deno task train`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { PRESETS } from "./presets.ts";

/** Parsed flags. */
export const TrainArgs = z.object({
  /** World folder with train.jsonl, tokenizer.json, tokenizer_config.json. */
  world: z.string().min(1).default("models/world"),
  /** Run folder: checkpoint/, losses.json. */
  out: z.string().min(1).default("runs/world-target"),
  /** Model size preset. */
  preset: z.enum(Object.keys(PRESETS) as ["target", "draft", "tiny", "micro"]).default("target"),
  steps: z.coerce.number().int().positive().default(2000),
  batch: z.coerce.number().int().positive().default(16),
  seq: z.coerce.number().int().positive().default(128),
  lr: z.coerce.number().positive().default(3e-3),
  warmup: z.coerce.number().int().nonnegative().default(100),
  seed: z.coerce.number().int().nonnegative().default(1),
  /** Save a checkpoint every N steps (0: only at the end). */
  checkpointEvery: z.coerce.number().int().nonnegative().default(200),
  /** Stop (and checkpoint) once this much wall time has passed; 0 means no limit. */
  maxMinutes: z.coerce.number().nonnegative().default(0),
  /** Stop (and checkpoint) after this step, e.g. to split a run into sessions. */
  until: z.coerce.number().int().positive().optional(),
  /** Continue the run found in --out/checkpoint. */
  resume: z.boolean().default(false),
  /** Export the final weights as an ONNX model folder here. */
  export: z.string().min(1).optional(),
  /** Print a one-line JSON summary as the last stdout line. */
  json: z.boolean().default(false),
});
/** Parsed flags. */
export type TrainArgs = z.infer<typeof TrainArgs>;

/** Usage text. */
export const TRAIN_USAGE = `Usage: deno task train [flags]
  --world DIR            world folder (default models/world)
  --out DIR              run folder (default runs/world-target)
  --preset NAME          target | draft | tiny | micro (default target)
  --steps N --batch B --seq T --lr LR --warmup N --seed S
  --checkpoint-every N   checkpoint period in steps (default 200)
  --max-minutes M        stop and checkpoint after M minutes
  --until N              stop and checkpoint after step N (resume later)
  --resume               continue from OUT/checkpoint
  --export DIR           write the trained model as an ONNX folder
  --json                 one-line JSON summary as the last line`;

/**
 * Parse flags; throws a RangeError in the house style on a bad value.
 *
 * @example
 * ```ts
 * parseTrainArgs(["--steps", "20", "--preset", "tiny"]).steps; // 20
 * ```
 */
export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      world: { type: "string" },
      out: { type: "string" },
      preset: { type: "string" },
      steps: { type: "string" },
      batch: { type: "string" },
      seq: { type: "string" },
      lr: { type: "string" },
      warmup: { type: "string" },
      seed: { type: "string" },
      "checkpoint-every": { type: "string" },
      "max-minutes": { type: "string" },
      until: { type: "string" },
      resume: { type: "boolean" },
      export: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const { "checkpoint-every": checkpointEvery, "max-minutes": maxMinutes, ...rest } = values;
  const parsed = TrainArgs.safeParse({ ...rest, checkpointEvery, maxMinutes });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "(root)");
    const raw = (values as Record<string, unknown>)[field];
    throw new RangeError(
      `Cannot train as '--${field}' is invalid (${issue.message}): current value is ${
        JSON.stringify(raw)
      }`,
    );
  }
  return parsed.data;
}
