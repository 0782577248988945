/**
 * Reading an emergence run: where the LLC trajectory turns, where test accuracy starts to jump,
 * and which comes first.
 *
 * @module
 */

/** The points the analysis needs from each checkpoint. */
export type EmergencePoint = { step: number; llc_mean: number; test_acc: number };

/** Turning points and the verdict. */
export type EmergenceAnalysis = {
  /** Checkpoint with the largest LLC. */
  llc_peak_step: number | null;
  llc_peak: number | null;
  /** First checkpoint after the peak where the LLC has fallen by a quarter of its rise. */
  llc_fall_step: number | null;
  /** First checkpoint with test accuracy >= 10 points above its starting value. */
  test_jump_onset_step: number | null;
  /** First checkpoint with test accuracy >= 50%. */
  test_half_step: number | null;
  /** "before": the LLC turns before test accuracy starts to rise; "as": while it rises; "after". */
  verdict: "before" | "as" | "after" | "undetermined";
  summary: string;
};

/** Compare the LLC's turning point with the test-accuracy jump. */
export function analyzeEmergence(
  points: EmergencePoint[],
  memorizationStep: number | null,
  grokStep: number | null,
): EmergenceAnalysis {
  const none: EmergenceAnalysis = {
    llc_peak_step: null,
    llc_peak: null,
    llc_fall_step: null,
    test_jump_onset_step: null,
    test_half_step: null,
    verdict: "undetermined",
    summary: "Too few checkpoints to analyse.",
  };
  if (points.length < 3) return none;
  let peak = points[0]!;
  for (const p of points) if (p.llc_mean > peak.llc_mean) peak = p;
  const first = points[0]!;
  const rise = peak.llc_mean - first.llc_mean;
  const fall = points.find((p) => p.step > peak.step && p.llc_mean <= peak.llc_mean - rise / 4);
  const onset = points.find((p) => p.test_acc >= first.test_acc + 0.1);
  const half = points.find((p) => p.test_acc >= 0.5);
  let verdict: EmergenceAnalysis["verdict"] = "undetermined";
  if (onset !== undefined) {
    const end = grokStep ?? half?.step ?? onset.step;
    if (peak.step < onset.step) verdict = "before";
    else if (peak.step <= end) verdict = "as";
    else verdict = "after";
  }
  const summary = `LLC peaks at step ${peak.step} (${peak.llc_mean.toFixed(2)})` +
    (fall ? ` and falls by a quarter of its rise by step ${fall.step}` : "") +
    `; memorisation at ${memorizationStep ?? "n/a"}, test accuracy rises from step ${
      onset?.step ?? "n/a"
    }, reaches 50% at ${half?.step ?? "n/a"} and groks at ${grokStep ?? "n/a"}: ` +
    `the LLC turns ${verdict} the jump.`;
  return {
    llc_peak_step: peak.step,
    llc_peak: peak.llc_mean,
    llc_fall_step: fall?.step ?? null,
    test_jump_onset_step: onset?.step ?? null,
    test_half_step: half?.step ?? null,
    verdict,
    summary,
  };
}
