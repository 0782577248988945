/**
 * `deno task forge:reasoning [--minutes N] [--out DIR] [--runs DIR] [--quick]`: trains the two
 * decode-time reasoning models of issue 8 from the finished world target, one per core, then
 * re-exports the world's models and rewrites the manifest with them:
 *
 * - `verifier`: best-of-n's learned verifier, the target fine-tuned on
 *   `verifier/train.jsonl` (a problem and a solution -> "Yes" / "No", loss on the answer only);
 * - `thinking`: the target with a mixing head trained with the Quiet-STaR objective on the
 *   world's arithmetic dialogs (`deno task train:think`), exported with `mixing_weight`.
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

async function trainVerifier(o: BuildOptions, seconds: number, log: (s: string) => void) {
  const spec = verifierSpec(o, seconds);
  if (JobResult.safeParse(await readJson(`${spec.run}/done.json`)).success) {
    log("verifier: done before");
    return;
  }
  const script = new URL("./build_job.ts", import.meta.url).pathname;
  const last = await child("verifier", ["run", "-A", script, JSON.stringify(spec)], log);
  const r = JobResult.parse(JSON.parse(last));
  log(
    `verifier: ${r.steps} steps, loss ${r.first_loss.toFixed(3)} -> ${
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
 * Train the verifier and the thinking model side by side, then re-export everything and
 * rewrite `<out>/manifest.json` (buildModels in export-only mode picks both up).
 *
 * @example
 * ```ts
 * await buildReasoning(BuildOptionsSchema.parse({ quick: true, out: dir, runs: `${dir}/runs` }), 1);
 * ```
 */
export async function buildReasoning(
  o: BuildOptions,
  minutes: number,
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
    trainVerifier(o, seconds, log),
    trainThinking(o, seconds / 60, log),
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
      quick: { type: "boolean" },
    },
  });
  const minutes = ReasoningOptions.safeParse({
    minutes: values.minutes === undefined ? undefined : Number(values.minutes),
  });
  if (!minutes.success) {
    console.error(
      `Cannot build the reasoning models as '--minutes' is invalid: current value is ${values.minutes}`,
    );
    Deno.exit(2);
  }
  const options = BuildOptionsSchema.parse({
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values.runs !== undefined ? { runs: values.runs } : {}),
    quick: values.quick === true,
  });
  try {
    await buildReasoning(options, minutes.data.minutes);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
  Deno.exit(0); // jax-js' wasm backend keeps the event loop alive
}
