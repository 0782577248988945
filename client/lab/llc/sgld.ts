/**
 * The SGLD estimator of the local learning coefficient (Lau et al. 2023, as in anchors.md):
 *
 *   lambda_hat = n beta (mean over draws of L_n(w_t) - L_n(w*)),   beta = 1/log n by default,
 *
 * with several chains run in lockstep (one vmapped kernel), n beta recorded with every estimate,
 * and diagnostics: per-chain loss traces, the fraction of draws below L_n(w*), and the mean MALA
 * acceptance probability of the SGLD proposals.
 *
 * @module
 */
import { jit, numpy as np, random } from "@jax-js/jax";
import { z } from "zod";
import { toHost } from "../device.ts";
import { LabNumericsError, LabSettingsError } from "../errors.ts";
import { report, type RunOptions, throwIfAborted, yieldToEventLoop } from "../experiment.ts";
import { disposeParams, mapParams, type Params } from "../params.ts";
import { createRng } from "../rng.ts";
import type { LossFn } from "../trainer.ts";
import { makeSgldStep, makeSgldStepWithAcceptance } from "./sgld_step.ts";

/** Sampler settings. */
export const SgldSettings = z.object({
  /** Step size. */
  eps: z.number().positive().default(1e-4),
  /** Localisation strength. */
  gamma: z.number().nonnegative().default(100),
  /** Inverse temperature times n; omitted means n / log n (beta = 1/log n). */
  nbeta: z.number().positive().optional(),
  chains: z.number().int().positive().default(4),
  /** Draws per chain. */
  steps: z.number().int().positive().default(1000),
  /** Leading draws left out of the estimate (still traced). */
  burnIn: z.number().int().nonnegative().default(0),
  /** Rows per gradient; omitted means full batch. */
  batchSize: z.number().int().positive().optional(),
  /** Score the MALA acceptance every this many steps (0 never); it costs a second gradient. */
  acceptanceEvery: z.number().int().nonnegative().default(1),
  /** Keep every this-many-th draw in the returned loss traces. */
  traceEvery: z.number().int().positive().default(10),
  seed: z.number().int().default(0),
});
/** Sampler settings. */
export type SgldSettings = z.infer<typeof SgldSettings>;
/** Sampler settings as written by a caller. */
export type SgldSettingsInput = z.input<typeof SgldSettings>;

/** What to sample: a loss on rows, a centre w*, the data and its size n. */
export type LlcTarget = {
  /** Mean loss of ONE chain's parameters on a batch (traceable). */
  loss: LossFn;
  /** w* (not consumed). */
  center: Params;
  /** Rows (x, y); minibatches index axis 0 (not consumed). */
  data: { x: np.Array; y: np.Array };
  /** Dataset size n. */
  n: number;
};

/** An LLC estimate with its diagnostics (JSON-serialisable). */
export type LlcEstimate = {
  llc_mean: number;
  llc_std: number;
  llc_chains: number[];
  nbeta: number;
  n: number;
  eps: number;
  gamma: number;
  /** L_n(w*). */
  init_loss: number;
  /** Fraction of draws (all chains, after burn-in) with batch loss below L_n(w*). */
  fraction_below_init: number;
  /** Mean MALA acceptance probability per chain (null when never scored). */
  mala_acceptance: number | null;
  mala_acceptance_chains: number[] | null;
  trace_steps: number[];
  /** loss_traces[chain][k] is the batch loss at trace_steps[k]. */
  loss_traces: number[][];
  steps: number;
  chains: number;
  wall_seconds: number;
};

function stackChains(center: Params, chains: number): Params {
  return mapParams({ ...center }, (p) => np.broadcastTo(p.ref, [chains, ...p.shape]));
}

/** Run the chains and return the estimate. */
export async function estimateLlc(
  target: LlcTarget,
  input: SgldSettingsInput = {},
  options: RunOptions = {},
): Promise<LlcEstimate> {
  const parsed = SgldSettings.safeParse(input);
  if (!parsed.success) {
    throw new LabSettingsError(`Cannot estimate the LLC: ${parsed.error.message}`);
  }
  const s = parsed.data;
  if (s.burnIn >= s.steps) {
    throw new LabSettingsError(
      `Cannot estimate the LLC as 'burnIn' must be below 'steps' (${s.steps}): current value is ${s.burnIn}`,
    );
  }
  const start = performance.now();
  const nbeta = s.nbeta ?? target.n / Math.log(target.n);
  const k = { eps: s.eps, gamma: s.gamma, nbeta };
  const plain = makeSgldStep(k, target.loss);
  const scored = makeSgldStepWithAcceptance(k, target.loss);
  const fullLoss = jit((w: Params, x: np.Array, y: np.Array) => target.loss(w, x, y));
  const rng = createRng(s.seed);
  const rows = target.data.x.shape[0]!;
  const batch = Math.min(s.batchSize ?? rows, rows);
  const initLoss = (await toHost(
    fullLoss(mapParams({ ...target.center }, (p) => p.ref), target.data.x.ref, target.data.y.ref),
  ))[0]!;
  let w = stackChains(target.center, s.chains);
  const sums = new Float64Array(s.chains);
  const acc = new Float64Array(s.chains);
  let below = 0;
  let scoredSteps = 0;
  const traceSteps: number[] = [];
  const traces: number[][] = Array.from({ length: s.chains }, () => []);
  const pending: { t: number; loss: np.Array; accept: np.Array | null }[] = [];
  const flush = async () => {
    for (const item of pending.splice(0)) {
      const l = await toHost(item.loss);
      const a = item.accept ? await toHost(item.accept) : null;
      for (let c = 0; c < s.chains; c++) {
        const v = l[c]!;
        if (!Number.isFinite(v)) {
          throw new LabNumericsError(`SGLD diverged at step ${item.t} (chain ${c}); lower eps`);
        }
        if (item.t >= s.burnIn) {
          sums[c] = sums[c]! + v;
          if (v < initLoss) below++;
        }
        if (item.t % s.traceEvery === 0) traces[c]!.push(v);
        if (a) acc[c] = acc[c]! + a[c]!;
      }
      if (a) scoredSteps++;
      if (item.t % s.traceEvery === 0) traceSteps.push(item.t);
    }
  };
  try {
    for (let t = 0; t < s.steps; t++) {
      const key = random.key(rng.seed());
      const [x, y] = batch === rows
        ? [target.data.x.ref, target.data.y.ref]
        : pickBatch(target.data, batch, rng.int.bind(rng), rows);
      const center = mapParams({ ...target.center }, (p) => p.ref);
      if (s.acceptanceEvery > 0 && t % s.acceptanceEvery === 0) {
        const [next, loss, accept] = scored(w, center, x, y, key);
        w = next;
        pending.push({ t, loss, accept });
      } else {
        const [next, loss] = plain(w, center, x, y, key);
        w = next;
        pending.push({ t, loss, accept: null });
      }
      if (pending.length >= 50 || t === s.steps - 1) {
        throwIfAborted(options.signal);
        await flush();
        report(options, {
          fraction: (t + 1) / s.steps,
          message: `SGLD step ${t + 1} / ${s.steps}`,
        });
        await yieldToEventLoop();
      }
    }
  } finally {
    for (const item of pending) {
      item.loss.dispose();
      item.accept?.dispose();
    }
    disposeParams(w);
    plain.dispose();
    scored.dispose();
    fullLoss.dispose();
  }
  const kept = s.steps - s.burnIn;
  const perChain = Array.from(sums, (sum) => nbeta * (sum / kept - initLoss));
  const mean = perChain.reduce((a, b) => a + b, 0) / s.chains;
  const variance = s.chains > 1
    ? perChain.reduce((a, b) => a + (b - mean) ** 2, 0) / (s.chains - 1)
    : 0;
  const accChains = scoredSteps > 0 ? Array.from(acc, (a) => a / scoredSteps) : null;
  return {
    llc_mean: mean,
    llc_std: Math.sqrt(variance),
    llc_chains: perChain,
    nbeta,
    n: target.n,
    eps: s.eps,
    gamma: s.gamma,
    init_loss: initLoss,
    fraction_below_init: below / (kept * s.chains),
    mala_acceptance: accChains ? accChains.reduce((a, b) => a + b, 0) / s.chains : null,
    mala_acceptance_chains: accChains,
    trace_steps: traceSteps,
    loss_traces: traces,
    steps: s.steps,
    chains: s.chains,
    wall_seconds: (performance.now() - start) / 1000,
  };
}

function pickBatch(
  data: { x: np.Array; y: np.Array },
  batch: number,
  int: (n: number) => number,
  rows: number,
): [np.Array, np.Array] {
  const idx = Int32Array.from({ length: batch }, () => int(rows));
  const take = (a: np.Array) => np.take(a.ref, np.array(idx, { dtype: np.int32 }), 0);
  return [take(data.x), take(data.y)];
}
