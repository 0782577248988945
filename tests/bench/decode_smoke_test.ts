import assert from "node:assert/strict";
import {
  type BatchTimer,
  countGenerated,
  type DecodeRow,
  measureInterleaved,
  MeasurementError,
  median,
  rates,
  timed,
} from "../../bench/decode_measure.ts";
import { warmUp } from "../../bench/decode_warmup.ts";
import { planFor, PROMPTS, promptsFor } from "../../bench/decode_plan.ts";
import { GOALS, summarize } from "../../bench/decode_summary.ts";
import { pageMounts, transformersOrtDist } from "../../bench/decode_server.ts";
import { startStaticServer } from "../helpers/static_server.ts";

/** A clock that only moves when told to. */
function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function row(
  library: DecodeRow["library"],
  runtime: DecodeRow["runtime"],
  ep: DecodeRow["ep"],
  batch: number,
  decode: number,
): DecodeRow {
  return {
    library,
    runtime,
    ep,
    batch,
    prompt_tokens: 10 * batch,
    new_tokens: 64 * batch,
    prefill_tokens_per_s: 1000,
    decode_tokens_per_s: decode,
    total_tokens_per_s: decode * 0.9,
    prefill_ms: 10,
    total_ms: 100,
    reps: 3,
  };
}

Deno.test("rates() computes prefill, decode and total tokens/s from the timings", () => {
  const r = rates({
    batch: 4,
    promptTokens: 40,
    newTokens: 260,
    prefillMs: 20,
    totalMs: 1020,
    reps: 5,
  });
  assert.equal(r.prefill_tokens_per_s, 2000); // 40 tokens / 0.02 s
  assert.equal(r.decode_tokens_per_s, 256); // (260 - 4) tokens / (1.020 - 0.020) s
  assert.ok(Math.abs(r.total_tokens_per_s - 260 / 1.02) < 1e-9);
});

Deno.test("rates() refuses timings where the total run is not longer than the prefill", () => {
  const t = { batch: 1, promptTokens: 5, newTokens: 64, prefillMs: 50, totalMs: 50, reps: 1 };
  assert.throws(() => rates(t), MeasurementError);
  assert.throws(() => rates({ ...t, totalMs: 100, newTokens: 0 }), /fewer than the batch/);
});

Deno.test("median() takes the middle value, or the mean of the two middle values", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), MeasurementError);
});

Deno.test("countGenerated() counts ids after the padded prompt up to and including the first EOS", () => {
  assert.equal(countGenerated([0, 0, 7, 8, 9, 10, 11], 4, [2]), 3);
  assert.equal(countGenerated([0, 7, 8, 9, 2, 0, 0], 2, [2]), 3);
  assert.equal(countGenerated([7, 8, 2, 2, 0], 2, [2, 5]), 1);
});

Deno.test("measureInterleaved() warms each configuration up once, rotates the order and keeps medians", async () => {
  const clock = fakeClock();
  const calls: string[] = [];
  // Contender "a": prefill 10 ms then 11, 12 ...; N-token run 100 ms then 110, 120 ...
  const timer = (name: string, base: number): BatchTimer => {
    let k = 0;
    return (maxTokens) => {
      calls.push(`${name}${maxTokens}`);
      const ms = (maxTokens === 1 ? base : 10 * base) + k++;
      clock.advance(ms);
      return Promise.resolve({ ms, promptTokens: 20, newTokens: maxTokens * 2 });
    };
  };
  const rounds: number[] = [];
  const rows = await measureInterleaved([
    { id: { library: "verity", runtime: "chromium", ep: "wasm" }, batch: 2, timer: timer("a", 10) },
    {
      id: { library: "transformers.js", runtime: "chromium", ep: "wasm" },
      batch: 4,
      timer: timer("b", 20),
    },
  ], { newTokens: 8, reps: 3, onRound: (r) => rounds.push(r) });
  assert.deepEqual(rounds, [1, 2, 3]);
  assert.deepEqual(calls, [
    "a1",
    "a8",
    "b1",
    "b8", // warm-up
    "a1",
    "a8",
    "b1",
    "b8", // round 0
    "b1",
    "b8",
    "a1",
    "a8", // round 1: b first
    "a1",
    "a8",
    "b1",
    "b8", // round 2
  ]);
  const [a, b] = rows as [DecodeRow, DecodeRow];
  // a's timed prefills are 12, 14, 16 (k = 2, 4, 6) -> median 14; totals 103, 105, 107 -> 105.
  assert.equal(a.prefill_ms, 14);
  assert.equal(a.total_ms, 105);
  assert.equal(a.new_tokens, 16);
  assert.equal(a.batch, 2);
  assert.equal(a.decode_tokens_per_s, (16 - 2) / ((105 - 14) / 1000));
  assert.equal(b.library, "transformers.js");
  assert.equal(b.batch, 4);
  assert.equal(b.decode_tokens_per_s, (16 - 4) / ((205 - 24) / 1000));
  assert.equal(b.prefill_ms, 24);
  assert.equal(b.total_ms, 205);
  assert.equal(b.prefill_tokens_per_s, 20 / 0.024);
});

Deno.test("warmUp() cycles through the batch sizes until the rates stop improving", async () => {
  const clock = fakeClock();
  const seen: number[] = [];
  // 100 ms a run; batch 1 gets 3x faster on its third visit (run 7), then nothing improves.
  const timerFor = (batch: number): BatchTimer => (n) => {
    seen.push(batch);
    const visits = seen.filter((b) => b === batch).length;
    const ms = batch === 1 && visits >= 3 ? 100 / 3 : 100;
    clock.advance(ms);
    return Promise.resolve({ ms, promptTokens: 1, newTokens: n * batch });
  };
  const [report] = await warmUp([timerFor], [1, 4, 8], {
    tokens: 10,
    minMs: 300,
    patienceMs: 600,
    maxMs: 10_000,
  }, clock.now);
  // Gains at runs 1-3 (first visits) and at run 10 (t = 867 ms), when batch 1's median of its
  // last 3 runs turns fast (one fast run at run 7 does not count); run 18 is 667 ms after that
  // gain but only 8 runs, so it stops at run 19 (3 full cycles and 700 ms later).
  assert.deepEqual(seen, [1, 4, 8, 1, 4, 8, 1, 4, 8, 1, 4, 8, 1, 4, 8, 1, 4, 8, 1]);
  assert.equal(report?.runs, 19);
  assert.equal(report?.capped, false);
  assert.equal(report?.firstTokensPerS, 100); // 10 tokens in 0.1 s
  assert.deepEqual(report?.best, { 1: 300, 4: 400, 8: 800 });
});

Deno.test("warmUp() stops at maxMs and says so when rates still improve", async () => {
  const clock = fakeClock();
  let ms = 100;
  const timerFor = (): BatchTimer => (n) => {
    ms = ms / 2; // every run twice as fast
    clock.advance(100);
    return Promise.resolve({ ms, promptTokens: 1, newTokens: n });
  };
  const [report] = await warmUp(
    [timerFor],
    [1],
    { tokens: 10, minMs: 0, patienceMs: 1000, maxMs: 500 },
    clock.now,
  );
  assert.equal(report?.runs, 5);
  assert.equal(report?.capped, true);
});

Deno.test("warmUp() takes turns between lanes and waits until every lane is quiet", async () => {
  const clock = fakeClock();
  const order: string[] = [];
  // Lane "a" is flat; lane "b" doubles its speed on each of its first 4 runs.
  const lane = (name: string, speedups: number): (batch: number) => BatchTimer => () => (n) => {
    order.push(name);
    const done = order.filter((x) => x === name).length;
    const ms = 100 / 2 ** Math.min(done, speedups);
    clock.advance(100);
    return Promise.resolve({ ms, promptTokens: 1, newTokens: n });
  };
  const [a, b] = await warmUp(
    [lane("a", 0), lane("b", 4)],
    [1],
    { tokens: 10, minMs: 0, patienceMs: 0, maxMs: 60_000 },
    clock.now,
  );
  assert.deepEqual(order.slice(0, 4), ["a", "b", "a", "b"]);
  // "a" is quiet after 4 runs, but both keep going until "b" has had 3 runs without a gain:
  // b's smoothed rate (median of its last 3) last rises at its run 5.
  assert.equal(a?.runs, b?.runs);
  assert.equal(b?.runs, 8);
  assert.equal(a?.best[1], 100);
  assert.equal(b?.best[1], 1600);
});

Deno.test("timed() reports the wall time of one run", async () => {
  const clock = fakeClock();
  const t = timed(() => {
    clock.advance(42);
    return Promise.resolve({ promptTokens: 3, newTokens: 5 });
  }, clock.now);
  assert.deepEqual(await t(5), { promptTokens: 3, newTokens: 5, ms: 42 });
});

Deno.test("summarize() takes the headline figures from the Chromium wasm and Deno wasm rows", () => {
  const rows = [
    row("verity", "deno", "wasm", 1, 300),
    row("verity", "deno", "wasm", 8, 1500),
    row("verity", "chromium", "wasm", 1, 200),
    row("transformers.js", "chromium", "wasm", 1, 250),
    row("verity", "chromium", "wasm", 4, 500),
    row("transformers.js", "chromium", "wasm", 4, 400),
    row("verity", "chromium", "wasm", 8, 800),
    row("transformers.js", "chromium", "wasm", 8, 900),
    row("verity", "chromium", "webgpu", 1, 10),
    row("transformers.js", "chromium", "webgpu", 1, 5),
  ];
  const s = summarize(rows, ["x"]);
  assert.equal(s.verity_b1_tokens_per_s, 200);
  assert.equal(s.transformersjs_b1_tokens_per_s, 250);
  assert.equal(s.ratio_vs_transformersjs_b1, 0.8);
  assert.equal(s.batch8_over_batch1, 4);
  assert.equal(s.deno_verity_b1_tokens_per_s, 300);
  assert.equal(s.deno_batch8_over_batch1, 5);
  assert.deepEqual(s.ratios_vs_transformersjs, {
    wasm_b1: 0.8,
    wasm_b4: 1.25,
    wasm_b8: 800 / 900,
    webgpu_b1: 2,
  });
  assert.deepEqual(s.goals.ratio_vs_transformersjs_b1, {
    min: GOALS.ratio_vs_transformersjs_b1,
    value: 0.8,
    met: false,
  });
  assert.deepEqual(s.goals.batch8_over_batch1, { min: 3, value: 4, met: true });
  assert.deepEqual(s.skipped, ["x"]);
});

Deno.test("summarize() reports null and unmet goals when rows are missing", () => {
  const s = summarize([row("verity", "deno", "wasm", 1, 300)], []);
  assert.equal(s.verity_b1_tokens_per_s, null);
  assert.equal(s.ratio_vs_transformersjs_b1, null);
  assert.equal(s.batch8_over_batch1, null);
  assert.equal(s.deno_batch8_over_batch1, null);
  assert.equal(s.goals.ratio_vs_transformersjs_b1.met, false);
  assert.equal(s.goals.batch8_over_batch1.met, false);
});

Deno.test("planFor() keeps --quick short and without WebGPU, and batches use distinct prompts", () => {
  const quick = planFor(true);
  const full = planFor(false);
  assert.equal(quick.webgpu, null);
  assert.notEqual(full.webgpu, null);
  assert.ok(quick.wasm.newTokens < full.wasm.newTokens);
  assert.ok(quick.wasm.reps <= full.wasm.reps);
  assert.equal(new Set(PROMPTS).size, PROMPTS.length);
  assert.deepEqual(promptsFor(2), PROMPTS.slice(0, 2));
  assert.ok(Math.max(...full.batches) <= PROMPTS.length);
});

Deno.test("the bench page's server gives transformers.js its own onnxruntime-web, cross-origin isolated", async () => {
  const dist = await transformersOrtDist();
  assert.match(dist, /onnxruntime-web@1\.31\./);
  const server = startStaticServer(pageMounts("/nonexistent", dist));
  try {
    const theirs = await fetch(`${server.url}/ort-tjs/ort-wasm-simd-threaded.asyncify.wasm`, {
      method: "HEAD",
    });
    assert.equal(theirs.status, 200);
    assert.equal(theirs.headers.get("cross-origin-embedder-policy"), "require-corp");
    const ours = await fetch(`${server.url}/ort/ort-wasm-simd-threaded.asyncify.wasm`, {
      method: "HEAD",
    });
    assert.equal(ours.status, 200);
    assert.notEqual(ours.headers.get("content-length"), theirs.headers.get("content-length"));
    const page = await fetch(`${server.url}/`);
    assert.match(await page.text(), /\/bench\/entry\.js/);
  } finally {
    await server.close();
  }
});
