/**
 * `deno task lab pvg` options mapped onto PvgSettings (kebab-case flags, camelCase settings).
 *
 * @module
 */
import { defined, type LabArgs, num } from "../cli_args.ts";
import type { PvgSettingsInput } from "./pvg_settings.ts";

/** Usage line of the pvg experiment. */
export const PVG_USAGE =
  `  pvg        [--p N] [--rounds N] [--prover-steps N] [--verifier-steps N] [--prover-hidden N]
             [--verifier-hidden N] [--base-accuracy F] [--entropy-bonus F] [--seed N]`;

/** Settings from command-line options; absent options keep their defaults. */
export function pvgInput(args: LabArgs): PvgSettingsInput {
  return defined({
    p: num(args, "p"),
    rounds: num(args, "rounds"),
    proverSteps: num(args, "prover-steps"),
    verifierSteps: num(args, "verifier-steps"),
    proverHidden: num(args, "prover-hidden"),
    verifierHidden: num(args, "verifier-hidden"),
    baseAccuracy: num(args, "base-accuracy"),
    entropyBonus: num(args, "entropy-bonus"),
    seed: num(args, "seed"),
  });
}
