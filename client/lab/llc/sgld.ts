/**
 * The SGLD estimator of the local learning coefficient (Lau et al. 2023, as in anchors.md):
 *
 *   lambda_hat = n beta (mean over draws of L_n(w_t) - L_n(w*)),   beta = 1/log n by default,
 *
 * with several chains (run one after another), n beta recorded with every estimate,
 * and diagnostics: per-chain loss traces, the fraction of draws below L_n(w*), and the mean MALA
 * acceptance probability of the SGLD proposals.
 *
 * @module
 */
import { jit, numpy as np, type OwnedFunction, random } from "@jax-js/jax";
import { z } from "zod";
import { scalarToHost } from "../device.ts";
import { LabNumericsError, LabSettingsError } from "../errors.ts";
import { report, type RunOptions, throwIfAborted, yieldToEventLoop } from "../experiment.ts";
import { disposeParams, mapParams, type Params } from "../params.ts";
import { meanStd } from "../fit.ts";
import { createRng, type Rng } from "../rng.ts";
import type { LossFn } from "../trainer.ts";
import {
  makeSgldStep,
  makeSgldStepWithAcceptance,
  type SgldStep,
  type SgldStepWithAcceptance,
} from "./sgld_step.ts";

const SgldFields = {
  /** Step size. */
  eps: z.number().positive(),
  /** Localisation strength. */
  gamma: z.number().nonnegative(),
  /** Inverse temperature times n; omitted means n / log n (beta = 1/log n). */
  nbeta: z.number().positive(),
  chains: z.number().int().positive(),
  /** Draws per chain. */
  steps: z.number().int().positive(),
  /** Leading draws left out of the estimate (still traced). */
  burnIn: z.number().int().nonnegative(),
  /** Rows per gradient; omitted means full batch. */
  batchSize: z.number().int().positive(),
  /** Score the MALA acceptance every this many steps (0 never); it costs a second gradient. */
  acceptanceEvery: z.number().int().nonnegative(),
  /** Keep every this-many-th draw in the returned loss traces. */
  traceEvery: z.number().int().positive(),
  seed: z.number().int(),
};

/** Sampler settings. */
export const SgldSettings = z.object({
  eps: SgldFields.eps.default(1e-4),
  gamma: SgldFields.gamma.default(100),
  nbeta: SgldFields.nbeta.optional(),
  chains: SgldFields.chains.default(4),
  steps: SgldFields.steps.default(1000),
  burnIn: SgldFields.burnIn.default(0),
  batchSize: SgldFields.batchSize.optional(),
  acceptanceEvery: SgldFields.acceptanceEvery.default(1),
  traceEvery: SgldFields.traceEvery.default(10),
  seed: SgldFields.seed.default(0),
});
/** Overrides of some sampler settings, with no defaults filled in (layered over presets). */
export const SgldOverrides = z.object(SgldFields).partial();
/** Overrides of some sampler settings. */
export type SgldOverrides = z.infer<typeof SgldOverrides>;
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

/** Per-chain accumulators filled as losses are read back. */
type ChainStats = { sum: number; below: number; accept: number; scored: number; trace: number[] };

async function runChain(
  chain: number,
  target: LlcTarget,
  s: SgldSettings,
  steps: { plain: OwnedFunction<SgldStep>; scored: OwnedFunction<SgldStepWithAcceptance> },
  initLoss: number,
  rng: Rng,
  options: RunOptions,
): Promise<ChainStats> {
  const stats: ChainStats = { sum: 0, below: 0, accept: 0, scored: 0, trace: [] };
  const rows = target.data.x.shape[0]!;
  const batch = Math.min(s.batchSize ?? rows, rows);
  let w = mapParams({ ...target.center }, (p) => p.ref);
  const pending: { t: number; loss: np.Array; accept: np.Array | null }[] = [];
  /** Read back the queued losses; returns their mean (for the live trace). */
  const flush = async (): Promise<number> => {
    let sum = 0;
    const items = pending.splice(0);
    for (const item of items) {
      const v = await scalarToHost(item.loss);
      sum += v;
      if (!Number.isFinite(v)) {
        throw new LabNumericsError(`SGLD diverged at step ${item.t} (chain ${chain}); lower eps`);
      }
      if (item.t >= s.burnIn) {
        stats.sum += v;
        if (v < initLoss) stats.below++;
      }
      if (item.t % s.traceEvery === 0) stats.trace.push(v);
      if (item.accept) {
        stats.accept += await scalarToHost(item.accept);
        stats.scored++;
      }
    }
    return sum / Math.max(1, items.length);
  };
  try {
    for (let t = 0; t < s.steps; t++) {
      const key = random.key(rng.seed());
      const { x, y } = target.data;
      const idx = batch === rows ? undefined : batchIndices(batch, rng, rows);
      const center = mapParams({ ...target.center }, (p) => p.ref);
      if (s.acceptanceEvery > 0 && t % s.acceptanceEvery === 0) {
        const [next, loss, accept] = idx
          ? steps.scored(w, center, x.ref, y.ref, key, idx)
          : steps.scored(w, center, x.ref, y.ref, key);
        w = next;
        pending.push({ t, loss, accept });
      } else {
        const [next, loss] = idx
          ? steps.plain(w, center, x.ref, y.ref, key, idx)
          : steps.plain(w, center, x.ref, y.ref, key);
        w = next;
        pending.push({ t, loss, accept: null });
      }
      if (pending.length >= 50 || t === s.steps - 1) {
        throwIfAborted(options.signal);
        const meanLoss = await flush();
        report(options, {
          fraction: (chain * s.steps + t + 1) / (s.chains * s.steps),
          message: `SGLD chain ${chain + 1} / ${s.chains}, step ${t + 1} / ${s.steps}`,
          // One live trace point per chain and flush: the mean batch loss of the last draws.
          series: `chain ${chain}`,
          point: { step: t + 1, loss: meanLoss },
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
  }
  return stats;
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
  const steps = {
    plain: makeSgldStep(k, target.loss),
    scored: makeSgldStepWithAcceptance(k, target.loss),
  };
  const fullLoss = jit((w: Params, x: np.Array, y: np.Array) => target.loss(w, x, y));
  const rng = createRng(s.seed);
  const chains: ChainStats[] = [];
  try {
    const center = mapParams({ ...target.center }, (p) => p.ref);
    const initLoss = await scalarToHost(
      fullLoss(center, target.data.x.ref, target.data.y.ref),
    );
    for (let c = 0; c < s.chains; c++) {
      chains.push(await runChain(c, target, s, steps, initLoss, rng, options));
    }
    return summarize(s, chains, initLoss, nbeta, target.n, start);
  } finally {
    steps.plain.dispose();
    steps.scored.dispose();
    fullLoss.dispose();
  }
}

function summarize(
  s: SgldSettings,
  chains: ChainStats[],
  initLoss: number,
  nbeta: number,
  n: number,
  start: number,
): LlcEstimate {
  const kept = s.steps - s.burnIn;
  const perChain = chains.map((c) => nbeta * (c.sum / kept - initLoss));
  const { mean, std } = meanStd(perChain);
  const accChains = chains[0]!.scored > 0 ? chains.map((c) => c.accept / c.scored) : null;
  const traceSteps: number[] = [];
  for (let t = 0; t < s.steps; t += s.traceEvery) traceSteps.push(t);
  return {
    llc_mean: mean,
    llc_std: std,
    llc_chains: perChain,
    nbeta,
    n,
    eps: s.eps,
    gamma: s.gamma,
    init_loss: initLoss,
    fraction_below_init: chains.reduce((a, c) => a + c.below, 0) / (kept * s.chains),
    mala_acceptance: accChains ? meanStd(accChains).mean : null,
    mala_acceptance_chains: accChains,
    trace_steps: traceSteps,
    loss_traces: chains.map((c) => c.trace),
    steps: s.steps,
    chains: s.chains,
    wall_seconds: (performance.now() - start) / 1000,
  };
}

/** Uniform row indices with replacement, int32 [batch]. */
function batchIndices(batch: number, rng: Rng, rows: number): np.Array {
  return np.array(Int32Array.from({ length: batch }, () => rng.int(rows)), { dtype: np.int32 });
}
