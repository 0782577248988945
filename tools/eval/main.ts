/**
 * `deno task eval [section...] [--json] [--models DIR] [--limit N] [--seed N] [--out FILE]`:
 * runs the evaluation sections (tools/eval/registry.ts) end to end through the real engine
 * (wasm) and a real edge started on 127.0.0.1, writes bench/results/eval.json, prints the
 * markdown tables on stderr (with progress lines) and, with --json, the result on stdout.
 * A section that fails is reported (a row with the error) and the exit code is 1.
 *
 * @module
 */
import { dirname } from "node:path";
import type { EngineStats } from "../../client/engine/api.ts";
import { type EvalArgs, parseEvalArgs } from "./args.ts";
import type { EvalGain, EvalRow } from "./context.ts";
import { EVAL_MAX_BATCH, ORT_THREADS } from "./engines.ts";
import { DEFAULT_CONCURRENCY } from "./pool.ts";
import { SECTION_NAMES, SECTIONS } from "./registry.ts";
import { EvalResult, fileSha256, machineInfo } from "./result.ts";
import { missingRow } from "./rows.ts";
import { openEvalContext } from "./run_context.ts";
import { resultMarkdown } from "./table.ts";

/** What a run produced and which sections failed. */
export interface EvalOutcome {
  readonly result: EvalResult;
  readonly failures: { section: string; error: unknown }[];
}

/**
 * Run the selected sections and build the result (nothing is written).
 *
 * @example
 * ```ts
 * const { result } = await runEval(parseEvalArgs(["closed_book", "--limit", "4"], SECTION_NAMES));
 * ```
 */
export async function runEval(
  args: EvalArgs,
  log: (line: string) => void = (l) => console.error(l),
  signal?: AbortSignal,
): Promise<EvalOutcome> {
  const t0 = performance.now();
  const selected = args.sections.length === 0
    ? SECTIONS
    : SECTIONS.filter((s) => args.sections.includes(s.name));
  const open = await openEvalContext({
    modelsDir: args.models,
    limit: args.limit,
    seed: args.seed,
    log,
    ...(signal !== undefined ? { signal } : {}),
  });
  const rows: EvalRow[] = [];
  const gains: Record<string, EvalGain> = {};
  const summary: Record<string, number> = {};
  const sectionSeconds: Record<string, number> = {};
  const failures: EvalOutcome["failures"] = [];
  let engines: Record<string, EngineStats> = {};
  try {
    for (const [i, section] of selected.entries()) {
      const ts = performance.now();
      log(`section ${section.name} (${i + 1}/${selected.length}): started`);
      try {
        const out = await section.run(open.ctx);
        rows.push(...out.rows);
        Object.assign(summary, out.summary);
        for (const [name, gain] of Object.entries(out.gains)) {
          gains[name] = gain;
          summary[name] = gain.points;
        }
      } catch (error) {
        failures.push({ section: section.name, error });
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        log(`section ${section.name}: FAILED ${message}`);
        rows.push(missingRow(
          { section: section.name, set: "-", method: "-", metric: "-" },
          `failed: ${message}`,
        ));
      }
      sectionSeconds[section.name] = Math.round((performance.now() - ts) / 100) / 10;
      log(`section ${section.name}: ${sectionSeconds[section.name]} s`);
    }
    engines = await open.engineStats();
  } finally {
    await open.close();
  }
  const raw = {
    generated_at: new Date().toISOString(),
    models: { dir: args.models, manifest_sha256: await fileSha256(`${args.models}/manifest.json`) },
    machine: machineInfo(ORT_THREADS),
    settings: {
      sections: selected.map((s) => s.name),
      limit: Number.isFinite(args.limit) ? args.limit : null,
      seed: args.seed,
      concurrency: DEFAULT_CONCURRENCY,
      max_batch: EVAL_MAX_BATCH,
    },
    rows,
    gains,
    summary,
    engines: Object.fromEntries(
      Object.entries(engines).map(([model, s]) => [model, {
        decode_steps: s.decodeSteps,
        mean_rows_per_step: s.decodeSteps > 0
          ? Math.round(s.rowSteps / s.decodeSteps * 100) / 100
          : 0,
        prefill_tokens: s.prefillTokens,
        decode_tokens: s.decodeTokens,
      }]),
    ),
    section_seconds: sectionSeconds,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
  const parsed = EvalResult.safeParse(raw);
  if (parsed.success) return { result: parsed.data, failures };
  // Keep a long run's numbers even when a figure is malformed (e.g. NaN): the caller still
  // writes them and exits 1 with the reason.
  const issue = parsed.error.issues[0];
  const error = new Error(
    `Cannot validate the result as '${issue?.path.join(".") ?? "(root)"}' ${
      issue?.message ?? "is invalid"
    }`,
  );
  log(error.message);
  // Narrow cast: `raw` has the result's shape, one value failed validation (reported above).
  return { result: raw as EvalResult, failures: [...failures, { section: "(result)", error }] };
}

/** Write the result file (creating its folder). */
export async function writeResult(path: string, result: EvalResult): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeTextFile(path, `${JSON.stringify(result, null, 2)}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  let args: EvalArgs;
  try {
    args = parseEvalArgs(argv, SECTION_NAMES);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const t0 = performance.now();
  const log = (line: string) =>
    console.error(`[eval ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  // Ctrl-C stops the sections; the edge and the engines are still closed.
  const abort = new AbortController();
  const onInterrupt = () =>
    abort.abort(new Error("Cannot continue the evaluation as it was interrupted"));
  Deno.addSignalListener("SIGINT", onInterrupt);
  let outcome: EvalOutcome;
  try {
    outcome = await runEval(args, log, abort.signal);
  } catch (error) {
    // Setup failures (no corpus, no edge) end the run before any section.
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    return 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
  const { result, failures } = outcome;
  await writeResult(args.out, result);
  console.error(`\n${resultMarkdown(result)}\n`);
  console.error(`wrote ${args.out} in ${result.seconds} s`);
  if (args.json) console.log(JSON.stringify(result, null, 2));
  return failures.length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
