/**
 * `deno task eval` end to end as a child process on a tiny world (random-weight fixture
 * models, so the figures are noise): the real engine, a real edge on 127.0.0.1, the real
 * pipelines. Checks the result schema, the item counts, that each gain is the difference of
 * its rows, that greedy speculative output equals the target's, and the progress lines.
 * Self-RAG is left out: on random weights every item retrieves and runs the whole beam
 * (about 30 s an item on the shared 2-core machine).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { EvalRow, MeasuredRow } from "../../../tools/eval/context.ts";
import { EvalResult } from "../../../tools/eval/result.ts";
import { writeTinyWorld } from "./tiny_world.ts";

const MAIN = new URL("../../../tools/eval/main.ts", import.meta.url).pathname;

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

function row(
  rows: readonly EvalRow[],
  section: string,
  method: string,
  metric: string,
): MeasuredRow {
  const found = rows.find((r) =>
    r.section === section && r.method === method && r.metric === metric
  );
  assert.ok(found !== undefined, `row ${section}/${method}/${metric}`);
  const value = found.value;
  assert.ok(value !== null, `row ${section}/${method}/${metric} is measured`);
  return { ...found, value };
}

function assertGainIsDifference(
  result: EvalResult,
  gain: string,
  method: MeasuredRow,
  base: MeasuredRow,
) {
  const g = result.gains[gain];
  assert.ok(g !== undefined, `gain ${gain}`);
  assert.ok(
    Math.abs(g.points - (method.value - base.value)) < 1e-3,
    `${gain}: ${g.points} vs ${method.value} - ${base.value}`,
  );
  assert.equal(g.n, method.n);
  assert.equal(result.summary[gain], g.points);
  assert.ok(g.p_value >= 0 && g.p_value <= 1);
}

Deno.test({
  name:
    "eval CLI runs five sections on a tiny world and writes a result whose gains are the row differences",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "verity_eval_test_" });
    try {
      await writeTinyWorld(`${dir}/world`);
      const out = `${dir}/results/eval.json`;
      const sections = ["closed_book", "s2a", "cove", "speculative", "styles"];
      const run = await runCli([
        ...sections,
        "--models",
        `${dir}/world`,
        "--limit",
        "4",
        "--json",
        "--out",
        out,
      ]);
      assert.equal(run.code, 0, run.stderr);
      const result = EvalResult.parse(JSON.parse(run.stdout));
      assert.deepEqual(EvalResult.parse(JSON.parse(await Deno.readTextFile(out))), result);
      assert.deepEqual(result.settings.sections, sections);
      assert.equal(result.settings.limit, 4);
      assert.equal(result.models.manifest_sha256, null);
      assert.deepEqual(Object.keys(result.section_seconds), sections);
      for (const r of result.rows) assert.equal(r.n, 4, `${r.section}/${r.method}/${r.metric}`);

      const rows = result.rows;
      assert.deepEqual(
        rows.filter((r) => r.section === "closed_book").map((r) => r.set),
        ["closed_book_seen", "corpus_only"],
      );
      assertGainIsDifference(
        result,
        "s2a_gain_opinionated",
        row(rows, "s2a", "s2a_llm", "accuracy"),
        row(rows, "s2a", "baseline", "accuracy"),
      );
      assertGainIsDifference(
        result,
        "s2a_filter_gain_opinionated",
        row(rows, "s2a", "s2a_filter", "accuracy"),
        row(rows, "s2a", "baseline", "accuracy"),
      );
      assertGainIsDifference(
        result,
        "cove_precision_gain",
        row(rows, "cove", "cove_factored", "precision"),
        row(rows, "cove", "baseline", "precision"),
      );
      assertGainIsDifference(
        result,
        "cove_revise_precision_gain",
        row(rows, "cove", "cove_factor_revise", "precision"),
        row(rows, "cove", "baseline", "precision"),
      );
      for (const style of ["terse", "formal"]) {
        const base = row(rows.filter((r) => r.set === style), "styles", "base", "style");
        const adapted = row(rows, "styles", `adapter_${style}`, "style");
        assertGainIsDifference(result, `style_gain_${style}`, adapted, base);
      }

      const alpha = row(rows, "speculative", "draft_gamma_4", "alpha");
      assert.equal(result.summary["alpha"], alpha.value);
      assert.ok(alpha.value >= 0 && alpha.value <= 1, `${alpha.value}`);
      // Greedy speculative decoding must reproduce the target's greedy replies exactly.
      assert.equal(row(rows, "speculative", "draft_gamma_4", "greedy_equals_target").value, 100);

      // Concurrent items share the engine's batches.
      const target = result.engines["target"];
      assert.ok(target !== undefined && target.decode_steps > 0, JSON.stringify(result.engines));
      assert.ok(target.mean_rows_per_step > 1.5, `${target.mean_rows_per_step} rows per step`);
      assert.ok(result.engines["target_lora"] !== undefined);

      assert.match(run.stderr, /s2a llm 4\/4 \(100\.0%\) [\d.]+ items\/s elapsed \S+ ETA 0s/);
      assert.match(run.stderr, /\| gain \| points \| 95% CI \| p \| n \| paper \|/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "eval CLI reports the styles as not measured when target_lora is missing",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "verity_eval_test_" });
    try {
      await writeTinyWorld(`${dir}/world`, { lora: false });
      const run = await runCli([
        "styles",
        "--models",
        `${dir}/world`,
        "--json",
        "--out",
        `${dir}/r.json`,
      ]);
      assert.equal(run.code, 0, run.stderr);
      const result = EvalResult.parse(JSON.parse(run.stdout));
      assert.equal(result.rows.length, 8);
      for (const r of result.rows) {
        assert.equal(r.n, 0);
        assert.equal(r.value, null);
        assert.equal(r.note, "target_lora missing");
      }
      assert.deepEqual(result.gains, {});
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("eval CLI exits 2 and names the flag on a bad argument", async () => {
  const run = await runCli(["--limit", "zero"]);
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /Cannot run the evaluation as '--limit' must be an integer: current value is "zero"/,
  );
});
