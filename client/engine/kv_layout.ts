/**
 * Re-layout of batch KV caches when the batch changes (rows finish, rows join, padding or
 * holes are compacted). Every output row is RIGHT-aligned: row r's real entries occupy the
 * last `len_r` columns of the cache, so one shared cache length T serves rows of different
 * lengths and the attention mask of row r is `0 * (T - len_r), 1 * len_r`.
 *
 * Runs on the CPU: under WebGPU the cache is downloaded once per batch change (not per
 * step), re-laid and uploaded with the next step's feeds.
 *
 * @module
 */
import { ort } from "./ort.ts";
import type { KvTensors } from "./decoder.ts";
import type { KvShape } from "./model_config.ts";

/** Row `row` of `sources[source]`, columns [start, start + len), becomes one output row. */
export interface RowSlice {
  readonly source: number;
  readonly row: number;
  readonly start: number;
  readonly len: number;
}

/**
 * Row `row` of `sources[source]` becomes one output row made of the columns in `runs`, in
 * order: `runs` holds [start, end) pairs of source columns (`[s0, e0, s1, e1, ...]`), so a
 * row with holes is gathered as several runs. `source` -1 gives an empty row (length 0).
 */
export interface RowGather {
  readonly source: number;
  readonly row: number;
  readonly runs: readonly number[];
}

async function tensorData(t: ort.Tensor): Promise<Float32Array> {
  return (t.location === "cpu" ? t.data : await t.getData()) as Float32Array;
}

/** Real columns of a gather plan row. */
function runLength(runs: readonly number[]): number {
  let n = 0;
  for (let i = 0; i + 1 < runs.length; i += 2) n += runs[i + 1]! - runs[i]!;
  return n;
}

/**
 * Build a new cache whose row i holds the columns `plan[i].runs` of its source row,
 * right-aligned in a cache of length max(row length). Sources are not disposed.
 * Cost: one pass over the kept entries, O(rows × kept columns × layers × kv_heads × head_dim),
 * plus (WebGPU) one download of every source tensor.
 */
export async function gatherKv(
  sources: readonly KvTensors[],
  plan: readonly RowGather[],
  shape: KvShape,
): Promise<KvTensors> {
  const { kvHeads: H, headDim: D } = shape;
  const newB = plan.length;
  const lens = plan.map((p) => (p.source < 0 ? 0 : runLength(p.runs)));
  const newT = lens.reduce((m, l) => Math.max(m, l), 0);
  const tensors: ort.Tensor[] = [];
  for (let t = 0; t < 2 * shape.layers; t++) {
    const data = await Promise.all(sources.map((s) => tensorData(s.tensors[t] as ort.Tensor)));
    const out = new Float32Array(newB * H * newT * D); // [newB, H, newT, D]
    plan.forEach((p, i) => {
      if (p.source < 0) return;
      const src = data[p.source] as Float32Array;
      const srcT = (sources[p.source] as KvTensors).length;
      for (let h = 0; h < H; h++) {
        let to = ((i * H + h) * newT + newT - (lens[i] as number)) * D;
        for (let k = 0; k + 1 < p.runs.length; k += 2) {
          const start = p.runs[k]!, end = p.runs[k + 1]!;
          const from = ((p.row * H + h) * srcT + start) * D;
          out.set(src.subarray(from, from + (end - start) * D), to);
          to += (end - start) * D;
        }
      }
    });
    tensors.push(new ort.Tensor("float32", out, [newB, H, newT, D]));
  }
  return { tensors, batch: newB, length: newT, gpu: false };
}

/**
 * Build a new cache whose row i is `plan[i]`, right-aligned in a cache of length
 * max(len). Sources are not disposed. (A {@link gatherKv} with one run per row.)
 */
export function repackKv(
  sources: readonly KvTensors[],
  plan: readonly RowSlice[],
  shape: KvShape,
): Promise<KvTensors> {
  return gatherKv(
    sources,
    plan.map((p) => ({ source: p.source, row: p.row, runs: [p.start, p.start + p.len] })),
    shape,
  );
}
