/**
 * `deno task forge:reasoning [--minutes N] [--reader-minutes N] [--out DIR] [--runs DIR]
 * [--quick]`: trains the reasoning models from the finished world target, then re-exports the
 * world's models and rewrites the manifest with them. First the two decode-time models of
 * issue 8, one per core:
 *
 * - `verifier`: best-of-n's learned verifier, the target fine-tuned on
 *   `verifier/train.jsonl` (a problem and a solution -> "Yes" / "No", loss on the answer only);
 * - `thinking`: the target with a mixing head trained with the Quiet-STaR objective on the
 *   world's arithmetic dialogs (`deno task train:think`), exported with `mixing_weight`;
 *
 * then the Self-RAG reader (issue 7): the target fine-tuned on fresh-world evidence examples
 * (`reader/fresh.jsonl`, answers that can only be copied from the passage) beside a replay of
 * its own `train.jsonl`, the generator that the Self-RAG pipeline runs (Asai et al. 2023 train
 * their generator the same way, on retrieval-augmented examples with reflection tokens).
 *
 * Runs resume: a job with a done marker is not trained again. The world build
 * (`deno task forge:world`) must have finished first.
 *
 * @module
 */
import { readJson } from "./read_json.ts";
import { parseArgs } from "node:util";
import { z } from "zod";
import { type BuildOptions, BuildOptions as BuildOptionsSchema } from "./build_plan.ts";
import { JobResult, JobSpec } from "./build_job.ts";
import { buildModels } from "./build_models.ts";
import { readWorldManifest } from "./world_manifest.ts";

/** `done.json` of a finished thinking run. */
export const ThinkingDone = z.object({ name: z.literal("thinking"), steps: z.number().int() });

/** Settings of the reasoning build. */
export const ReasoningOptions = z.object({
  /** Wall-clock budget of the two trainings (they run side by side). */
  minutes: z.number().positive().default(30),
  /** Wall-clock budget of the reader's training (one core, after the other two). */
  readerMinutes: z.number().positive().default(40),
});

/**
 * The verifier's job: the target's weights, the verifier data, rows of 256 tokens.
 *
 * @example
 * ```ts
 * verifierSpec(BuildOptionsSchema.parse({ quick: true }), 600).init; // "runs/forge-world/target"
 * ```
 */
export function verifierSpec(o: BuildOptions, seconds: number): JobSpec {
  return JobSpec.parse({
    name: "verifier",
    preset: o.quick ? "tiny" : "target",
    world: o.out,
    data: "verifier/train.jsonl",
    run: `${o.runs}/verifier`,
    batch: 4,
    seq: 256,
    lr: 1e-3,
    warmup: o.quick ? 1 : 20,
    seed: 5,
    init: `${o.runs}/target`,
    checkpointSeconds: 120,
    ...(o.quick ? { steps: 3 } : { seconds }),
  });
}

/**
 * The reader's job: the target's weights, its fresh evidence examples beside a replay of the
 * target's own data, the target's rows (8 x 128 tokens).
 *
 * @example
 * ```ts
 * readerSpec(BuildOptionsSchema.parse({}), 2400).data; // ["train.jsonl", "reader/fresh.jsonl"]
 * ```
 */
export function readerSpec(o: BuildOptions, seconds: number): JobSpec {
  return JobSpec.parse({
    name: "reader",
    preset: o.quick ? "tiny" : "target",
    world: o.out,
    data: ["train.jsonl", "reader/fresh.jsonl"],
    run: `${o.runs}/reader`,
    batch: o.quick ? 4 : 8,
    seq: 128,
    lr: 1e-3,
    warmup: o.quick ? 1 : 20,
    seed: 9,
    init: `${o.runs}/target`,
    checkpointSeconds: 120,
    ...(o.quick ? { steps: 3 } : { seconds }),
  });
}

/**
 * The thinking run's command-line arguments for `deno task train:think`.
 *
 * @example
 * ```ts
 * thinkArgs(BuildOptionsSchema.parse({}), 25).includes("--kinds"); // true
 * ```
 */
export function thinkArgs(o: BuildOptions, minutes: number): string[] {
  return [
    "--base",
    `${o.runs}/target`,
    "--out",
    `${o.out}/thinking`,
    "--run",
    `${o.runs}/thinking`,
    "--world",
    o.out,
    "--kinds",
    "arithmetic",
    "--seq",
    "128",
    ...(o.quick ? ["--steps", "2", "--batch", "2"] : ["--minutes", String(minutes)]),
  ];
}

async function child(label: string, args: string[], log: (s: string) => void): Promise<string> {
  log(`${label}: started`);
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) {
    throw new Error(
      `Cannot finish '${label}' as its process failed: current value is exit code ${out.code}`,
    );
  }
  return new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
}

async function trainJob(spec: JobSpec, log: (s: string) => void) {
  if (JobResult.safeParse(await readJson(`${spec.run}/done.json`)).success) {
    log(`${spec.name}: done before`);
    return;
  }
  const script = new URL("./build_job.ts", import.meta.url).pathname;
  const last = await child(spec.name, ["run", "-A", script, JSON.stringify(spec)], log);
  const r = JobResult.parse(JSON.parse(last));
  log(
    `${spec.name}: ${r.steps} steps, loss ${r.first_loss.toFixed(3)} -> ${
      r.final_loss_mean20.toFixed(3)
    }`,
  );
}

async function trainThinking(o: BuildOptions, minutes: number, log: (s: string) => void) {
  const marker = `${o.runs}/thinking/done.json`;
  if (ThinkingDone.safeParse(await readJson(marker)).success) {
    log("thinking: done before");
    return;
  }
  const script = new URL("./quiet_star/main.ts", import.meta.url).pathname;
  const last = await child("thinking", ["run", "-A", script, ...thinkArgs(o, minutes)], log);
  const summary = z.object({ steps: z.number().int() }).passthrough().parse(JSON.parse(last));
  await Deno.writeTextFile(marker, JSON.stringify({ name: "thinking", steps: summary.steps }));
  log(`thinking: ${last}`);
}

/**
 * Train the verifier and the thinking model side by side, then the reader, then re-export
 * everything and rewrite `<out>/manifest.json` (buildModels in export-only mode picks them up).
 *
 * @example
 * ```ts
 * await buildReasoning(BuildOptionsSchema.parse({ quick: true, out: dir, runs: `${dir}/runs` }), 1, 1);
 * ```
 */
export async function buildReasoning(
  o: BuildOptions,
  minutes: number,
  readerMinutes: number,
  log: (line: string) => void = console.log,
): Promise<void> {
  if (!JobResult.safeParse(await readJson(`${o.runs}/target/done.json`)).success) {
    throw new Error(
      `Cannot train the reasoning models as the world target has not finished: current value is no ${o.runs}/target/done.json`,
    );
  }
  // One core each; 60 s are left for the exports and the manifest.
  const seconds = Math.max(60, minutes * 60 - 60);
  await Promise.all([
    trainJob(verifierSpec(o, seconds), log),
    trainThinking(o, seconds / 60, log),
  ]);
  await trainJob(readerSpec(o, Math.max(60, readerMinutes * 60 - 30)), log);
  // The manifest keeps recording how the world build ran (its budget and draft mode).
  const world = await readWorldManifest(o.out);
  await buildModels(
    { ...o, minutes: world.minutes, draft: world.draft, quick: world.quick },
    log,
    { exportOnly: true },
  );
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string" },
      runs: { type: "string" },
      minutes: { type: "string" },
      "reader-minutes": { type: "string" },
      quick: { type: "boolean" },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const minutes = ReasoningOptions.safeParse({
    minutes: num(values.minutes),
    readerMinutes: num(values["reader-minutes"]),
  });
  if (!minutes.success) {
    console.error(
      `Cannot build the reasoning models as '--minutes' or '--reader-minutes' is invalid: current values are ${values.minutes} and ${
        values["reader-minutes"]
      }`,
    );
    Deno.exit(2);
  }
  const options = BuildOptionsSchema.parse({
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values.runs !== undefined ? { runs: values.runs } : {}),
    quick: values.quick === true,
  });
  try {
    await buildReasoning(options, minutes.data.minutes, minutes.data.readerMinutes);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
  Deno.exit(0); // jax-js' wasm backend keeps the event loop alive
}
