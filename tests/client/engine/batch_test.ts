import assert from "node:assert/strict";
import type { Engine, GenerateRequest } from "../../../client/engine/api.ts";
import { fixtureEngine, ortTest } from "./engine_fixtures.ts";

const PROMPTS = [
  "The river",
  "A much longer prompt about the old mill and the river that runs past it",
  "Hello",
  "Numbers: 1 2 3 4 5 6 7",
  "Once upon a time there was a small town",
  "Why?",
];

function requests(maxTokens: (i: number) => number): GenerateRequest[] {
  return PROMPTS.map((prompt, i) => ({
    id: `r${i}`,
    prompt,
    max_tokens: maxTokens(i),
    temperature: 0,
  }));
}

async function singles(engine: Engine, reqs: GenerateRequest[]): Promise<number[][]> {
  const out: number[][] = [];
  for (const r of reqs) out.push((await engine.generate([r]))[0]!.tokens);
  return out;
}

Deno.test({
  name:
    "each row of a padded batch generates exactly what it generates alone at temperature 0 (wasm)",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "wasm", 8);
    try {
      const reqs = requests((i) => 6 + 4 * i);
      const alone = await singles(engine, reqs);
      const batched = await engine.generate(reqs);
      assert.deepEqual(batched.map((r) => r.tokens), alone);
      assert.deepEqual(batched.map((r) => r.id), reqs.map((r) => r.id));
      assert.ok(
        batched.every((r, i) =>
          r.tokens.length === reqs[i]!.max_tokens || r.finish_reason === "stop"
        ),
      );
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name:
    "continuous batching refills finished rows from the queue and keeps every row exact (wasm, maxBatch 2)",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "wasm", 2);
    try {
      const reqs = requests((i) => [3, 20, 5, 9, 14, 2][i]!);
      const alone = await singles(engine, reqs);
      const before = await engine.stats();
      const batched = await engine.generate(reqs);
      const after = await engine.stats();
      assert.deepEqual(batched.map((r) => r.tokens), alone);
      // 6 rows through 2 slots: rows were admitted in several rounds while others ran.
      assert.ok(
        after.rebuilds - before.rebuilds >= 3,
        `rebuilds ${after.rebuilds - before.rebuilds}`,
      );
      const rowSteps = after.rowSteps - before.rowSteps;
      const steps = after.decodeSteps - before.decodeSteps;
      assert.ok(rowSteps / steps > 1.5, `mean occupancy ${rowSteps / steps} of 2`);
      assert.ok(rowSteps <= 2 * steps);
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "requests submitted while a batch runs join it without waiting and stay exact (wasm)",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "wasm", 8);
    try {
      const long = requests(() => 40).slice(0, 2);
      const late = requests((i) => 8 + i).slice(2);
      const alone = await singles(engine, [...long, ...late]);
      const before = await engine.stats();
      const first = engine.generate(long);
      while ((await engine.stats()).decodeSteps - before.decodeSteps < 3) {
        await new Promise((r) => setTimeout(r, 1));
      }
      const second = engine.generate(late);
      const [a, b] = await Promise.all([first, second]);
      const steps = (await engine.stats()).decodeSteps - before.decodeSteps;
      assert.deepEqual([...a, ...b].map((r) => r.tokens), alone);
      // Joined: the late rows ran alongside the long ones, so the steps are well under 40 + 11.
      assert.ok(steps < 40 + 11, `decode steps ${steps}`);
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "batched rows equal single rows on webgpu",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "webgpu", 4);
    try {
      const reqs = requests((i) => 4 + 2 * i).slice(0, 4);
      const alone = await singles(engine, reqs);
      const batched = await engine.generate(reqs);
      assert.deepEqual(batched.map((r) => r.tokens), alone);
    } finally {
      await engine.dispose();
    }
  },
});
