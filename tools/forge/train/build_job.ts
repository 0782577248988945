/**
 * One training job of the model-building pipeline (tools/forge/train/build_models.ts), run
 * in its own Deno process so that two jobs use two cores: a full model (cross-entropy, or
 * distilled toward a finished teacher run) or a LoRA adapter over a finished base run.
 * Given a time budget instead of a step count, it first times a few steps and sizes the
 * cosine schedule to fit. It checkpoints periodically and resumes from its checkpoint, and
 * writes `done.json` when finished, so a rerun of the pipeline skips or continues it.
 *
 * @module
 */
import { defaultDevice, init } from "@jax-js/jax";
import { Tokenizer } from "@huggingface/tokenizers";
import { z } from "zod";
import { TrainingExample } from "../world/examples.ts";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { BatchSource, tokenizeExamples } from "./data.ts";
import { LoraSettings } from "./lora_params.ts";
import { LoraTrainer } from "./lora_trainer.ts";
import { presetConfig, PRESETS } from "./presets.ts";
import { LlamaTrainer } from "./trainer.ts";

/** What one job trains. */
export const JobSpec = z.object({
  /** Job name: "target", "draft", "adapter-terse", ... */
  name: z.string().min(1),
  /** Model size (ignored by LoRA jobs, which adapt the base's config). */
  preset: z.enum(Object.keys(PRESETS) as ["target", "draft", "tiny", "micro"]),
  /** World folder (tokenizer files). */
  world: z.string().min(1),
  /** Training examples, JSON lines, relative to the world folder (several files are joined). */
  data: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** Run folder: checkpoint/, done.json. */
  run: z.string().min(1),
  batch: z.number().int().positive(),
  seq: z.number().int().positive(),
  lr: z.number().positive(),
  warmup: z.number().int().nonnegative(),
  seed: z.number().int().nonnegative(),
  /** Fixed step count; else `seconds` sizes it. */
  steps: z.number().int().positive().optional(),
  /** Time budget of the whole job in seconds. */
  seconds: z.number().positive().optional(),
  /** Stop (checkpointed, not done) after this step, e.g. to split a job into sessions. */
  until: z.number().int().positive().optional(),
  /** Checkpoint period in seconds. */
  checkpointSeconds: z.number().positive().default(120),
  /** Distill toward this finished run's weights with this KL share. */
  teacher: z.object({ run: z.string().min(1), kl: z.number().min(0).max(1) }).optional(),
  /** Start from this finished run's weights (else seeded init). */
  init: z.string().min(1).optional(),
  /** LoRA over this finished run's weights. */
  base: z.string().min(1).optional(),
  lora: LoraSettings.optional(),
});
/** What one job trains. */
export type JobSpec = z.infer<typeof JobSpec>;
/** What one job trains, before defaults. */
export type JobSpecInput = z.input<typeof JobSpec>;

/** `done.json` of a finished job. */
export const JobResult = z.object({
  name: z.string(),
  steps: z.number().int().nonnegative(),
  first_loss: z.number(),
  final_loss: z.number(),
  /** Mean loss of the last 20 steps. */
  final_loss_mean20: z.number(),
  /** Mean wall time of the steps of the last process (ms). */
  step_ms: z.number(),
  wall_s: z.number(),
});
/** `done.json` of a finished job. */
export type JobResult = z.infer<typeof JobResult>;

/** The common surface of the two trainers. */
interface Stepper {
  readonly step: number;
  readonly losses: readonly number[];
  trainStep(): Promise<unknown>;
  dispose(): void;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function source(spec: JobSpec): Promise<BatchSource> {
  const tokenizer = new Tokenizer(
    JSON.parse(await Deno.readTextFile(`${spec.world}/tokenizer.json`)),
    JSON.parse(await Deno.readTextFile(`${spec.world}/tokenizer_config.json`)),
  );
  const files = typeof spec.data === "string" ? [spec.data] : spec.data;
  const lines = (await Promise.all(
    files.map((f) => Deno.readTextFile(f.startsWith("/") ? f : `${spec.world}/${f}`)),
  ))
    .join("\n").split("\n");
  const examples = lines.filter((l) => l.length > 0).map((l) =>
    TrainingExample.parse(JSON.parse(l))
  );
  return new BatchSource(
    tokenizeExamples(tokenizer, examples, spec.seq),
    spec.batch,
    spec.seq,
    spec.seed,
  );
}

/** Build (or resume) the job's trainer with `steps` total steps. */
async function trainer(spec: JobSpec, data: BatchSource, steps: number): Promise<Stepper> {
  const ckpt = `${spec.run}/checkpoint`;
  const resume = await exists(`${ckpt}/state.json`);
  const optimizer = { lr: spec.lr, minLr: spec.lr / 10, warmupSteps: Math.min(spec.warmup, steps) };
  const run = { optimizer, batch: spec.batch, seq: spec.seq, steps, seed: spec.seed };
  if (spec.lora !== undefined) {
    if (spec.base === undefined) {
      throw new RangeError(
        `Cannot train adapter '${spec.name}' as it has no base run: current value is undefined`,
      );
    }
    const base = await loadCheckpoint(`${spec.base}/checkpoint`);
    if (resume) return await LoraTrainer.load(ckpt, data, base.weights);
    const model = base.state.config.model;
    return LoraTrainer.create({ ...run, model, lora: spec.lora }, data, base.weights);
  }
  const teacher = spec.teacher === undefined
    ? undefined
    : await loadCheckpoint(`${spec.teacher.run}/checkpoint`);
  if (resume) return LlamaTrainer.resume(await loadCheckpoint(ckpt), data, teacher?.weights);
  const vocab = Object.keys(
    JSON.parse(await Deno.readTextFile(`${spec.world}/tokenizer.json`)).model.vocab,
  ).length;
  const model = presetConfig(spec.preset, vocab, Math.max(512, spec.seq));
  const start = spec.init === undefined
    ? undefined
    : (await loadCheckpoint(`${spec.init}/checkpoint`)).weights;
  const distill = teacher === undefined || spec.teacher === undefined
    ? {}
    : { distill: { teacher: teacher.state.config.model, kl: spec.teacher.kl } };
  return LlamaTrainer.create({ ...run, model, ...distill }, data, start, teacher?.weights);
}

async function save(spec: JobSpec, t: Stepper): Promise<void> {
  const dir = `${spec.run}/checkpoint`;
  if (t instanceof LoraTrainer) await t.save(dir);
  else if (t instanceof LlamaTrainer) await saveCheckpoint(dir, await t.checkpoint());
}

/** Steps that fit `seconds`, timed on 3 steps after a compile step of a throwaway trainer. */
async function calibrate(spec: JobSpec, data: BatchSource, seconds: number): Promise<number> {
  const started = performance.now();
  const probe = await trainer({ ...spec, run: `${spec.run}/.calibration` }, data, 1000);
  await probe.trainStep();
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) await probe.trainStep();
  const stepS = (performance.now() - t0) / 3000;
  probe.dispose();
  const left = seconds - (performance.now() - started) / 1000 - 10; // 10 s for the last save
  return Math.max(1, Math.floor(left / (stepS * 1.05)));
}

/**
 * Run (or continue) a job to its end and write `done.json`; returns its result (with
 * `until`, stops early and returns the partial result without writing `done.json`).
 *
 * @example
 * ```ts
 * const result = await runJob(JobSpec.parse(spec));
 * ```
 */
export async function runJob(spec: JobSpec): Promise<JobResult> {
  const started = performance.now();
  await init("wasm");
  defaultDevice("wasm");
  await Deno.mkdir(spec.run, { recursive: true });
  const data = await source(spec);
  let steps = spec.steps;
  if (steps === undefined && !(await exists(`${spec.run}/checkpoint/state.json`))) {
    steps = await calibrate(spec, data, spec.seconds ?? 60);
  }
  const t = await trainer(spec, data, steps ?? 1);
  const total = t instanceof LlamaTrainer || t instanceof LoraTrainer ? t.config.steps : 1;
  const times: number[] = [];
  let lastSave = performance.now();
  const stop = Math.min(total, spec.until ?? total);
  // A budgeted job that runs slower than calibrated ends 8% past its budget, finished early.
  const deadline = spec.seconds === undefined ? Infinity : started + spec.seconds * 1080;
  while (t.step < stop && (t.step === 0 || performance.now() < deadline)) {
    const t0 = performance.now();
    await t.trainStep();
    times.push(performance.now() - t0);
    if (performance.now() - lastSave > spec.checkpointSeconds * 1000) {
      await save(spec, t);
      lastSave = performance.now();
    }
  }
  await save(spec, t);
  const losses = t.losses;
  const last = losses.slice(-20);
  t.dispose();
  const result: JobResult = {
    name: spec.name,
    steps: t.step,
    first_loss: losses[0] ?? Number.NaN,
    final_loss: losses.at(-1) ?? Number.NaN,
    final_loss_mean20: last.reduce((a, b) => a + b, 0) / Math.max(1, last.length),
    step_ms: Math.round(times.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, times.length - 1)),
    wall_s: Math.round((performance.now() - started) / 100) / 10,
  };
  if (t.step >= total || performance.now() >= deadline) {
    await Deno.writeTextFile(`${spec.run}/done.json`, `${JSON.stringify(result)}\n`);
  }
  return result;
}

if (import.meta.main) {
  try {
    const spec = JobSpec.parse(JSON.parse(Deno.args[0] ?? "{}"));
    console.log(JSON.stringify(await runJob(spec)));
  } catch (error) {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    Deno.exit(1);
  }
  Deno.exit(0); // jax-js' wasm backend keeps the event loop alive
}
