/**
 * Quiet-STaR thoughts as extra batch rows: for every thinking row of a step, its KV cache is
 * copied K times (one gather), the K * rows thought rows feed <|startofthought|>, sample t
 * thought tokens at temperature 1 (each row from its own thought RNG), feed the last thought
 * token with <|endofthought|> in one 2-token pass, and the post-thought logits of each row's K
 * thoughts are averaged and mixed into its base logits. Rows sharing a t think as one batch of
 * t + 1 forward passes; the thought caches are thrown away afterwards.
 *
 * With the mixing head (`w: "head"`) the last pass instead re-reads the whole thought,
 * [<|startofthought|>, thought tokens, <|endofthought|>], from the branched cache, so that the
 * pass starts at <|startofthought|> and the graph's `mixing_weight` at <|endofthought|> is
 * MLP(concat(h_sot, h_post)) as trained; each thought's post logits are mixed with its own w.
 *
 * @module
 */
import type { Decoder, KvTensors } from "../decoder.ts";
import { repackKv, type RowSlice } from "../kv_layout.ts";
import { mixLogits, mixLogitsWeighted, sampleThoughtToken } from "./mixture.ts";
import type { RowThinking } from "./row_thinking.ts";

/** One row of a step that may think. */
export interface ThoughtJob {
  readonly thinking: RowThinking;
  /** Row index in the step's cache. */
  readonly row: number;
  /** Real tokens of the row (its last `len` columns of the cache). */
  readonly len: number;
  /** [vocab] base next-token logits; mixed in place. */
  readonly logits: Float32Array;
}

/** One thought row: its job and the thought tokens sampled so far. */
interface ThoughtRow {
  readonly job: ThoughtJob;
  readonly tokens: number[];
}

/**
 * Plan every job, run the thoughts of those that think (one batch per distinct t), and mix
 * their logits. `kv` (right-aligned rows, as the batch runner keeps it) is read, not disposed.
 */
export async function thinkAndMix(
  decoder: Decoder,
  kv: KvTensors,
  jobs: readonly ThoughtJob[],
): Promise<void> {
  const plans = jobs.map((j) => j.thinking.plan(j.logits, j.len));
  const thinking = jobs.filter((_, i) => plans[i]!.think);
  const key = (j: ThoughtJob) => `${j.thinking.options.t}:${j.thinking.options.w.kind === "head"}`;
  for (const k of new Set(thinking.map(key))) {
    const group = thinking.filter((j) => key(j) === k);
    const t = group[0]!.thinking.options.t;
    const head = group[0]!.thinking.options.w.kind === "head";
    const t0 = performance.now();
    const posts = await runThoughts(decoder, kv, group, t, head);
    const ms = (performance.now() - t0) / group.length;
    group.forEach((job) => {
      const mine = posts.filter((p) => p.row.job === job);
      const tokens = mine.map((p) => p.row.tokens);
      if (head) {
        const w = mixLogitsWeighted(job.logits, mine.map((p) => p.logits), mine.map((p) => p.w));
        job.thinking.recordThoughts(tokens, t + 1, ms, w);
      } else {
        mixLogits(job.logits, mine.map((p) => p.logits), plans[jobs.indexOf(job)]!.w);
        job.thinking.recordThoughts(tokens, t + 1, ms);
      }
    });
  }
}

/** Post-thought logits ([vocab]) of one thought and its head weight (NaN without a head). */
interface ThoughtPost {
  readonly row: ThoughtRow;
  readonly logits: Float32Array;
  readonly w: number;
}

/** Run K thoughts of t tokens for each job; the post-thought logits of each thought. */
async function runThoughts(
  decoder: Decoder,
  kv: KvTensors,
  group: readonly ThoughtJob[],
  t: number,
  head: boolean,
): Promise<ThoughtPost[]> {
  const rows: ThoughtRow[] = [];
  const plan: RowSlice[] = [];
  for (const job of group) {
    for (let k = 0; k < job.thinking.options.k; k++) {
      rows.push({ job, tokens: [] });
      plan.push({ source: 0, row: job.row, start: kv.length - job.len, len: job.len });
    }
  }
  const branched = await repackKv([kv], plan, decoder.shape);
  let cache = branched;
  const T0 = cache.length;
  const V = decoder.vocabSize;
  try {
    // Pass p feeds: p = 0 <|startofthought|>; 0 < p < t thought token p; p = t the pair
    // [thought token t, <|endofthought|>], whose last logits are the post-thought logits.
    for (let p = 0;; p++) {
      const last = p === t;
      if (last && head) return await headPass(decoder, branched, rows, t);
      const out = await decoder.step({
        ...rowInputs(rows, T0, cache.length, p, (row) => {
          const o = row.job.thinking.options;
          return p === 0
            ? [o.startId]
            : last
            ? [row.tokens[t - 1]!, o.endId]
            : [row.tokens[p - 1]!];
        }),
        past: cache,
      });
      if (!(head && cache === branched)) decoder.disposeKv(cache);
      cache = out.present;
      if (last) {
        return rows.map((row, r) => ({
          row,
          logits: out.logits.slice((r * 2 + 1) * V, (r * 2 + 2) * V),
          w: Number.NaN,
        }));
      }
      rows.forEach((row, r) => {
        const th = row.job.thinking;
        row.tokens.push(
          sampleThoughtToken(out.logits.subarray(r * V, (r + 1) * V), th.rng, th.markers),
        );
      });
    }
  } finally {
    decoder.disposeKv(cache);
    if (head && cache !== branched) decoder.disposeKv(branched);
  }
}

/**
 * The mixing head's last pass: from the branched cache, feed [<|startofthought|>, thought
 * tokens, <|endofthought|>] (t + 2 tokens) and read the logits and `mixing_weight` at
 * <|endofthought|>.
 */
async function headPass(
  decoder: Decoder,
  branched: KvTensors,
  rows: readonly ThoughtRow[],
  t: number,
): Promise<ThoughtPost[]> {
  const V = decoder.vocabSize;
  const S = t + 2;
  const out = await decoder.step({
    ...rowInputs(rows, branched.length, branched.length, 0, (row) => {
      const o = row.job.thinking.options;
      return [o.startId, ...row.tokens, o.endId];
    }),
    past: branched,
  });
  decoder.disposeKv(out.present);
  const mw = out.mixingWeight; // [R, S]
  if (mw === undefined) {
    throw new Error(
      "Cannot mix with the mixing head as the decoder returned no 'mixing_weight': current graph has no such output",
    );
  }
  return rows.map((row, r) => ({
    row,
    logits: out.logits.slice((r * S + S - 1) * V, (r * S + S) * V),
    w: mw[r * S + S - 1]!,
  }));
}

/**
 * Step inputs of thought rows that all feed the same number of tokens: row r's ids at thought
 * offset `offset` (positions after its prompt of `job.len` tokens), over a cache of `cacheLen`
 * positions whose prompt part starts at `branchLen - job.len` (left padding is masked).
 */
function rowInputs(
  rows: readonly ThoughtRow[],
  branchLen: number,
  cacheLen: number,
  offset: number,
  idsOf: (row: ThoughtRow) => readonly number[],
) {
  const R = rows.length;
  const ids = rows.map(idsOf);
  const S = ids[0]?.length ?? 0;
  const W = cacheLen + S;
  const inputIds = new BigInt64Array(R * S); // [R, S]
  const positionIds = new BigInt64Array(R * S); // [R, S]
  const attentionMask = new BigInt64Array(R * W); // [R, cacheLen + S]
  rows.forEach((row, r) => {
    ids[r]!.forEach((id, j) => {
      inputIds[r * S + j] = BigInt(id);
      positionIds[r * S + j] = BigInt(row.job.len + offset + j);
    });
    attentionMask.fill(1n, r * W + branchLen - row.job.len, (r + 1) * W);
  });
  return { inputIds, attentionMask, positionIds, batch: R, seq: S };
}
