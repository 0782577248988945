/**
 * Which plots each experiment shows and which live series feed them. A plot draws one line per
 * (matching series, y key); x and y are keys of the points the experiment reports. Pure.
 *
 * @module
 */
import type { LabExperimentName } from "../../lab/experiments.ts";

/** One plot of live series points. */
export interface PlotSpec {
  /** Stable id, used in the PNG file name. */
  readonly id: string;
  readonly title: string;
  /** Series name, or a pattern matching several (one line each, e.g. "chain 0", "chain 1"). */
  readonly series: string | RegExp;
  readonly x: string;
  readonly xLabel: string;
  /** y keys and their legend labels. */
  readonly y: readonly { readonly key: string; readonly label: string }[];
  readonly logX?: boolean;
  readonly logY?: boolean;
}

const CHECKPOINT_PLOTS: readonly PlotSpec[] = [
  {
    id: "llc",
    title: "Local learning coefficient",
    series: "checkpoints",
    x: "step",
    xLabel: "step",
    y: [{ key: "llc_mean", label: "LLC" }],
  },
  {
    id: "accuracy",
    title: "Accuracy",
    series: "checkpoints",
    x: "step",
    xLabel: "step",
    y: [{ key: "train_acc", label: "train" }, { key: "test_acc", label: "test" }],
  },
  {
    id: "weight_norm",
    title: "Weight norm",
    series: "checkpoints",
    x: "step",
    xLabel: "step",
    y: [{ key: "weight_norm", label: "||w||" }],
  },
];

/** Plots by experiment; an experiment without an entry gets {@link genericSpec} per series. */
export const PLOT_SPECS: Readonly<Partial<Record<LabExperimentName, readonly PlotSpec[]>>> = {
  grokking: [
    {
      id: "loss",
      title: "Loss",
      series: "train",
      x: "step",
      xLabel: "step",
      y: [{ key: "train_loss", label: "train" }, { key: "test_loss", label: "test" }],
      logY: true,
    },
    {
      id: "accuracy",
      title: "Accuracy",
      series: "train",
      x: "step",
      xLabel: "step",
      y: [{ key: "train_acc", label: "train" }, { key: "test_acc", label: "test" }],
    },
    {
      id: "weight_norm",
      title: "Weight norm",
      series: "train",
      x: "step",
      xLabel: "step",
      y: [{ key: "weight_norm", label: "||w||" }],
    },
  ],
  emergence: CHECKPOINT_PLOTS,
  llc: [
    {
      id: "sgld_trace",
      title: "SGLD loss trace per chain",
      series: /^chain \d+$/,
      x: "step",
      xLabel: "draw",
      y: [{ key: "loss", label: "loss" }],
    },
  ],
  llc_table: [
    {
      id: "llc_vs_truth",
      title: "LLC estimate vs truth per model",
      series: "table",
      x: "index",
      xLabel: "model",
      y: [{ key: "truth", label: "truth" }, { key: "llc_mean", label: "estimate" }],
    },
  ],
  pvg: [
    {
      id: "pvg_verifier",
      title: "Verifier per round: completeness and soundness",
      series: "rounds",
      x: "round",
      xLabel: "round",
      y: [
        { key: "completeness", label: "completeness" },
        { key: "soundness", label: "soundness" },
        { key: "soundness_start", label: "soundness at start" },
      ],
    },
    {
      id: "pvg_provers",
      title: "Provers per round: accuracy and sneaky success",
      series: "rounds",
      x: "round",
      xLabel: "round",
      y: [
        { key: "helpful_accuracy", label: "helpful accuracy" },
        { key: "sneaky_accuracy", label: "sneaky accuracy" },
        { key: "sneaky_success", label: "sneaky success" },
      ],
    },
    {
      id: "pvg_rewards",
      title: "SRC reward per prover step",
      series: "prover_training",
      x: "step",
      xLabel: "prover step",
      y: [
        { key: "helpful_reward", label: "helpful" },
        { key: "sneaky_reward", label: "sneaky" },
      ],
    },
  ],
  ntk: [
    {
      id: "width_error",
      title: "Empirical vs analytic NTK: relative error vs width",
      series: "width_errors",
      x: "width",
      xLabel: "width",
      y: [{ key: "mean", label: "relative Frobenius error" }],
      logX: true,
      logY: true,
    },
    {
      id: "learning_curve",
      title: "Kernel regression: test error vs n",
      series: "learning_curve",
      x: "n",
      xLabel: "training points n",
      y: [{ key: "test_error", label: "measured" }, { key: "predicted", label: "eigenlearning" }],
      logX: true,
      logY: true,
    },
  ],
};

/** Whether a series name feeds a plot. */
export function specMatches(spec: PlotSpec, series: string): boolean {
  return typeof spec.series === "string" ? spec.series === series : spec.series.test(series);
}

/**
 * A plot for a series no spec covers: x is its "step" key when it has one (else its first key),
 * every other key is a line.
 */
export function genericSpec(series: string, point: Record<string, number>): PlotSpec {
  const keys = Object.keys(point);
  const x = keys.includes("step") ? "step" : keys[0] ?? "index";
  return {
    id: series.replace(/[^A-Za-z0-9_-]+/g, "_"),
    title: series,
    series,
    x,
    xLabel: x,
    y: keys.filter((k) => k !== x).map((k) => ({ key: k, label: k })),
  };
}
