/**
 * The slot pool and adapter-aware admission: LRU eviction that never touches protected adapters
 * (those of running rows), slot contents (scaling folded into B, ranks zero-padded to r_max,
 * slot 0 all zeros), counters, and FIFO admission that never exceeds the slots.
 */
import assert from "node:assert/strict";
import { AdapterSlotPool } from "../../../client/engine/lora/slot_pool.ts";
import { admitByAdapters } from "../../../client/engine/lora/admission.ts";
import { type LoraSpec, loraSpecFromConfig } from "../../../client/engine/lora/lora_spec.ts";
import type { DecoderConfig } from "../../../client/engine/model_config.ts";
import { peftKey } from "../../../tools/forge/lora_adapter.ts";
import { adapter, fixture, fixtureSource } from "./lora_helpers.ts";

const spec: LoraSpec = loraSpecFromConfig(fixture.config as unknown as DecoderConfig)!;
const slotOf = (m: Map<string, number | Error>, id: string) => m.get(id) as number;

Deno.test("admission keeps distinct adapters within the slots and stops at the first row that does not fit", () => {
  const q = ["a", undefined, "b", "c", "a", "d", undefined];
  assert.deepEqual(admitByAdapters(q, (x) => x, [], 8, 3), ["a", undefined, "b", "c", "a"]);
  assert.deepEqual(admitByAdapters(q, (x) => x, ["c", "d"], 8, 3), ["a", undefined]);
  assert.deepEqual(admitByAdapters(q, (x) => x, [], 2, 3), ["a", undefined]);
  assert.deepEqual(admitByAdapters(["x", "x", "y"], (x) => x, ["x"], 8, 1), ["x", "x"]);
  assert.deepEqual(admitByAdapters([undefined, undefined], (x) => x, ["p", "q"], 8, 2), [
    undefined,
    undefined,
  ]);
});

Deno.test("the pool evicts the least recently used adapter and never a protected one", async () => {
  const pool = await AdapterSlotPool.create(spec, fixtureSource(), 2, "wasm");
  const a = await pool.acquire(["alpha", "beta"], new Set());
  assert.deepEqual([slotOf(a, "alpha"), slotOf(a, "beta")], [1, 2]);
  await pool.acquire(["alpha"], new Set()); // alpha is now the most recent
  const g = await pool.acquire(["gamma"], new Set());
  assert.equal(slotOf(g, "gamma"), 2); // beta (LRU) went
  const d = await pool.acquire(["delta"], new Set(["gamma"])); // alpha is LRU but gamma is protected
  assert.equal(slotOf(d, "delta"), 1);
  assert.deepEqual(pool.metrics().resident, ["delta", "gamma"]);
  await assert.rejects(
    pool.acquire(["epsilon"], new Set(["gamma", "delta"])),
    /all 2 adapter slots hold adapters of running rows/,
  );
  const m = pool.metrics();
  assert.deepEqual([m.hits, m.misses, m.evictions, m.loads, m.loadFailures], [1, 5, 2, 4, 0]);
  assert.equal(m.loadMsRecent.length, 4);
  assert.ok(m.loadMsTotal > 0 && m.loadMsMax <= m.loadMsTotal);
});

Deno.test("a slot holds A zero-padded to r_max and scaling * B, and slot 0 stays zero", async () => {
  const pool = await AdapterSlotPool.create(spec, fixtureSource(), 1, "wasm");
  await pool.acquire(["gamma"], new Set()); // layer 0 v_proj: rank 2, alpha 4 -> scaling 2
  const R = spec.rMax, { in: inF, out: outF } = spec.shapes.v_proj;
  const A = pool.tensors["lora_A.0.v_proj"]!.data as Float32Array; // [2, R, in]
  const B = pool.tensors["lora_B.0.v_proj"]!.data as Float32Array; // [2, out, R]
  const forged = adapter("gamma").tensors;
  const a = forged.get(peftKey("model.layers.0.self_attn.v_proj", "A"))!.data; // [2, in]
  const b = forged.get(peftKey("model.layers.0.self_attn.v_proj", "B"))!.data; // [out, 2]
  assert.ok(A.subarray(0, R * inF).every((x) => x === 0));
  assert.ok(B.subarray(0, outF * R).every((x) => x === 0));
  assert.deepEqual(A.subarray(R * inF, R * inF + 2 * inF), a);
  assert.ok(A.subarray(R * inF + 2 * inF, 2 * R * inF).every((x) => x === 0));
  assert.equal(B[outF * R + 5 * R + 1], Math.fround(2 * b[5 * 2 + 1]!));
  assert.equal(B[outF * R + 5 * R + 2], 0);
  // Feeds of slots [0, 1) and [0, 2) are views of the same storage.
  const one = pool.tensorsUpTo(1)["lora_A.0.v_proj"]!;
  assert.deepEqual(one.dims, [1, R, inF]);
  assert.deepEqual(pool.tensorsUpTo(2)["lora_A.0.v_proj"]!.data, A);
  // gamma has no k_proj: its slot is zeros there.

  const K = pool.tensors["lora_B.0.k_proj"]!.data as Float32Array;
  assert.ok(K.every((x) => x === 0));
});

Deno.test("a failed load leaves the slot free and counts a failure", async () => {
  const pool = await AdapterSlotPool.create(spec, fixtureSource(), 1, "wasm");
  const got = await pool.acquire(["missing", "alpha"], new Set());
  assert.ok(got.get("missing") instanceof Error);
  assert.equal(got.get("alpha"), 1);
  assert.deepEqual([pool.metrics().loadFailures, pool.metrics().loads], [1, 1]);
});
