/**
 * Human-readable summaries of lab results for the terminal (`deno task lab` without --json).
 *
 * @module
 */

function fmt(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (v === null || v === undefined) return "n/a";
  return String(v);
}

function table(rows: Record<string, unknown>[], keys: string[]): string {
  const cells = [keys, ...rows.map((r) => keys.map((k) => fmt(r[k])))];
  const widths = keys.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c) => c.map((v, i) => v.padEnd(widths[i]!)).join("  ")).join("\n");
}

/** A few lines describing `result`, whatever experiment produced it. */
export function summarizeResult(result: Record<string, unknown>): string {
  const r = result;
  switch (r.experiment) {
    case "grokking":
      return `memorization_step ${fmt(r.memorization_step)}, grok_step ${fmt(r.grok_step)}, ` +
        `delay ratio ${fmt(r.delay_ratio)}, ${fmt(r.steps_run)} steps in ${
          fmt(r.wall_seconds)
        } s ` +
        `(${fmt(r.param_count)} parameters, train fraction ${fmt(r.train_fraction)}, ${
          fmt(r.device)
        })`;
    case "llc": {
      const e = r.estimate as Record<string, unknown>;
      return `LLC ${fmt(r.llc_mean)} ± ${fmt(r.llc_std)} vs truth ${fmt(r.truth)} ` +
        `(relative error ${fmt(r.relative_error)}), nbeta ${fmt(r.nbeta)}, ` +
        `MALA acceptance ${fmt(e.mala_acceptance)}, draws below L(w*) ${
          fmt(e.fraction_below_init)
        }`;
    }
    case "llc_table":
      return table(r.rows as Record<string, unknown>[], [
        "model",
        "truth",
        "llc_mean",
        "llc_std",
        "relative_error",
        "nbeta",
        "mala_acceptance",
        "fraction_below_init",
      ]);
    case "llc_sweep":
      return `truth ${fmt(r.truth)}\n` + table(r.cells as Record<string, unknown>[], [
        "eps",
        "nbeta",
        "llc_mean",
        "llc_std",
        "mala_acceptance",
        "fraction_below_init",
      ]);
    case "emergence":
      return table(r.checkpoints as Record<string, unknown>[], [
        "step",
        "llc_mean",
        "llc_std",
        "train_acc",
        "test_acc",
        "test_loss",
        "weight_norm",
      ]) + `\n${(r.analysis as { summary: string }).summary}`;
    case "ntk":
      return `width slope ${fmt(r.width_slope)} (expected -0.5), spectrum exponent ` +
        `${fmt(r.spectrum_exponent)} (sphere theory ${fmt(r.spectrum_exponent_theory)}), ` +
        `learning-curve exponent measured ${fmt(r.curve_exponent)}, eigenlearning ` +
        `${fmt(r.curve_exponent_predicted)}, theory ${fmt(r.curve_exponent_theory)}\n` +
        table(r.curves as Record<string, unknown>[], ["n", "test_error", "predicted"]);
    case "pvg":
      return table(r.rounds as Record<string, unknown>[], [
        "round",
        "completeness",
        "soundness",
        "helpful_accuracy",
        "sneaky_accuracy",
        "sneaky_success",
        "soundness_start",
        "verifier_accuracy",
      ]) + `\n${fmt(r.wall_seconds)} s on ${fmt(r.device)}`;
    default:
      return JSON.stringify(r);
  }
}
