/**
 * The store's safetensors header reader agrees with the forge's writer and never throws on
 * arbitrary bytes (property tests with fast-check).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseSafetensorsHeader } from "../../../../client/adapters/safetensors_header.ts";
import { safetensorsOf } from "./peft_files.ts";

const shapes = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z0-9_.]{0,20}$/),
  fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 3 }),
  { maxKeys: 6 },
);

Deno.test("parseSafetensorsHeader() reads the names, shapes and offsets the forge wrote", () => {
  fc.assert(fc.property(shapes, (entries) => {
    const bytes = safetensorsOf(entries);
    const r = parseSafetensorsHeader(bytes);
    assert.ok(r.ok, r.ok ? "" : r.reason);
    assert.deepEqual(
      Object.fromEntries([...r.header.tensors].map(([k, v]) => [k, v.shape])),
      { ...entries },
    );
    const end = Math.max(0, ...[...r.header.tensors.values()].map((e) => e.data_offsets[1]));
    assert.equal(r.header.dataStart + end, bytes.byteLength);
  }));
});

Deno.test("parseSafetensorsHeader() rejects a file cut inside the data of any tensor", () => {
  fc.assert(fc.property(shapes, fc.nat(), (entries, cutSeed) => {
    fc.pre(Object.keys(entries).length > 0);
    const bytes = safetensorsOf(entries);
    const dataStart = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const cut = dataStart + (cutSeed % (bytes.byteLength - dataStart));
    const r = parseSafetensorsHeader(bytes.subarray(0, cut));
    assert.equal(r.ok, false);
  }));
});

Deno.test("parseSafetensorsHeader() returns a reason instead of throwing on random bytes", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat({ max: 56 }), (tail, len) => {
    const bytes = new Uint8Array(8 + tail.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(len), true);
    bytes.set(tail, 8);
    const r = parseSafetensorsHeader(bytes);
    assert.equal(typeof r.ok, "boolean");
  }));
});
