/**
 * `deno task forge:reasoning [--minutes N] [--side-minutes N] [--no-cove] [--out DIR] [--runs DIR]
 * [--quick]`: trains the reasoning models from the finished world target, then re-exports the
 * world's models and rewrites the manifest with them. First the two decode-time models of
 * issue 8, one per core:
 *
 * - `verifier`: best-of-n's learned verifier, the target fine-tuned on
 *   `verifier/train.jsonl` (a problem and a solution -> "Yes" / "No", loss on the answer only);
 * - `thinking`: the target with a mixing head trained with the Quiet-STaR objective on the
 *   world's arithmetic dialogs (`deno task train:think`), exported with `mixing_weight`;
 *
 * then the side generators of issue 7, side by side:
 *
 * - `reader`: the target fine-tuned on fresh-world evidence examples (`reader/fresh.jsonl`,
 *   answers that can only be copied from the passage) beside a replay of its own
 *   `train.jsonl`, the generator that the Self-RAG pipeline runs (Asai et al. 2023 train their
 *   generator the same way, on retrieval-augmented examples with reflection tokens);
 * - `cove` (left out with `--no-cove`): the target fine-tuned for Chain-of-Verification on
 *   list questions (tools/forge/world/cove_data.ts), the model the CoVe pipeline runs when a
 *   world folder has one.
 *
 * Their data is rendered with the world (world/dataset.ts `sideDataFiles`) into
 * `<runs>/data/`, not into the committed world folder.
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
import { buildModels, worldDataOptions } from "./build_models.ts";
import { writeFileSet } from "../model_folder.ts";
import { buildWorldData, sideDataFiles } from "../world/dataset.ts";
import { readWorldManifest } from "./world_manifest.ts";

/** `done.json` of a finished thinking run. */
export const ThinkingDone = z.object({ name: z.literal("thinking"), steps: z.number().int() });

/** Settings of the reasoning build. */
export const ReasoningOptions = z.object({
  /** Wall-clock budget of the two trainings (they run side by side). */
  minutes: z.number().positive().default(30),
  /** Wall-clock budget of the reader's training (and the CoVe model's beside it), after the two. */
  sideMinutes: z.number().positive().default(40),
});

/** What differs between the fine-tunes of the target: name, data, rows and seed. */
interface FineTune {
  readonly name: string;
  readonly data: string | string[];
  readonly batch: number;
  readonly seq: number;
  readonly seed: number;
}

/**
 * A full fine-tune of the finished world target (`<runs>/target`): lr 1e-3, warmup 20, a
 * checkpoint every 2 minutes, `seconds` of training (3 steps of the tiny preset when quick).
 */
function fineTuneSpec(o: BuildOptions, seconds: number, job: FineTune): JobSpec {
  return JobSpec.parse({
    ...job,
    preset: o.quick ? "tiny" : "target",
    world: o.out,
    run: `${o.runs}/${job.name}`,
    lr: 1e-3,
    warmup: o.quick ? 1 : 20,
    init: `${o.runs}/target`,
    checkpointSeconds: 120,
    ...(o.quick ? { steps: 3 } : { seconds }),
  });
}

/**
 * The verifier's job: the target's weights, the verifier data, rows of 256 tokens.
 *
 * @example
 * ```ts
 * verifierSpec(BuildOptionsSchema.parse({ quick: true }), 600).init; // "runs/forge-world/target"
 * ```
 */
export function verifierSpec(o: BuildOptions, seconds: number): JobSpec {
  const job = { name: "verifier", data: "verifier/train.jsonl", batch: 4, seq: 256, seed: 5 };
  return fineTuneSpec(o, seconds, job);
}

/**
 * The reader's job: the target's weights, its fresh evidence examples (rendered into
 * {@link sideDataDir}) beside a replay of the target's own data, the target's rows (8 x 128).
 *
 * @example
 * ```ts
 * readerSpec(BuildOptionsSchema.parse({}), 2400).data[0]; // "train.jsonl"
 * ```
 */
export function readerSpec(o: BuildOptions, seconds: number): JobSpec {
  return fineTuneSpec(o, seconds, {
    name: "reader",
    data: ["train.jsonl", `${sideDataDir(o)}/reader/fresh.jsonl`],
    batch: o.quick ? 4 : 8,
    seq: 128,
    seed: 9,
  });
}

/**
 * The CoVe side model's job: the target's weights, the CoVe data (tools/forge/world/cove_data.ts,
 * rendered into `<runs>/data/cove/`) beside a replay of the target's `Q: A:` facts, rows of 256
 * tokens (a final prompt with five verified pairs is ~160 tokens).
 *
 * @example
 * ```ts
 * coveSpec(BuildOptionsSchema.parse({}), 2400).run; // "runs/forge-world/cove"
 * ```
 */
export function coveSpec(o: BuildOptions, seconds: number): JobSpec {
  const data = sideDataDir(o);
  return fineTuneSpec(o, seconds, {
    name: "cove",
    data: [`${data}/cove/replay.jsonl`, `${data}/cove/train.jsonl`],
    batch: 4,
    seq: 256,
    seed: 13,
  });
}

/**
 * Absolute folder of the side models' rendered data, `<runs>/data` (job data paths are
 * absolute or relative to the world folder).
 *
 * @example
 * ```ts
 * sideDataDir(BuildOptionsSchema.parse({ runs: "/tmp/runs" })); // "/tmp/runs/data"
 * ```
 */
export function sideDataDir(o: BuildOptions): string {
  const runs = o.runs.startsWith("/") ? o.runs : `${Deno.cwd()}/${o.runs}`;
  return `${runs}/data`;
}

/** Render the side models' data into {@link sideDataDir} (deterministic, a few seconds). */
async function writeSideData(o: BuildOptions, log: (s: string) => void): Promise<void> {
  const files = sideDataFiles(buildWorldData(o.seed, worldDataOptions(o)));
  await writeFileSet(sideDataDir(o), files);
  log(`side data: ${[...files.keys()].join(", ")} in ${sideDataDir(o)}`);
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
 * Train the verifier and the thinking model side by side, then the reader (and, with
 * the CoVe model beside it unless `extra.cove` is false), then re-export everything and rewrite `<out>/manifest.json` (buildModels in
 * export-only mode picks them up).
 *
 * @example
 * ```ts
 * await buildReasoning(BuildOptionsSchema.parse({ quick: true, out: dir, runs: `${dir}/runs` }), 1, 1);
 * ```
 */
export async function buildReasoning(
  o: BuildOptions,
  minutes: number,
  sideMinutes: number,
  log: (line: string) => void = console.log,
  extra: { readonly cove?: boolean } = {},
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
  await writeSideData(o, log);
  const sideSeconds = Math.max(60, sideMinutes * 60 - 30);
  await Promise.all([
    trainJob(readerSpec(o, sideSeconds), log),
    ...(extra.cove !== false ? [trainJob(coveSpec(o, sideSeconds), log)] : []),
  ]);
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
      "side-minutes": { type: "string" },
      quick: { type: "boolean" },
      "no-cove": { type: "boolean" },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const minutes = ReasoningOptions.safeParse({
    minutes: num(values.minutes),
    sideMinutes: num(values["side-minutes"]),
  });
  if (!minutes.success) {
    console.error(
      `Cannot build the reasoning models as '--minutes' or '--side-minutes' is invalid: current values are ${values.minutes} and ${
        values["side-minutes"]
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
    await buildReasoning(options, minutes.data.minutes, minutes.data.sideMinutes, console.log, {
      cove: values["no-cove"] !== true,
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
  Deno.exit(0); // jax-js' wasm backend keeps the event loop alive
}
