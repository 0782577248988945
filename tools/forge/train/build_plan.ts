/**
 * The plan of the model-building pipeline: which jobs run, what each depends on, and how a
 * total time budget (`--minutes`) divides between them on two cores. Full mode: the target
 * and the draft train side by side (one core each) for most of the budget, then the two
 * style adapters train side by side on the finished target. With `--draft distill` the draft
 * first trains on cross-entropy beside the target, then a distillation stage toward the
 * finished target runs beside the adapters. `--quick` shrinks everything to seconds.
 *
 * The learned verifier of best-of-n (issue 8) is not part of this plan yet: its data
 * (`verifier/train.jsonl`) is rendered with the world, but 8 minutes of training from the draft
 * gave a verifier at chance (AUROC 0.54), so no verifier model is built or committed.
 *
 * @module
 */
import { z } from "zod";
import { LORA_TARGET_MODULES } from "../llama_config.ts";
import { ANSWER_STYLES } from "../world/styles.ts";
import type { JobSpecInput } from "./build_job.ts";

/** Pipeline settings. */
export const BuildOptions = z.object({
  /** Output folder: world files, target/, draft/, adapters/<style>/, manifest.json. */
  out: z.string().min(1).default("models/world"),
  /** Run folder: checkpoints and done markers of every phase. */
  runs: z.string().min(1).default("runs/forge-world"),
  /** Total time budget in minutes (full mode). */
  minutes: z.number().positive().default(90),
  /** Tiny world, tiny models, a few steps per job: the whole pipeline in seconds. */
  quick: z.boolean().default(false),
  /** How the draft learns: cross-entropy only, or cross-entropy then distillation. */
  draft: z.enum(["ce", "distill"]).default("ce"),
  /** World seed. */
  seed: z.number().int().nonnegative().default(7),
  /**
   * Add the skill-practice dialogs (world/dataset.ts PRACTICE_DIALOGS) and train the target
   * on 4 x 256-token rows so they fit whole.
   */
  practice: z.boolean().default(false),
});
/** Pipeline settings. */
export type BuildOptions = z.infer<typeof BuildOptions>;

/** A job and the jobs it waits for. */
export interface PlannedJob {
  readonly spec: JobSpecInput;
  readonly after: readonly string[];
}

/** Seconds set aside for the world, the tokenizer, the exports and the manifest. */
export const OVERHEAD_SECONDS = 150;

/**
 * The jobs of a build, in start order.
 *
 * @example
 * ```ts
 * planJobs(BuildOptions.parse({ quick: true })).map((j) => j.spec.name);
 * // ["target", "draft", "adapter-terse", "adapter-formal"]
 * ```
 */
export function planJobs(options: BuildOptions): PlannedJob[] {
  const { out, runs, quick } = options;
  const train = Math.max(60, options.minutes * 60 - OVERHEAD_SECONDS);
  // Rows hold whole examples (data.ts), so quick rows must fit the quick world's examples
  // too (the formal style's are 49-71 tokens in its 384-token vocabulary). With --practice the
  // target's rows are 256 tokens: the S2A rewrite dialogs (the paper's prompt, ~165 tokens)
  // and CoVe final prompts (up to ~210) must fit whole; 4 x 256 keeps 1,024 tokens a step.
  // The draft keeps 8 x 128 (longer examples are left out of its data).
  const shape = quick ? { batch: 4, seq: 128 } : { batch: 8, seq: 128 };
  const targetShape = quick || !options.practice ? shape : { batch: 4, seq: 256 };
  const budget = (share: number) => (quick ? {} : { seconds: share * train });
  const steps = (n: number) => (quick ? { steps: n } : {});
  const distill = options.draft === "distill";
  // Two stages: 78% of the time for target || draft, 22% for the second stage's two cores:
  // one adapter per core, or (distillation) the draft on one core, both adapters in turn on
  // the other.
  const adapterShare = distill ? 0.11 : 0.22;
  const common = { world: out, ...shape, warmup: quick ? 1 : 100, checkpointSeconds: 120 };
  const draftRun = distill ? "draft-ce" : "draft";
  const jobs: PlannedJob[] = [
    {
      spec: {
        ...common,
        name: "target",
        ...targetShape,
        preset: quick ? "tiny" : "target",
        data: "train.jsonl",
        run: `${runs}/target`,
        lr: 3e-3,
        seed: 1,
        ...budget(0.78),
        ...steps(4),
      },
      after: [],
    },
    {
      spec: {
        ...common,
        name: draftRun,
        preset: quick ? "micro" : "draft",
        data: "train.jsonl",
        run: `${runs}/${draftRun}`,
        lr: 5e-3,
        seed: 2,
        ...budget(0.78),
        ...steps(4),
      },
      after: [],
    },
  ];
  if (distill) {
    jobs.push({
      spec: {
        ...common,
        name: "draft",
        preset: quick ? "micro" : "draft",
        data: "train.jsonl",
        run: `${runs}/draft`,
        lr: 1e-3,
        warmup: quick ? 1 : 20,
        seed: 3,
        init: `${runs}/draft-ce`,
        teacher: { run: `${runs}/target`, kl: 0.5 },
        ...budget(0.22),
        ...steps(3),
      },
      after: ["target", "draft-ce"],
    });
  }
  for (const style of ANSWER_STYLES) {
    jobs.push({
      spec: {
        ...common,
        name: `adapter-${style}`,
        preset: quick ? "tiny" : "target",
        data: `styles/${style}/train.jsonl`,
        run: `${runs}/adapter-${style}`,
        lr: 2e-3,
        warmup: quick ? 1 : 20,
        seed: 4,
        base: `${runs}/target`,
        lora: {
          r: 8,
          lora_alpha: 16,
          target_modules: [...LORA_TARGET_MODULES],
        },
        ...budget(adapterShare),
        ...steps(3),
      },
      after: ["target"],
    });
  }
  return jobs;
}
