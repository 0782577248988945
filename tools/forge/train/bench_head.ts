/**
 * `deno run -A tools/forge/train/bench_head.ts [--steps N] [--preset target]`: times train
 * steps of the full head against the gathered head (loss positions only) on the world's
 * training data at batch 8 x 128: wall and process CPU time per step after two warm-up
 * (compile) steps, two trainers with the same seed whose steps alternate.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { defaultDevice, init } from "@jax-js/jax";
import { Tokenizer } from "@huggingface/tokenizers";
import { TrainingExample } from "../world/examples.ts";
import { BatchSource, tokenizeExamples } from "./data.ts";
import { presetConfig, type PresetName } from "./presets.ts";
import { processCpuSeconds } from "./cpu_time.ts";
import { LlamaTrainer } from "./trainer.ts";

/** Timing of one variant. */
export interface HeadTiming {
  readonly gathered: boolean;
  readonly step_ms: number;
  readonly step_cpu_ms: number;
  readonly losses: readonly number[];
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { steps: { type: "string" }, preset: { type: "string" }, world: { type: "string" } },
  });
  const steps = Number(values.steps ?? "6");
  const world = values.world ?? "models/world";
  await init("wasm");
  defaultDevice("wasm");
  const json = JSON.parse(await Deno.readTextFile(`${world}/tokenizer.json`));
  const tokenizer = new Tokenizer(
    json,
    JSON.parse(await Deno.readTextFile(`${world}/tokenizer_config.json`)),
  );
  const lines = (await Deno.readTextFile(`${world}/train.jsonl`)).split("\n").filter((l) => l);
  const stream = tokenizeExamples(
    tokenizer,
    lines.slice(0, 4000).map((l) => TrainingExample.parse(JSON.parse(l))),
  );
  const model = presetConfig(
    (values.preset ?? "target") as PresetName,
    Object.keys(json.model.vocab).length,
  );
  const trainers = [false, true].map((gathered) =>
    LlamaTrainer.create({
      model,
      optimizer: { lr: 3e-3, minLr: 3e-4, warmupSteps: 10 },
      batch: 8,
      seq: 128,
      steps: 100,
      seed: 1,
      gathered,
    }, new BatchSource(stream, 8, 128, 1))
  );
  for (const trainer of trainers) {
    await trainer.trainStep();
    await trainer.trainStep();
  }
  // Interleaved, so load from other processes falls on both variants alike.
  const wall = [0, 0];
  const cpu = [0, 0];
  for (let i = 0; i < steps; i++) {
    for (let k = 0; k < 2; k++) {
      const t0 = performance.now();
      const c0 = processCpuSeconds();
      await trainers[k]!.trainStep();
      wall[k]! += performance.now() - t0;
      cpu[k]! += 1000 * (processCpuSeconds() - c0);
    }
  }
  trainers.forEach((trainer, k) => {
    const result: HeadTiming = {
      gathered: k === 1,
      step_ms: Math.round(wall[k]! / steps),
      step_cpu_ms: Math.round(cpu[k]! / steps),
      losses: trainer.losses.map((l) => Math.round(l * 1e4) / 1e4),
    };
    trainer.dispose();
    console.log(JSON.stringify(result));
  });
  Deno.exit(0);
}
