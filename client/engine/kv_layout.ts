/**
 * Re-layout of batch KV caches when the batch changes (rows finish, rows join, padding is
 * compacted). Every row is kept LEFT-padded: row r's real entries occupy the last
 * `len_r` columns of the cache, so one shared cache length T serves rows of different
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

async function tensorData(t: ort.Tensor): Promise<Float32Array> {
  return (t.location === "cpu" ? t.data : await t.getData()) as Float32Array;
}

/**
 * Build a new cache whose row i is `plan[i]`, right-aligned in a cache of length
 * max(len). Sources are not disposed.
 */
export async function repackKv(
  sources: readonly KvTensors[],
  plan: readonly RowSlice[],
  shape: KvShape,
): Promise<KvTensors> {
  const { kvHeads: H, headDim: D } = shape;
  const newB = plan.length;
  const newT = plan.reduce((m, p) => Math.max(m, p.len), 0);
  const tensors: ort.Tensor[] = [];
  for (let t = 0; t < 2 * shape.layers; t++) {
    const data = await Promise.all(sources.map((s) => tensorData(s.tensors[t] as ort.Tensor)));
    const out = new Float32Array(newB * H * newT * D); // [newB, H, newT, D]
    plan.forEach((p, i) => {
      const src = data[p.source] as Float32Array;
      const srcT = (sources[p.source] as KvTensors).length;
      for (let h = 0; h < H; h++) {
        const from = ((p.row * H + h) * srcT + p.start) * D;
        const to = ((i * H + h) * newT + newT - p.len) * D;
        out.set(src.subarray(from, from + p.len * D), to);
      }
    });
    tensors.push(new ort.Tensor("float32", out, [newB, H, newT, D]));
  }
  return { tensors, batch: newB, length: newT, gpu: false };
}
