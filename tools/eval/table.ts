/**
 * Markdown tables of an evaluation result, for ARCHITECTURE.md: every row, then the gains
 * with their paired intervals and p-values beside the papers' figures (from
 * ../shared/anchors.md). `deno run -A tools/eval/table.ts [FILE]` prints them for an existing
 * result file (default bench/results/eval.json).
 *
 * @module
 */
import type { EvalGain, EvalRow } from "./context.ts";
import { EvalResult } from "./result.ts";

/** The papers' figures next to our gains (anchors.md). */
export const PAPER_FIGURES: Readonly<Record<string, string>> = {
  selfrag_gain_corpus_only:
    "Self-RAG 7B: PopQA 54.9, TriviaQA 66.4 (accuracy with adaptive retrieval)",
  s2a_gain_opinionated: "LLaMA-2-70B-chat opinionated TriviaQA 62.8 -> 80.3 (+17.5; oracle 82.0)",
  s2a_oracle_gain_opinionated: "oracle 82.0 vs 62.8 (+19.2)",
  cove_precision_gain: "Llama 65B Wikidata list precision 0.17 -> 0.36 (2-step, +19 points)",
  alpha: "goal >= 0.7",
};

/** Metrics whose value is a plain number, not points. */
const PLAIN_METRICS = new Set(["alpha", "proposed_accepted_share", "items_listed"]);

function fmt(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "-";
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * The rows as a markdown table; a row with n = 0 reads "not measured".
 *
 * @example
 * ```ts
 * rowsTable([{ section: "s2a", set: "opinionated", method: "baseline", metric: "accuracy", n: 2, value: 50 }]);
 * ```
 */
export function rowsTable(rows: readonly EvalRow[]): string {
  const lines = [
    "| section | set | method | metric | n | value | 95% CI | note |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    const digits = PLAIN_METRICS.has(r.metric) ? 3 : 1;
    const value = r.n === 0 || r.value === null ? "not measured" : fmt(r.value, digits);
    const ci = r.ci95 === undefined || r.n === 0
      ? ""
      : `${fmt(r.ci95[0], digits)} .. ${fmt(r.ci95[1], digits)}`;
    lines.push(
      `| ${r.section} | ${r.set} | ${r.method} | ${r.metric} | ${r.n} | ${value} | ${ci} | ${
        cell(r.note ?? "")
      } |`,
    );
  }
  return lines.join("\n");
}

/** The gains as a markdown table (points, paired 95% CI, p-value, n, the paper's figure). */
export function gainsTable(gains: Readonly<Record<string, EvalGain>>): string {
  const lines = [
    "| gain | points | 95% CI | p | n | paper |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const [name, g] of Object.entries(gains)) {
    const p = g.p_value < 1e-4 ? g.p_value.toExponential(1) : g.p_value.toFixed(4);
    lines.push(
      `| ${name} | ${fmt(g.points, 1)} | ${fmt(g.ci95[0], 1)} .. ${
        fmt(g.ci95[1], 1)
      } | ${p} | ${g.n} | ${cell(PAPER_FIGURES[name] ?? "")} |`,
    );
  }
  return lines.join("\n");
}

/** Both tables and the run's provenance, as one markdown block. */
export function resultMarkdown(result: EvalResult): string {
  const m = result.machine;
  const limit = result.settings.limit === null ? "all items" : `--limit ${result.settings.limit}`;
  const alpha = result.summary["alpha"];
  return [
    `Evaluation of \`${result.models.dir}\` (manifest sha256 ${
      result.models.manifest_sha256?.slice(0, 12) ?? "none"
    }), ${limit}, seed ${result.settings.seed}, ${result.generated_at}; ${m.cpus} x ${m.cpu_model}, ` +
    `Deno ${m.deno}, wasm, ${fmt(result.seconds, 0)} s.`,
    "",
    rowsTable(result.rows),
    "",
    `Batching: ${
      Object.entries(result.engines).map(([model, e]) =>
        `${model} ${e.decode_steps} decode steps, ${fmt(e.mean_rows_per_step, 1)} rows per step`
      ).join("; ") || "no shared engine"
    }; sections (s): ${
      Object.entries(result.section_seconds).map(([name, s]) => `${name} ${fmt(s, 0)}`).join(", ")
    }.`,
    "",
    gainsTable(result.gains),
    ...(alpha !== undefined ? ["", `alpha = ${fmt(alpha, 3)} (${PAPER_FIGURES["alpha"]})`] : []),
  ].join("\n");
}

// `deno run -A tools/eval/table.ts [FILE]`: print the tables of an existing result file
// (default bench/results/eval.json) without rerunning the evaluation.
if (import.meta.main) {
  const path = Deno.args[0] ?? "bench/results/eval.json";
  console.log(resultMarkdown(EvalResult.parse(JSON.parse(await Deno.readTextFile(path)))));
}
