/**
 * `deno task train:think --base DIR --out DIR [--minutes N]`: Quiet-STaR training of a
 * trained world model on jax-js (wasm), with a progress bar (loss parts, mean w, ETA),
 * periodic checkpoints (resumed when present) and the export of the thinking model folder.
 *
 * @module
 */
import { defaultDevice, init } from "@jax-js/jax";
import { Tokenizer } from "@huggingface/tokenizers";
import { TrainingExample } from "../../world/examples.ts";
import { loadCheckpoint } from "../checkpoint.ts";
import { formatDuration } from "../progress.ts";
import { parseThinkArgs, THINK_USAGE, type ThinkArgs } from "./cli_args.ts";
import { exportThinkingFolder } from "./export.ts";
import { initMixingHead } from "./mixing_head.ts";
import { loadQsCheckpoint, saveQsCheckpoint } from "./qs_settings.ts";
import { QsTrainer } from "./qs_trainer.ts";
import { tokenizeQsExamples } from "./thought_data.ts";

const CHECKPOINT_SECONDS = 60;
const SOT = "<|startofthought|>";
const EOT = "<|endofthought|>";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function trainer(args: ThinkArgs, run: string): Promise<QsTrainer> {
  const tokenizer = new Tokenizer(
    JSON.parse(await Deno.readTextFile(`${args.world}/tokenizer.json`)),
    JSON.parse(await Deno.readTextFile(`${args.world}/tokenizer_config.json`)),
  );
  const lines = (await Deno.readTextFile(`${args.world}/train.jsonl`)).split("\n");
  const all = lines.filter((l) => l.length > 0).map((l) => TrainingExample.parse(JSON.parse(l)));
  const chosen = args.kinds === undefined ? all : all.filter((e) => args.kinds!.includes(e.kind));
  const examples = tokenizeQsExamples(tokenizer, chosen, args.seq, args.ahead);
  console.error(`${examples.length} of ${chosen.length} examples fit ${args.seq} tokens`);
  if (await exists(`${run}/state.json`)) {
    console.error(`resuming ${run}`);
    return QsTrainer.resume(await loadQsCheckpoint(run), examples);
  }
  const baseDir = (await exists(`${args.base}/checkpoint/state.json`))
    ? `${args.base}/checkpoint`
    : args.base;
  const base = await loadCheckpoint(baseDir);
  const model = base.state.config.model;
  const sot = tokenizer.token_to_id(SOT);
  const eot = tokenizer.token_to_id(EOT);
  if (sot === undefined || eot === undefined) {
    throw new RangeError(
      `Cannot train thinking as the tokenizer in '${args.world}' must have ${SOT} and ${EOT}: current value is ${sot} and ${eot}`,
    );
  }
  return QsTrainer.create(
    {
      model,
      batch: args.batch,
      seq: args.seq,
      positions: args.positions,
      k: args.k,
      t: args.t,
      ahead: args.ahead,
      // Flat rate after a short warmup: the run is bounded by time, not a step count.
      optimizer: { lr: args.lr, minLr: args.lr, warmupSteps: 5 },
      headLr: args.headLr,
      steps: args.steps ?? 1_000_000,
      seed: args.seed,
      tokens: { sot, eot, pad: model.pad_token_id },
    },
    examples,
    base.weights,
    initMixingHead(model.hidden_size, args.seed),
  );
}

/** Run the CLI. */
export async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(THINK_USAGE);
    return;
  }
  const args = parseThinkArgs(argv);
  const run = args.run ?? `${args.out}.run`;
  await init("wasm");
  defaultDevice("wasm");
  const t = await trainer(args, run);
  const started = performance.now();
  const budget = args.minutes * 60_000 - 15_000; // leave time for the save and export
  const stop = args.steps ?? Infinity;
  let lastSave = performance.now();
  let here = 0;
  const tty = Deno.stderr.isTerminal();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  while (t.step < stop && (here === 0 || performance.now() - started < budget)) {
    const s = await t.trainStep();
    here++;
    const elapsed = performance.now() - started;
    const recent = t.history.slice(-20);
    const frac = Math.min(1, elapsed / budget);
    const bar = "#".repeat(Math.round(20 * frac)).padEnd(20);
    const line = `step ${s.step} [${bar}] loss ${mean(recent.map((h) => h.loss)).toFixed(4)} ` +
      `base ${mean(recent.map((h) => h.baseNll)).toFixed(3)} mixed ${
        mean(recent.map((h) => h.mixedNll)).toFixed(3)
      } gain ${mean(recent.map((h) => h.gain)).toFixed(4)} w ${s.meanW.toFixed(3)} ` +
      `${(elapsed / here / 1000).toFixed(1)} s/step ETA ${
        formatDuration((budget - elapsed) / 1000)
      }`;
    Deno.stderr.writeSync(new TextEncoder().encode(tty ? `\r${line}\x1b[K` : `${line}\n`));
    if (performance.now() - lastSave > CHECKPOINT_SECONDS * 1000) {
      await saveQsCheckpoint(run, await t.checkpoint());
      lastSave = performance.now();
    }
  }
  if (tty) console.error("");
  await saveQsCheckpoint(run, await t.checkpoint());
  const { weights, head } = await t.weights();
  const { k, t: thoughtTokens } = t.settings;
  await exportThinkingFolder(
    args.out,
    { config: t.settings.model, weights, head, trained: { k, t: thoughtTokens, steps: t.step } },
    args.world,
  );
  const h = t.history;
  console.log(JSON.stringify({
    steps: t.step,
    first: h[0],
    last: h.at(-1),
    last20: {
      loss: mean(h.slice(-20).map((x) => x.loss)),
      baseNll: mean(h.slice(-20).map((x) => x.baseNll)),
      mixedNll: mean(h.slice(-20).map((x) => x.mixedNll)),
      gain: mean(h.slice(-20).map((x) => x.gain)),
      meanW: mean(h.slice(-20).map((x) => x.meanW)),
    },
    out: args.out,
    run,
  }));
  t.dispose();
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    Deno.exit(1);
  }
  Deno.exit(0); // jax-js' wasm backend keeps the event loop alive
}
