import assert from "node:assert/strict";
import type { Decoder, KvTensors } from "../../../../client/engine/decoder.ts";
import { KvBatch } from "../../../../client/engine/kv_batch.ts";
import { repackKv } from "../../../../client/engine/kv_layout.ts";
import { ort } from "../../../../client/engine/ort.ts";

const shape = { layers: 1, kvHeads: 1, headDim: 1 };

/** The parts of a decoder KvBatch uses, over CPU tensors. */
const fakeDecoder = {
  shape,
  emptyKv: (batch: number): KvTensors => cache(batch, 0, () => 0),
  disposeKv: () => {},
} as unknown as Decoder;

/** A cache [batch, 1, T, 1] (key and value alike) whose entry is value(row, column). */
function cache(batch: number, T: number, value: (r: number, c: number) => number): KvTensors {
  const data = new Float32Array(batch * T); // [batch, 1, T, 1]
  for (let r = 0; r < batch; r++) for (let c = 0; c < T; c++) data[r * T + c] = value(r, c);
  const t = () => new ort.Tensor("float32", data.slice(), [batch, 1, T, 1]);
  return { tensors: [t(), t()], batch, length: T, gpu: false };
}

const rowsOf = (kv: KvTensors) => {
  const data = kv.tensors[0]!.data as Float32Array;
  return Array.from(
    { length: kv.batch },
    (_, r) => [...data.subarray(r * kv.length, (r + 1) * kv.length)],
  );
};

Deno.test("KvBatch chunk feeds mask padding and extra chunk columns, and position ids count only real tokens", () => {
  // Row 0 has 3 real tokens, row 1 has 1 (left padded to T = 3).
  const kv = KvBatch.fromLeftPadded(fakeDecoder, cache(2, 3, () => 0), [3, 1]);
  const { attentionMask, positionIds } = kv.chunk([2, 1], 3);
  assert.deepEqual([...attentionMask].map(Number), [1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0]);
  assert.deepEqual([...positionIds].map(Number), [3, 4, 0, 1, 0, 0]);
});

Deno.test("KvBatch append marks the fed columns real and the rest holes; truncate turns later real columns into holes", () => {
  const kv = KvBatch.fromLeftPadded(fakeDecoder, cache(2, 2, (r, c) => 10 * r + c), [2, 1]);
  kv.append(cache(2, 5, (r, c) => 10 * r + c), [3, 1], 3); // columns 2..4
  assert.equal(kv.length, 5);
  assert.deepEqual([kv.len(0), kv.len(1)], [5, 2]);
  assert.deepEqual(kv.runs(0), [0, 5]);
  assert.deepEqual(kv.runs(1), [1, 3]);
  kv.truncate(0, 3); // roll back the last two tokens of row 0
  assert.deepEqual(kv.runs(0), [0, 3]);
  const next = kv.chunk([2, 2], 2);
  assert.deepEqual([...next.attentionMask].map(Number), [
    1,
    1,
    1,
    0,
    0,
    1,
    1,
    0,
    1,
    1,
    0,
    0,
    1,
    1,
  ]);
  assert.deepEqual([...next.positionIds].map(Number), [3, 4, 2, 3]);
  kv.append(cache(2, 7, (r, c) => 10 * r + c), [1, 2], 2);
  assert.deepEqual(kv.runs(0), [0, 3, 5, 6]);
  assert.deepEqual([kv.len(0), kv.len(1)], [4, 4]);
});

Deno.test("KvBatch.gather keeps each row's real columns in order, right-aligned, and gives empty rows for null parts", async () => {
  const a = KvBatch.fromLeftPadded(fakeDecoder, cache(2, 3, (r, c) => 10 * r + c + 1), [3, 2]);
  a.append(cache(2, 5, (r, c) => 10 * r + c + 1), [2, 1], 2);
  a.truncate(0, 4); // row 0: columns 0, 1, 2, 3 real; 4 a hole
  const b = KvBatch.fromLeftPadded(fakeDecoder, cache(1, 2, (_, c) => 100 + c), [1]);
  const g = await KvBatch.gather(fakeDecoder, [
    { batch: a, row: 1 },
    { batch: b, row: 0 },
    { batch: null, row: 0 },
    { batch: a, row: 0 },
  ]);
  assert.equal(g.length, 4);
  assert.deepEqual([0, 1, 2, 3].map((r) => g.len(r)), [3, 1, 0, 4]);
  assert.deepEqual(rowsOf(g.kv), [
    [0, 12, 13, 14],
    [0, 0, 0, 101],
    [0, 0, 0, 0],
    [1, 2, 3, 4],
  ]);
  assert.deepEqual(g.runs(0), [1, 4]);
  assert.deepEqual(g.runs(2), []);
});

Deno.test("KvBatch asks for compaction once slack passes max(32, half the longest row)", () => {
  const kv = KvBatch.fromLeftPadded(fakeDecoder, cache(1, 40, () => 0), [40]);
  assert.equal(kv.slack, 0);
  kv.append(cache(1, 80, () => 0), [0], 40);
  assert.equal(kv.slack, 40);
  assert.equal(kv.shouldCompact(), true);
  const long = KvBatch.fromLeftPadded(fakeDecoder, cache(1, 100, () => 0), [100]);
  long.append(cache(1, 140, () => 0), [0], 40);
  assert.equal(long.shouldCompact(), false, "40 <= 100 / 2");
});

Deno.test("repackKv still copies one contiguous slice per row, right-aligned", async () => {
  const src = cache(2, 4, (r, c) => 10 * r + c);
  const out = await repackKv([src], [{ source: 0, row: 1, start: 1, len: 2 }, {
    source: 0,
    row: 0,
    start: 0,
    len: 3,
  }], shape);
  assert.deepEqual(rowsOf(out), [[0, 11, 12], [0, 1, 2]]);
});
