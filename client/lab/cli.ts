/**
 * Maps `deno task lab` arguments onto the experiments and renders their results. Pure apart from
 * running the chosen experiment; tools/lab.ts owns stdout, stderr and the exit code.
 *
 * @module
 */
import { defined, type LabArgs, num, nums, str } from "./cli_args.ts";
import { runEmergence } from "./emergence.ts";
import { LabSettingsError } from "./errors.ts";
import type { RunOptions } from "./experiment.ts";
import { resolveGrokkingSettings, runGrokking } from "./grokking.ts";
import type { GrokkingSettingsInput } from "./grokking_settings.ts";
import { LLC_SGLD_DEFAULTS, parseLlcSettings, runLlc } from "./llc/llc_experiment.ts";
import { sweepLlc } from "./llc/llc_sweep.ts";
import { runLlcTable } from "./llc/llc_table.ts";
import { runNtk } from "./ntk/ntk_experiment.ts";
import { PVG_USAGE, pvgInput } from "./pvg/pvg_cli.ts";
import { runPvg } from "./pvg/pvg_experiment.ts";

/** Usage text. */
export const LAB_USAGE = `usage: deno task lab <experiment> [--json] [options]
  grokking   [--preset quick|gromov|nanda] [--p N] [--op add|sub|mul] [--train-fraction F]
             [--width N] [--lr F] [--wd F] [--steps N] [--eval-every N] [--seed N]
  llc        --model dln --widths 5,3,5 --rank 0 | --model poly --powers 1,2
             [--n N] [--noise F] [--center trained|truth] [--eps F] [--gamma F] [--nbeta F]
             [--chains N] [--draws N] [--burn-in N] [--seed N]
             [--sweep-eps a,b --sweep-nbeta c,d] | [--table]
  emergence  [--steps N] [--checkpoint-every N] [--draws N] [--chains N] [--eps F] [--gamma F]
  ntk        [--widths 64,128,..] [--seeds N] [--depth N] [--input-dim N] [--population M]
             [--train-sizes 8,16,..] [--trials N] [--target-power G] [--seed N]
${PVG_USAGE}
  common     [--device auto|wasm|webgpu|cpu] [--json]`;

function grokkingInput(args: LabArgs): GrokkingSettingsInput {
  const preset = str(args, "preset") ?? "quick";
  const base = resolveGrokkingSettings({ preset });
  const opt = base.optimizer;
  const width = num(args, "width");
  return {
    ...base,
    ...defined({
      p: num(args, "p"),
      op: str(args, "op") as GrokkingSettingsInput["op"],
      trainFraction: num(args, "train-fraction"),
      steps: num(args, "steps"),
      evalEvery: num(args, "eval-every"),
      seed: num(args, "seed"),
      batchSize: num(args, "batch-size"),
    }),
    model: base.model.kind === "mlp" && width !== undefined ? { ...base.model, width } : base.model,
    optimizer: {
      ...opt,
      ...defined({ lr: num(args, "lr"), weightDecay: num(args, "wd") }),
    },
  };
}

function sgldInput(args: LabArgs) {
  return defined({
    eps: num(args, "eps"),
    gamma: num(args, "gamma"),
    nbeta: num(args, "nbeta"),
    chains: num(args, "chains"),
    steps: num(args, "draws"),
    burnIn: num(args, "burn-in"),
    seed: num(args, "seed"),
  });
}

function llcBase(args: LabArgs) {
  return defined({
    n: num(args, "n"),
    noise: num(args, "noise"),
    center: str(args, "center") as "trained" | "truth" | undefined,
    sgld: sgldInput(args),
  });
}

function llcModel(args: LabArgs) {
  const kind = str(args, "model") ?? "dln";
  if (kind === "dln") {
    return {
      kind,
      widths: nums(args, "widths") ?? [5, 3, 5],
      rank: num(args, "rank") ?? 0,
    } as const;
  }
  if (kind === "poly") return { kind, powers: nums(args, "powers") ?? [1, 2] } as const;
  throw new LabSettingsError(
    `Cannot run llc as '--model' must be one of "dln", "poly": current value is "${kind}"`,
  );
}

/** Run the experiment named in `args`; resolves to its JSON-serialisable result. */
export async function runFromArgs(
  args: LabArgs,
  options: RunOptions,
): Promise<Record<string, unknown>> {
  switch (args.experiment) {
    case "grokking":
      return await runGrokking(grokkingInput(args), options);
    case "llc": {
      if (args.flags.has("table")) return await runLlcTable(llcBase(args), undefined, options);
      const sweepEps = nums(args, "sweep-eps");
      const sweepNbeta = nums(args, "sweep-nbeta");
      if (sweepEps || sweepNbeta) {
        const s = parseLlcSettings({ ...llcBase(args), model: llcModel(args) });
        const eps = s.sgld.eps ?? LLC_SGLD_DEFAULTS[s.model.kind].eps;
        const nbeta = s.sgld.nbeta ?? s.n / Math.log(s.n);
        return await sweepLlc(s, sweepEps ?? [eps], sweepNbeta ?? [nbeta], options);
      }
      return await runLlc({ ...llcBase(args), model: llcModel(args) }, options);
    }
    case "emergence": {
      const grokking = { ...grokkingInput(args), afterGrokSteps: num(args, "after-grok") ?? 300 };
      return await runEmergence({
        grokking,
        ...defined({ checkpointEvery: num(args, "checkpoint-every") }),
        sgld: sgldInput(args),
      }, options);
    }
    case "ntk":
      return await runNtk(
        defined({
          widths: nums(args, "widths"),
          seeds: num(args, "seeds"),
          inputDim: num(args, "input-dim"),
          population: num(args, "population"),
          trainSizes: nums(args, "train-sizes"),
          trials: num(args, "trials"),
          targetPower: num(args, "target-power"),
          seed: num(args, "seed"),
          network: num(args, "depth") === undefined
            ? undefined
            : { depth: num(args, "depth")!, sw: Math.SQRT2, sb: 0.1 },
        }),
        options,
      );
    case "pvg":
      return await runPvg(pvgInput(args), options);
    default:
      throw new LabSettingsError(
        `Cannot run the lab as the experiment must be one of "grokking", "llc", "emergence", "ntk", "pvg": current value is "${args.experiment}"`,
      );
  }
}
