/**
 * Run by webgpu_memory_test.ts in a process of its own, so that RSS reflects only this
 * engine: two greedy 500-token decodes of the draft fixture under WebGPU, memory sampled every
 * 200 ms. Prints one JSON line: { first, second, decodeSteps, gpuTensorsLive }.
 *
 * @module
 */
import type { Engine } from "../../../client/engine/api.ts";
import { fixtureEngine } from "./engine_fixtures.ts";

/** A memory sample while decoding: engine decode step, RSS minus V8 heap, live GPU tensors. */
export interface Sample {
  readonly step: number;
  readonly rss: number;
  readonly live: number;
}

/** One decode run's samples. */
export interface ProbeRun {
  readonly samples: Sample[];
  readonly startStep: number;
  readonly completionTokens: number;
}

/** Decode 500 tokens greedily, sampling memory every 200 ms. */
async function decodeSampled(engine: Engine): Promise<ProbeRun> {
  const startStep = (await engine.stats()).decodeSteps;
  let done = false;
  const run = engine.chat.completions.create({
    messages: [{ role: "user", content: "Hi" }],
    max_tokens: 500,
    temperature: 0,
    repetition_penalty: 1.1,
  }).finally(() => (done = true));
  const samples: Sample[] = [];
  while (!done) {
    await new Promise((r) => setTimeout(r, 200));
    const s = await engine.stats();
    const mem = Deno.memoryUsage();
    samples.push({ step: s.decodeSteps, rss: mem.rss - mem.heapTotal, live: s.gpuTensorsLive });
  }
  const reply = await run;
  return { samples, startStep, completionTokens: reply.usage.completion_tokens };
}

if (import.meta.main) {
  const engine = await fixtureEngine("draft", "webgpu");
  const first = await decodeSampled(engine);
  const second = await decodeSampled(engine);
  const stats = await engine.stats();
  await engine.dispose();
  console.log(JSON.stringify({
    first,
    second,
    decodeSteps: stats.decodeSteps,
    gpuTensorsLive: stats.gpuTensorsLive,
  }));
  Deno.exit(0);
}
