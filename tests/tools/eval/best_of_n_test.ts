/**
 * The best_of_n evaluation section on a real `forge:world --quick` build (world, target,
 * draft, learned verifier trained from the draft and exported through the forge) against the
 * real edge: every method and n has a row over the same items, the gain is the difference of
 * its rows, the 16 candidates of a problem are sampled once as one batch and shared by every
 * method, no batch mixes two problems (samples repeat run to run), the verifier runs on its
 * own engine, and without a verifier model the learned rows carry a note and no numbers. The
 * engine gate merges concurrent calls into one batch and answers repeated rows from its cache.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Engine, GenerateRequest } from "../../../client/engine/api.ts";
import type { EvalContext, EvalModel, SectionResult } from "../../../tools/eval/context.ts";
import { openEvalContext } from "../../../tools/eval/run_context.ts";
import { bestOfNSection } from "../../../tools/eval/sections/best_of_n.ts";
import { EngineGate } from "../../../tools/eval/sections/engine_gate.ts";
import { exportModelRun } from "../../../tools/forge/train/build_export.ts";
import { JobResult } from "../../../tools/forge/train/build_job.ts";
import { buildModels, parseBuildArgs } from "../../../tools/forge/train/build_models.ts";
import { fixtureEngine, ortTest } from "../../client/engine/engine_fixtures.ts";

const LIMIT = 3;
const BUILD_JOB = new URL("../../../tools/forge/train/build_job.ts", import.meta.url).pathname;

/** The context with every engine's generate calls recorded, by model. */
function recorded(ctx: EvalContext, calls: Map<EvalModel, GenerateRequest[][]>): EvalContext {
  return {
    ...ctx,
    async engine(model) {
      const engine = await ctx.engine(model);
      const list = calls.get(model) ?? [];
      calls.set(model, list);
      return {
        chat: engine.chat,
        generate(requests, options) {
          list.push([...requests]);
          return engine.generate(requests, options);
        },
        info: () => engine.info(),
        stats: () => engine.stats(),
        adapterMetrics: () => engine.adapterMetrics(),
        dispose: () => engine.dispose(),
      } satisfies Engine;
    },
  };
}

async function runSection(modelsDir: string, limit: number) {
  const logs: string[] = [];
  const calls = new Map<EvalModel, GenerateRequest[][]>();
  const open = await openEvalContext({ modelsDir, limit, seed: 5, log: (l) => logs.push(l) });
  try {
    const result = await bestOfNSection.run(recorded(open.ctx, calls));
    return { result, calls, logs };
  } finally {
    await open.close();
  }
}

const row = (r: SectionResult, method: string, set = "arithmetic") =>
  r.rows.find((x) => x.method === method && x.set === set);

/** The measured value of a row (fails on a missing or unmeasured one). */
function value(r: SectionResult, method: string, set = "arithmetic"): number {
  const v = row(r, method, set)?.value;
  assert.ok(typeof v === "number", `${method} on ${set} is measured`);
  return v;
}

Deno.test({
  name:
    "best_of_n on a --quick world: a row per method and n, gain = row difference, shared candidates",
  ...ortTest,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "verity_best_of_n_" });
    try {
      const options = parseBuildArgs(["--quick", "--out", `${dir}/out`, "--runs", `${dir}/runs`]);
      await buildModels(options, () => {});
      // The build plan has no verifier job yet: train one the way a job runs (a child Deno
      // process, from the draft's weights, on the world's verifier data) and export it.
      const spec = {
        name: "verifier",
        preset: "micro",
        world: `${dir}/out`,
        data: "verifier/train.jsonl",
        run: `${dir}/runs/verifier`,
        batch: 2,
        seq: 256,
        lr: 2e-3,
        warmup: 1,
        seed: 5,
        steps: 3,
        checkpointSeconds: 120,
        init: `${dir}/runs/draft`,
      };
      const job = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", BUILD_JOB, JSON.stringify(spec)],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(job.code, 0, new TextDecoder().decode(job.stderr));
      const done = JobResult.parse(
        JSON.parse(await Deno.readTextFile(`${dir}/runs/verifier/done.json`)),
      );
      await exportModelRun(`${dir}/out`, "verifier", `${dir}/runs/verifier`, done);
      const { result, calls, logs } = await runSection(`${dir}/out`, LIMIT);

      const methods = [
        "greedy",
        ...["majority", "arithmetic", "verifier", "verifier_vote", "arithmetic_verifier"]
          .flatMap((m) => [1, 4, 16].map((n) => `${m}@${n}`)),
      ];
      for (const m of methods) {
        const r = row(result, m);
        assert.ok(r !== undefined, m);
        assert.equal(r.n, LIMIT, m);
        // Accuracy over 3 items: 0, 33.33, 66.67 or 100 points.
        const v = value(result, m);
        assert.ok([0, 1, 2, 3].some((k) => Math.abs(v - (100 * k) / 3) < 1e-3), `${m}`);
      }
      const gain = result.gains["best_of_16_gain"];
      assert.ok(gain !== undefined);
      assert.equal(gain.n, LIMIT);
      const diff = value(result, "verifier@16") - value(result, "greedy");
      assert.ok(Math.abs(gain.points - diff) < 1e-3, `${gain.points} vs ${diff}`);
      assert.ok(gain.p_value >= 0 && gain.p_value <= 1);
      // Selection picks one of the 16 candidates: no method beats coverage.
      const coverage = value(result, "coverage@16");
      for (const m of methods.filter((x) => x.endsWith("@16"))) {
        assert.ok(value(result, m) <= coverage + 1e-9, m);
      }
      assert.equal(row(result, "verifier", "heldout_solutions")?.n, 2 * LIMIT);
      assert.equal(row(result, "verifier", "candidates")?.n, 16 * LIMIT);
      assert.ok(result.summary["best_of_n_seconds"]! > 0);
      assert.ok(logs.some((l) => /best_of_n: 3 problems in [\d.]+ s/.test(l)), logs.join("\n"));

      // Candidates: 16 sampled + 1 greedy per problem, each generated once.
      const target = (calls.get("target") ?? []).flat();
      const candidates = target.filter((q) => /best_of_n\.c\d+$/.test(q.id));
      assert.equal(candidates.length, 17 * LIMIT);
      assert.ok(
        (calls.get("target") ?? []).some((b) =>
          b.filter((q) => /best_of_n\.c\d+$/.test(q.id)).length >= 16
        ),
        "the 16 candidates of a problem are one batch",
      );
      // One problem in flight: no batch mixes two problems' rows, so samples repeat run to run.
      const problemOf = (q: GenerateRequest) => JSON.stringify(q.messages ?? q.prompt);
      for (const batch of calls.get("target") ?? []) {
        const sampled = batch.filter((q) => /best_of_n\.c\d+$/.test(q.id));
        assert.ok(new Set(sampled.map(problemOf)).size <= 1, "a batch holds one problem");
      }
      // The learned verifier's rows ran on the verifier engine only.
      const verifierRows = (calls.get("verifier") ?? []).flat();
      assert.ok(verifierRows.some((q) => q.prompt?.startsWith("Problem: ") === true));
      assert.ok(!target.some((q) => q.prompt?.startsWith("Problem: ") === true));

      // Without a verifier model: learned rows are marked, and there is no learned gain.
      await Deno.rename(`${dir}/out/verifier`, `${dir}/out/verifier.off`);
      const bare = (await runSection(`${dir}/out`, 1)).result;
      const missing = row(bare, "verifier@16")!;
      assert.equal(missing.n, 0);
      assert.match(missing.note ?? "", /no verifier model at .*: not measured/);
      assert.equal(bare.gains["best_of_16_gain"], undefined);
      assert.equal(row(bare, "majority@16")?.n, 1);
      assert.ok(bare.gains["best_of_16_majority_gain"] !== undefined);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "the engine gate merges concurrent calls into one batch and answers repeated rows from its cache",
  ...ortTest,
  fn: async () => {
    const real = await fixtureEngine("target", "wasm");
    const batches: number[] = [];
    const counting: Engine = {
      chat: real.chat,
      generate(requests, options) {
        batches.push(requests.length);
        return real.generate(requests, options);
      },
      info: () => real.info(),
      stats: () => real.stats(),
      adapterMetrics: () => real.adapterMetrics(),
      dispose: () => real.dispose(),
    };
    try {
      const gate = new EngineGate();
      const engine = gate.wrap("target", counting);
      const row = (id: string, seed: number): GenerateRequest => ({
        id,
        prompt: "Ada buys 3",
        max_tokens: 4,
        temperature: 0.9,
        seed,
      });
      const [a, b] = await Promise.all([
        engine.generate([row("a0", 1), row("a1", 2)]),
        engine.generate([row("b0", 3)]),
      ]);
      assert.deepEqual(batches, [3], "both calls in ONE engine batch");
      assert.deepEqual(a!.map((r) => r.id), ["a0", "a1"]);
      assert.deepEqual(b!.map((r) => r.id), ["b0"]);
      const again = await engine.generate([row("x", 2), row("y", 4)]);
      assert.deepEqual(batches, [3, 1], "only the new row is generated");
      assert.equal(again[0]!.id, "x");
      assert.equal(again[0]!.text, a![1]!.text);
      assert.deepEqual(gate.counts(), {
        rows: { target: 4 },
        batches: { target: 2 },
        cacheHits: 1,
      });
    } finally {
      await real.dispose();
    }
  },
});
