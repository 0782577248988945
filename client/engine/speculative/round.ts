/**
 * One speculative round over the running batch: plan each row's gamma, batched draft steps,
 * ONE target pass over every row's [pending, d_1..d_gamma], verification, and the commit of
 * emitted tokens (rollback = marking cache columns as holes).
 *
 * @module
 */
import type { Decoder, StepLora } from "../decoder.ts";
import type { KvBatch } from "../kv_batch.ts";
import { argmax, logSumExp, type Rng, sampleFromWeights, softmaxInto } from "../sampling/mod.ts";
import type { CostModel } from "./cost_model.ts";
import type { SpecRow } from "./spec_row.ts";
import { verifyProposals } from "./verify.ts";

/** Counters of speculative rounds. */
export interface RoundStats {
  /** Target passes (one per round). */
  decodeSteps: number;
  /** Tokens emitted by rounds (prefill tokens excluded). */
  decodeTokens: number;
  /** Sum over rounds of active rows. */
  rowSteps: number;
  /** Draft forward passes. */
  draftSteps: number;
  /** Wall time of draft phases (passes and draft-side sampling), ms. */
  draftMs: number;
  /** Wall time of target passes, ms. */
  targetMs: number;
  /** Draft tokens proposed. */
  proposed: number;
  /** Proposals the verifier accepted. */
  accepted: number;
  /** Row rounds that ended at a rejected proposal (alpha = accepted / (accepted + rejections)). */
  rejections: number;
}

/**
 * Distribution buffers reused across rounds (they reach batch × (gamma + 1) × vocab floats, too
 * big to allocate every round with a real vocabulary). Slices are fully written before read.
 */
export class RoundScratch {
  #q = new Float32Array(0);
  #p = new Float32Array(0);

  /** q: [participants, G, vocab]. */
  q(size: number): Float32Array {
    if (this.#q.length < size) this.#q = new Float32Array(size);
    return this.#q.subarray(0, size);
  }

  /** p: [participants, G + 1, vocab]. */
  p(size: number): Float32Array {
    if (this.#p.length < size) this.#p = new Float32Array(size);
    return this.#p.subarray(0, size);
  }
}

/** What a round works on; the caches are replaced in place. */
export interface RoundState {
  readonly target: Decoder;
  readonly draft: Decoder;
  readonly padTokenId: number;
  readonly rows: readonly SpecRow[];
  readonly targetKv: KvBatch;
  readonly draftKv: KvBatch;
  readonly cost: CostModel;
  readonly stats: RoundStats;
  readonly scratch: RoundScratch;
  /** LoRA feeds of the target pass (rows in batch order); the draft runs without adapters. */
  readonly targetLora?: StepLora | undefined;
}

/** How each row left a round. */
export interface RoundOutcome {
  /** Rows that ended this round (their drivers have been ended). */
  readonly finished: readonly SpecRow[];
}

/** Plan each row's gamma for this round, capped by max_tokens and both context windows. */
function planGammas(state: RoundState): number {
  const maxT = state.target.config.max_position_embeddings;
  const maxD = state.draft.config.max_position_embeddings;
  let G = 0;
  state.rows.forEach((row, i) => {
    let g = row.usesDraft ? row.schedule.next(state.cost) : 0;
    g = Math.min(
      g,
      row.maxGamma,
      row.driver.tokensLeft - 1, // a round emits up to gamma + 1 tokens
      maxT - 1 - state.targetKv.len(i), // target positions len .. len + gamma
      maxD + 1 - state.draftKv.len(i) - row.pendingDraft.length, // draft feeds pending + gamma - 1
    );
    row.gamma = Math.max(0, g);
    G = Math.max(G, row.gamma);
  });
  if (G > 0 && state.cost.calibrationDue) state.cost.deferCalibration();
  return G;
}

/**
 * Draft phase: G batched steps. Step 0 feeds each proposing row's pending tokens (a ragged,
 * right-padded chunk; idle draft rows whose pending tokens fit catch up for free), later steps
 * the previous proposal; rows whose gamma is used up ride along as holes. Writes q into
 * `q` ([participants, G, vocab], by participant slot) and the proposals into each row.
 */
async function draftPhase(
  state: RoundState,
  G: number,
  slot: Int32Array,
  q: Float32Array,
): Promise<boolean[]> {
  const { rows, draft, draftKv } = state;
  const B = rows.length, V = draft.vocabSize;
  const maxD = draft.config.max_position_embeddings;
  const S0 = rows.reduce((m, r) => (r.gamma > 0 ? Math.max(m, r.pendingDraft.length) : m), 0);
  const caughtUp = rows.map((r, i) =>
    r.gamma === 0 && r.usesDraft && r.pendingDraft.length <= S0 &&
    draftKv.len(i) + r.pendingDraft.length <= maxD
  );
  for (let j = 0; j < G; j++) {
    const S = j === 0 ? S0 : 1;
    const counts = rows.map((r, i) =>
      j === 0 ? (r.gamma > 0 || caughtUp[i] ? r.pendingDraft.length : 0) : r.gamma > j ? 1 : 0
    );
    const inputIds = new BigInt64Array(B * S).fill(BigInt(state.padTokenId)); // [B, S]
    rows.forEach((r, i) => {
      if (counts[i] === 0) return;
      if (j === 0) r.pendingDraft.forEach((t, k) => (inputIds[i * S + k] = BigInt(t)));
      else inputIds[i * S] = BigInt(r.proposals[j - 1]!);
    });
    const feeds = draftKv.chunk(counts, S);
    const out = await draft.step({ inputIds, ...feeds, batch: B, seq: S, past: draftKv.kv });
    draftKv.append(out.present, counts, S);
    state.stats.draftSteps++;
    rows.forEach((r, i) => {
      if (r.gamma <= j) return;
      const at = (i * S + (counts[i] as number) - 1) * V; // last real column of row i
      const qj = q.subarray((slot[i]! * G + j) * V, (slot[i]! * G + j + 1) * V);
      r.driver.process(out.logits.subarray(at, at + V), qj, r.proposals, j);
      if (r.driver.greedy) r.proposals[j] = argmax(qj);
      else r.proposals[j] = sampleFromWeights(softmaxInto(qj, qj), r.driver.rng);
    });
  }
  return caughtUp;
}

/**
 * Run one round. Rows with gamma 0 decode plainly (the plain sampler on the target's logits);
 * when every row has gamma 0 no draft work happens at all.
 */
export async function runRound(state: RoundState): Promise<RoundOutcome> {
  const { rows, target, targetKv, draftKv, stats } = state;
  const B = rows.length, V = target.vocabSize;
  const maxT = target.config.max_position_embeddings;
  const lenT = rows.map((_, i) => targetKv.len(i));
  const lenD = rows.map((_, i) => draftKv.len(i));
  const pendingD = rows.map((r) => r.pendingDraft.length);
  const G = planGammas(state);
  const slot = new Int32Array(B).fill(-1);
  let P = 0;
  rows.forEach((r, i) => r.gamma > 0 && (slot[i] = P++));
  const q = state.scratch.q(P * G * V); // [P, G, V]

  const t0 = performance.now();
  const caughtUp = G > 0 ? await draftPhase(state, G, slot, q) : rows.map(() => false);
  const t1 = performance.now();

  const S = G + 1;
  const counts = rows.map((r) => 1 + r.gamma);
  const inputIds = new BigInt64Array(B * S).fill(BigInt(state.padTokenId)); // [B, S]
  rows.forEach((r, i) => {
    inputIds[i * S] = BigInt(r.pendingTarget);
    for (let j = 0; j < r.gamma; j++) inputIds[i * S + 1 + j] = BigInt(r.proposals[j]!);
  });
  const feeds = targetKv.chunk(counts, S);
  const out = await target.step({
    inputIds,
    ...feeds,
    batch: B,
    seq: S,
    past: targetKv.kv,
    lora: state.targetLora,
  });
  targetKv.append(out.present, counts, S);
  const t2 = performance.now();
  const logitsAt = (i: number, j: number) =>
    out.logits.subarray((i * S + j) * V, (i * S + j + 1) * V);

  // p_j for proposing rows: [P, G + 1, V].
  const p = state.scratch.p(P * S * V);
  const gammas = new Int32Array(P), greedy: boolean[] = [], rngs: Rng[] = [];
  const proposals = new Int32Array(P * G); // [P, G]
  for (const [i, r] of rows.entries()) {
    const k = slot[i]!;
    if (k < 0) continue;
    gammas[k] = r.gamma;
    greedy.push(r.driver.greedy);
    rngs.push(r.driver.rng);
    proposals.set(r.proposals.subarray(0, r.gamma), k * G);
    for (let j = 0; j <= r.gamma; j++) {
      const pj = p.subarray((k * S + j) * V, (k * S + j + 1) * V);
      r.driver.process(logitsAt(i, j), pj, r.proposals, j);
      if (!r.driver.greedy) softmaxInto(pj, pj);
    }
  }
  const verdict = P > 0
    ? verifyProposals({
      batch: P,
      gammaMax: G,
      vocabSize: V,
      target: p,
      draft: q,
      proposals,
      gammas,
      greedy,
      rngs,
    })
    : undefined;

  const finished: SpecRow[] = [];
  for (const [i, r] of rows.entries()) {
    const k = slot[i]!;
    const emitted: number[] = [];
    let done = false;
    if (k < 0) {
      const token = r.driver.next(logitsAt(i, 0));
      emitted.push(token);
      done = r.driver.push(token);
      if (r.usesDraft) r.schedule.observe(0, 0);
    } else {
      const accepted = verdict!.accepted[k]!;
      let kept = 0;
      for (let t = 0; t <= accepted && !done; t++) {
        const token = verdict!.tokens[k * S + t]!;
        const raw = logitsAt(i, t);
        emitted.push(token);
        if (t < accepted) kept++;
        done = r.driver.pushVerified(token, raw[token]! - logSumExp(raw));
      }
      r.driver.noteSpeculation(r.gamma, kept);
      r.schedule.observe(r.gamma, accepted);
      stats.proposed += r.gamma;
      stats.accepted += accepted;
      if (accepted < r.gamma) stats.rejections++;
    }
    stats.decodeTokens += emitted.length;
    if (done) {
      r.driver.end({});
      finished.push(r);
      continue;
    }
    const len = lenT[i]! + emitted.length; // pending + accepted proposals are in the cache now
    targetKv.truncate(i, len);
    r.pendingTarget = emitted.at(-1)!;
    if (len >= maxT) {
      r.driver.end({ contextFull: true });
      finished.push(r);
      continue;
    }
    if (r.gamma > 0) {
      // The draft cache holds pending + d_1..d_{gamma-1}; keep the accepted ones.
      const keep = Math.min(emitted.length - 1, r.gamma - 1);
      draftKv.truncate(i, lenD[i]! + pendingD[i]! + keep);
      r.pendingDraft = emitted.slice(keep);
    } else if (caughtUp[i] === true) r.pendingDraft = emitted;
    else if (r.usesDraft) r.pendingDraft.push(...emitted);
  }
  stats.decodeSteps++;
  stats.rowSteps += B;
  stats.draftMs += t1 - t0;
  stats.targetMs += t2 - t1;
  state.cost.observe(S, t2 - t1, G, t1 - t0);
  return { finished };
}
