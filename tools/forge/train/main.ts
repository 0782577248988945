/**
 * `deno task train`: trains a Llama model on the tiny world's training examples with jax-js
 * on the wasm device, with a progress bar on stderr, periodic checkpoints, resume, a wall
 * clock limit, a loss log (OUT/losses.json) and an optional ONNX export through the forge.
 *
 * @module
 */
import { defaultDevice, init } from "@jax-js/jax";
import { Tokenizer } from "@huggingface/tokenizers";
import { llamaParameterCount } from "../llama_config.ts";
import { TrainingExample } from "../world/examples.ts";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { parseTrainArgs, TRAIN_USAGE, type TrainArgs } from "./cli_args.ts";
import { BatchSource, tokenizeExamples } from "./data.ts";
import { processCpuSeconds } from "./cpu_time.ts";
import { exportModelFolder } from "./export.ts";
import { presetConfig } from "./presets.ts";
import { ProgressBar } from "./progress.ts";
import { LlamaTrainer } from "./trainer.ts";

/** One-line summary of a run. */
export interface TrainSummary {
  readonly preset: string;
  readonly parameters: number;
  readonly steps_done: number;
  readonly steps_total: number;
  readonly tokens_in_stream: number;
  readonly steps_per_epoch: number;
  readonly first_loss: number;
  readonly final_loss: number;
  /** Mean loss of the last 20 steps (or fewer). */
  readonly final_loss_mean20: number;
  /** Mean wall time of a step after the first (compile) step, in ms. */
  readonly step_ms: number;
  /** Mean CPU time of a step after the first, in ms (what a quiet machine's wall time approaches). */
  readonly step_cpu_ms: number;
  readonly first_step_ms: number;
  readonly wall_s: number;
  readonly stopped_by_time: boolean;
}

async function readExamples(path: string): Promise<TrainingExample[]> {
  const lines = (await Deno.readTextFile(path)).split("\n").filter((l) => l.length > 0);
  return lines.map((line) => TrainingExample.parse(JSON.parse(line)));
}

/**
 * Run training with parsed flags; `log` gets stdout lines, `progress` raw stderr text.
 *
 * @example
 * ```ts
 * const summary = await runTraining(parseTrainArgs(["--preset", "tiny", "--steps", "20"]));
 * ```
 */
export async function runTraining(
  args: TrainArgs,
  log: (line: string) => void = console.log,
  progress: (text: string) => void = (t) => Deno.stderr.writeSync(new TextEncoder().encode(t)),
): Promise<TrainSummary> {
  const started = performance.now();
  await init("wasm");
  defaultDevice("wasm");
  const tokenizerJson = JSON.parse(await Deno.readTextFile(`${args.world}/tokenizer.json`));
  const tokenizer = new Tokenizer(
    tokenizerJson,
    JSON.parse(await Deno.readTextFile(`${args.world}/tokenizer_config.json`)),
  );
  const vocabSize = Object.keys(tokenizerJson.model.vocab).length;
  const examples = await readExamples(`${args.world}/train.jsonl`);
  const stream = tokenizeExamples(tokenizer, examples, args.seq);
  const model = presetConfig(args.preset, vocabSize, Math.max(512, args.seq));
  const source = new BatchSource(stream, args.batch, args.seq, args.seed);
  const checkpointDir = `${args.out}/checkpoint`;
  const trainer = args.resume
    ? LlamaTrainer.resume(await loadCheckpoint(checkpointDir), source)
    : LlamaTrainer.create({
      model,
      optimizer: { lr: args.lr, minLr: args.lr / 10, warmupSteps: args.warmup },
      batch: args.batch,
      seq: args.seq,
      steps: args.steps,
      seed: args.seed,
    }, source);
  const total = trainer.config.steps;
  const bar = new ProgressBar(progress, Deno.stderr.isTerminal());
  const times: number[] = [];
  const limitMs = args.maxMinutes * 60_000;
  let stoppedByTime = false;
  let loopMs = 0;
  let loopCpu = 0;
  const stop = Math.min(total, args.until ?? total);
  while (trainer.step < stop) {
    const t0 = performance.now();
    const c0 = processCpuSeconds();
    const report = await trainer.trainStep();
    times.push(performance.now() - t0);
    if (times.length > 1) {
      loopMs += times.at(-1)!;
      loopCpu += processCpuSeconds() - c0;
    }
    const recent = trainer.losses.slice(-20);
    bar.update({
      step: report.step,
      total,
      loss: recent.reduce((a, b) => a + b, 0) / recent.length,
      lr: report.lr,
      elapsed: loopMs / 1000,
      stepsHere: Math.max(0, times.length - 1),
      tokensPerStep: args.batch * args.seq,
    });
    if (args.checkpointEvery > 0 && report.step % args.checkpointEvery === 0) {
      await saveCheckpoint(checkpointDir, await trainer.checkpoint());
    }
    if (limitMs > 0 && performance.now() - started > limitMs) {
      stoppedByTime = true;
      break;
    }
  }
  bar.done();
  await saveCheckpoint(checkpointDir, await trainer.checkpoint());
  await Deno.writeTextFile(
    `${args.out}/losses.json`,
    `${JSON.stringify({ losses: trainer.losses, step_ms_this_process: times.map(Math.round) })}\n`,
  );
  if (args.export !== undefined) {
    await exportModelFolder(args.export, {
      config: trainer.config.model,
      weights: await trainer.weights(),
      tokenizerDir: args.world,
    });
    log(`exported ${args.export}`);
  }
  const losses = trainer.losses;
  const last = losses.slice(-20);
  const summary: TrainSummary = {
    preset: args.preset,
    parameters: llamaParameterCount(trainer.config.model),
    steps_done: trainer.step,
    steps_total: total,
    tokens_in_stream: stream.tokens.length,
    steps_per_epoch: source.stepsPerEpoch,
    first_loss: losses[0] ?? Number.NaN,
    final_loss: losses.at(-1) ?? Number.NaN,
    final_loss_mean20: last.reduce((a, b) => a + b, 0) / Math.max(1, last.length),
    step_ms: times.length > 1 ? Math.round(loopMs / (times.length - 1)) : Math.round(times[0] ?? 0),
    step_cpu_ms: times.length > 1 ? Math.round((1000 * loopCpu) / (times.length - 1)) : Number.NaN,
    first_step_ms: Math.round(times[0] ?? 0),
    wall_s: Math.round((performance.now() - started) / 100) / 10,
    stopped_by_time: stoppedByTime,
  };
  trainer.dispose();
  log(
    args.json
      ? JSON.stringify(summary)
      : `trained ${summary.steps_done}/${total} steps, loss ${summary.first_loss.toFixed(3)} -> ${
        summary.final_loss_mean20.toFixed(3)
      }`,
  );
  return summary;
}

if (import.meta.main) {
  if (Deno.args.includes("--help")) {
    console.log(TRAIN_USAGE);
  } else {
    try {
      await runTraining(parseTrainArgs(Deno.args));
    } catch (error) {
      console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      Deno.exit(1);
    }
  }
  // jax-js' wasm backend keeps the event loop alive; the run is complete here.
  Deno.exit(0);
}
