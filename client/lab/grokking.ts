/**
 * The grokking experiment: train a modular-arithmetic model, record train/test loss and
 * accuracy and the weight norm over time, and detect the memorisation step (train accuracy >=
 * 99%) and the grokking step (test accuracy >= 95%).
 *
 * @module
 */
import { defaultDevice, type numpy as np } from "@jax-js/jax";
import { scalarToHost } from "./device.ts";
import { LabSettingsError } from "./errors.ts";
import { report, type RunOptions, throwIfAborted, yieldToEventLoop } from "./experiment.ts";
import {
  GROKKING_PRESETS,
  GrokkingPresetName,
  GrokkingSettings,
  type GrokkingSettingsInput,
} from "./grokking_settings.ts";
import { buildGrokkingTask, disposeGrokkingTask, type GrokkingTask } from "./grokking_task.ts";
import { makeModularSplit } from "./modular_data.ts";
import { paramCount, type Params } from "./params.ts";
import { createRng } from "./rng.ts";
import { type LossFn, Trainer } from "./trainer.ts";

/** One evaluation point of a run. */
export type GrokkingPoint = {
  step: number;
  train_loss: number;
  test_loss: number;
  train_acc: number;
  test_acc: number;
  weight_norm: number;
};

/** Series of a run, one array per metric (columnar keeps the JSON small). */
export type GrokkingSeries = { [K in keyof GrokkingPoint]: number[] };

/** Result of a grokking run (JSON-serialisable). */
export type GrokkingResult = {
  experiment: "grokking";
  memorization_step: number | null;
  grok_step: number | null;
  /** grok_step / memorization_step. */
  delay_ratio: number | null;
  steps_run: number;
  wall_seconds: number;
  param_count: number;
  train_fraction: number;
  device: string;
  settings: GrokkingSettings;
  series: GrokkingSeries;
};

/** What an evaluation hook sees: the point, the current weights, the loss and training rows. */
export type GrokkingEvalContext = {
  point: GrokkingPoint;
  /** New references to the current parameters; the hook disposes them. */
  params: () => Params;
  /** Mean training loss on a batch (traceable). */
  loss: LossFn;
  /** Training rows (owned by the run: take `.ref` to keep them) and their count. */
  train: { x: np.Array; y: np.Array; n: number };
};

/** Hooks into a grokking run (the emergence experiment measures the LLC here). */
export type GrokkingHooks = { onEval?: (context: GrokkingEvalContext) => Promise<void> };

/** Parse settings, or a preset name with overrides, into full settings. */
export function resolveGrokkingSettings(
  input: GrokkingSettingsInput | { preset: string; overrides?: Partial<GrokkingSettingsInput> },
): GrokkingSettings {
  let raw: unknown = input;
  if ("preset" in input) {
    const name = GrokkingPresetName.safeParse(input.preset);
    if (!name.success) {
      throw new LabSettingsError(
        `Cannot run grokking as 'preset' must be one of ${
          GrokkingPresetName.options.map((o) => `"${o}"`).join(", ")
        }: current value is "${input.preset}"`,
      );
    }
    raw = { ...GROKKING_PRESETS[name.data], ...input.overrides };
  }
  const parsed = GrokkingSettings.safeParse(raw);
  if (!parsed.success) {
    throw new LabSettingsError(`Cannot run grokking: ${parsed.error.message}`);
  }
  return parsed.data;
}

async function evaluate(
  task: GrokkingTask,
  trainer: Trainer,
  step: number,
): Promise<GrokkingPoint> {
  const sums = async (rows: GrokkingTask["train"]): Promise<[number, number]> => {
    const [l, c] = task.evaluate(trainer.params(), rows.x.ref, rows.y.ref, rows.w.ref);
    return [(await scalarToHost(l)) / rows.count, (await scalarToHost(c)) / rows.count];
  };
  const [trainLoss, trainAcc] = await sums(task.train);
  const [testLoss, testAcc] = await sums(task.test);
  const norm = await scalarToHost(task.norm(trainer.params()));
  return {
    step,
    train_loss: trainLoss,
    test_loss: testLoss,
    train_acc: trainAcc,
    test_acc: testAcc,
    weight_norm: norm,
  };
}

/**
 * Run grokking. Settings are validated with zod; the promise rejects with LabAbortedError when
 * `options.signal` fires.
 *
 * @example
 * ```ts
 * const r = await runGrokking(resolveGrokkingSettings({ preset: "quick" }));
 * r.grok_step! / r.memorization_step!; // the delay
 * ```
 */
export async function runGrokking(
  input: GrokkingSettingsInput,
  options: RunOptions = {},
  hooks: GrokkingHooks = {},
): Promise<GrokkingResult> {
  const s = resolveGrokkingSettings(input);
  const start = performance.now();
  const rng = createRng(s.seed);
  const split = makeModularSplit(s.p, s.op, s.trainFraction, rng);
  const task = buildGrokkingTask(s, split, rng);
  const count = paramCount(task.params);
  const trainer = new Trainer({
    loss: task.loss,
    optimizer: s.optimizer,
    params: task.params,
    data: { x: task.train.x.ref, y: task.train.y.ref },
    batchSize: s.batchSize,
    rng,
  });
  const series: GrokkingSeries = {
    step: [],
    train_loss: [],
    test_loss: [],
    train_acc: [],
    test_acc: [],
    weight_norm: [],
  };
  let memorization: number | null = null;
  let grok: number | null = null;
  try {
    for (let step = 0; step <= s.steps; step++) {
      if (step > 0) trainer.step().dispose();
      if (step % s.evalEvery !== 0 && step !== s.steps) {
        if (step % 25 === 0) await trainer.settle(); // see Trainer.settle
        continue;
      }
      throwIfAborted(options.signal);
      const point = await evaluate(task, trainer, step);
      for (const key of Object.keys(series) as (keyof GrokkingPoint)[]) {
        series[key].push(point[key]);
      }
      if (memorization === null && point.train_acc >= s.memorizeAt) memorization = step;
      if (grok === null && point.test_acc >= s.grokAt) grok = step;
      await hooks.onEval?.({
        point,
        params: () => trainer.params(),
        loss: task.loss,
        train: { x: task.train.x, y: task.train.y, n: task.train.count },
      });
      report(options, {
        fraction: step / s.steps,
        message: `step ${step} / ${s.steps}`,
        series: "train",
        point,
      });
      await yieldToEventLoop();
      if (grok !== null && step >= grok + s.afterGrokSteps) break;
    }
  } finally {
    trainer.dispose();
    disposeGrokkingTask(task);
  }
  return {
    experiment: "grokking",
    memorization_step: memorization,
    grok_step: grok,
    delay_ratio: grok !== null && memorization !== null && memorization > 0
      ? grok / memorization
      : null,
    steps_run: series.step[series.step.length - 1] ?? 0,
    wall_seconds: (performance.now() - start) / 1000,
    param_count: count,
    train_fraction: split.trainFraction,
    device: defaultDevice(),
    settings: s,
    series,
  };
}
