/**
 * The engine-wide measured costs of speculative rounds: draft step time and target pass time
 * per width, smoothed by medians, giving c and the verify-pass cost r(w) of the optimal gamma.
 *
 * @module
 */

/** c before any measurement. */
export const COST_RATIO_PRIOR = 0.5;
/** Observations each median window keeps. */
export const COST_WINDOW = 9;
/** Rounds after which the 1-token target step time is measured again (a calibration round). */
export const CALIBRATION_EVERY = 64;

/** The median of the last {@link COST_WINDOW} observations: robust to timing spikes. */
class MedianWindow {
  readonly #values: number[] = [];
  #next = 0;

  add(x: number): void {
    if (this.#values.length < COST_WINDOW) this.#values.push(x);
    else this.#values[this.#next] = x;
    this.#next = (this.#next + 1) % COST_WINDOW;
  }

  get median(): number | undefined {
    if (this.#values.length === 0) return undefined;
    const sorted = [...this.#values].sort((a, b) => a - b);
    return sorted[sorted.length >> 1];
  }
}

/**
 * Engine-wide measured costs, smoothed over rounds by medians: the draft step time, the target
 * pass time per width (tokens per row), hence c = draft step / 1-token target step and
 * r(w) = w-token target pass / 1-token target step. Widths not yet measured are interpolated
 * linearly from the nearest measured width (r = 1 before any).
 */
export class CostModel {
  readonly #draft = new MedianWindow();
  readonly #target = new Map<number, MedianWindow>();
  #rounds = 0;
  #lastPlain = -Infinity;

  /**
   * Record one round: the target pass width (1 + largest gamma) and time, and the draft
   * phase's steps and time (0 when it did not run).
   */
  observe(width: number, targetMs: number, draftSteps: number, draftMs: number): void {
    this.#rounds++;
    if (width === 1) this.#lastPlain = this.#rounds;
    if (targetMs > 0) {
      let w = this.#target.get(width);
      if (w === undefined) this.#target.set(width, w = new MedianWindow());
      w.add(targetMs);
    }
    if (draftSteps > 0 && draftMs > 0) this.#draft.add(draftMs / draftSteps);
  }

  /** True when the 1-token target step time is unknown or stale: the next round should be plain. */
  get calibrationDue(): boolean {
    return this.#rounds - this.#lastPlain >= CALIBRATION_EVERY;
  }

  /** A due calibration round could not run (a fixed-gamma row proposed): retry later. */
  deferCalibration(): void {
    this.#lastPlain = this.#rounds;
  }

  /** Draft step time over 1-token target step time ({@link COST_RATIO_PRIOR} until both are measured). */
  get c(): number {
    const d = this.#draft.median, t = this.#target.get(1)?.median;
    return d !== undefined && t !== undefined && t > 0 ? d / t : COST_RATIO_PRIOR;
  }

  /** r(width): the target pass over `width` tokens per row, in 1-token target steps. */
  verifyCost(width: number): number {
    const t1 = this.#target.get(1)?.median;
    if (t1 === undefined || !(t1 > 0) || width <= 1) return 1;
    const exact = this.#target.get(width)?.median;
    if (exact !== undefined) return exact / t1;
    let near = 0, nearT = 0;
    for (const [w, win] of this.#target) {
      const m = win.median;
      if (
        w > 1 && m !== undefined && (near === 0 || Math.abs(w - width) < Math.abs(near - width))
      ) {
        near = w;
        nearT = m;
      }
    }
    return near === 0 ? 1 : 1 + ((width - 1) * (nearT / t1 - 1)) / (near - 1);
  }
}
