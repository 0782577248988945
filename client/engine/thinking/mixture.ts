/**
 * Quiet-STaR arithmetic on one position's logits: the base distribution's entropy, the mixing
 * weight w of a step, the mixture (1 - w) base + w mean(post-thought) of logits, and drawing a
 * thought token at temperature 1.
 *
 * @module
 */
import type { Rng } from "../sampling/rng.ts";
import type { ThinkingOptions } from "./options.ts";

/** Entropy (nats) of softmax(logits) ([vocab]). */
export function entropyOf(logits: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  if (max === -Infinity) return 0;
  let z = 0, s = 0;
  for (let i = 0; i < logits.length; i++) {
    const d = logits[i]! - max;
    if (d === -Infinity) continue;
    const e = Math.exp(d);
    z += e;
    s += e * d;
  }
  return Math.log(z) - s / z;
}

/** What a row does at one step: think or not, and with which w. */
export interface StepPlan {
  readonly think: boolean;
  readonly w: number;
}

/**
 * The plan of a step from the base entropy `h` (nats) over `vocab` tokens. The entropy gate
 * rises linearly: w = max_w * clamp((h - threshold) / (ln(vocab) - threshold), 0, 1); a step
 * whose w is 0 under the gate, or whose entropy is at or below `only_above_entropy`, skips
 * thinking. A fixed w (even 0) always thinks, so its cost is real and measurable; so does the
 * mixing head, whose w (NaN in the plan) comes from the model after the thoughts.
 */
export function planStep(options: ThinkingOptions, h: number, vocab: number): StepPlan {
  if (options.onlyAboveEntropy !== undefined && h <= options.onlyAboveEntropy) {
    return { think: false, w: 0 };
  }
  if (options.w.kind === "fixed") return { think: true, w: options.w.value };
  // The head's w is read from the post-thought pass; NaN until then.
  if (options.w.kind === "head") return { think: true, w: Number.NaN };
  const { threshold, maxW } = options.w;
  const top = Math.log(vocab);
  const frac = top > threshold ? (h - threshold) / (top - threshold) : 0;
  const w = maxW * Math.min(1, Math.max(0, frac));
  return { think: w > 0, w };
}

/**
 * Mix in place: base[i] = (1 - w) base[i] + w mean_k(posts[k][i]). With w = 0, base is left
 * untouched (bit-exact, even where a post-thought logit is -Infinity).
 */
export function mixLogits(base: Float32Array, posts: readonly Float32Array[], w: number): void {
  if (w === 0 || posts.length === 0) return;
  const inv = 1 / posts.length;
  for (let i = 0; i < base.length; i++) {
    let m = 0;
    for (const p of posts) m += p[i]!;
    base[i] = (1 - w) * base[i]! + w * (m * inv);
  }
}

/**
 * Mix in place with per-thought weights (the mixing head): base[i] = mean_k((1 - w_k) base[i]
 * + w_k posts[k][i]); returns the mean w. All w_k = 0 leaves base untouched.
 */
export function mixLogitsWeighted(
  base: Float32Array,
  posts: readonly Float32Array[],
  ws: readonly number[],
): number {
  const n = posts.length;
  const meanW = n > 0 ? ws.reduce((a, b) => a + b, 0) / n : 0;
  if (meanW === 0) return 0;
  for (let i = 0; i < base.length; i++) {
    let m = 0;
    for (let k = 0; k < n; k++) m += ws[k]! * posts[k]![i]!;
    base[i] = (1 - meanW) * base[i]! + m / n;
  }
  return meanW;
}

/** Draw a token from softmax(logits) at temperature 1, never one of `banned`. */
export function sampleThoughtToken(
  logits: Float32Array,
  rng: Rng,
  banned: readonly number[],
): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    if (!banned.includes(i) && logits[i]! > max) max = logits[i]!;
  }
  const weights = new Float64Array(logits.length); // [vocab]
  let z = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = banned.includes(i) ? 0 : Math.exp(logits[i]! - max);
    weights[i] = e;
    z += e;
  }
  let u = rng.next() * z;
  let last = -1;
  for (let i = 0; i < logits.length; i++) {
    if (weights[i]! === 0) continue;
    last = i;
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return last;
}
