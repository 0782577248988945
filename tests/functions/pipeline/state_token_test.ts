import assert from "node:assert/strict";
import fc from "fast-check";
import { ApiError } from "../../../functions/http/errors.ts";
import { fromBase64Url, StateCodec, toBase64Url } from "../../../functions/pipeline/state_token.ts";

const SECRET = "state-token-test-secret";

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return `${err.status} ${err.code}`;
    throw err;
  }
  return "ok";
}

Deno.test("StateCodec round-trips data, unicode included", async () => {
  const codec = await StateCodec.create({ secret: SECRET });
  const data = { round: 3, text: "naïve — 東京 ✓", list: [1, 2, 3] };
  assert.deepEqual(await codec.verify(await codec.sign(data)), data);
});

Deno.test("StateCodec refuses a flipped signature byte, a foreign key and expiry", async () => {
  let now = 0;
  const codec = await StateCodec.create({ secret: SECRET, now: () => now, ttlMs: 1000 });
  const token = await codec.sign({ a: 1 });
  const parts = token.split(".");
  const sig = fromBase64Url(parts[3]!)!;
  sig[0] = (sig[0] ?? 0) ^ 1;
  assert.equal(
    await codeOf(codec.verify([...parts.slice(0, 3), toBase64Url(sig)].join("."))),
    "401 state_tampered",
  );
  const other = await StateCodec.create({ secret: `${SECRET}!`, now: () => now });
  assert.equal(await codeOf(other.verify(token)), "401 state_foreign_key");
  now = 1000;
  assert.equal(await codeOf(codec.verify(token)), "ok", "valid up to and including exp");
  now = 1001;
  assert.equal(await codeOf(codec.verify(token)), "401 state_expired");
});

Deno.test("StateCodec refuses malformed tokens with 400 invalid_state", async () => {
  const codec = await StateCodec.create({ secret: SECRET });
  for (const bad of ["", "v1", "v2.a.b.c", "v1.a.b", "v1.a.b.c!d", "v1.a.b.c.d"]) {
    assert.equal(await codeOf(codec.verify(bad)), "400 invalid_state", bad);
  }
});

Deno.test("StateCodec bounds the token size on both sides", async () => {
  const codec = await StateCodec.create({ secret: SECRET, maxBytes: 200 });
  assert.equal(await codeOf(codec.sign({ text: "x".repeat(300) })), "413 state_too_large");
  assert.equal(await codeOf(codec.verify("v1." + "a".repeat(300))), "400 state_too_large");
});

Deno.test("StateCodec.create refuses a short secret", async () => {
  await assert.rejects(StateCodec.create({ secret: "short" }), RangeError);
});

Deno.test("base64url round-trips any bytes and rejects other alphabets", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    const text = toBase64Url(bytes);
    assert.match(text, /^[A-Za-z0-9_-]*$/);
    assert.deepEqual(fromBase64Url(text), bytes);
  }));
  assert.equal(fromBase64Url("ab+c"), null);
  assert.equal(fromBase64Url("a"), null);
});
