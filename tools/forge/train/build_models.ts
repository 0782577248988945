/**
 * `deno task forge:world [--minutes N] [--quick] [--draft ce|distill] [--out DIR] [--runs DIR]
 * [--export-only]`:
 * builds the tiny world's models from scratch: world + tokenizer -> target and draft (two
 * Deno processes, one core each) -> two style adapters on the target (two processes) ->
 * ONNX folders through the forge (target/, draft/, and target_lora/: the target with LoRA
 * slot inputs sized for the adapters), PEFT adapters (adapters/<style>/) -> manifest.json.
 * Every phase leaves a done marker and its jobs checkpoint, so rerunning the same command
 * continues where an interrupted build stopped. `--export-only` redoes just the exports and
 * the manifest from finished runs (never trains; fails when a run it needs is unfinished).
 *
 * @module
 */
import { readJson } from "./read_json.ts";
import { parseArgs } from "node:util";
import { exportReasoningRuns } from "./build_export_reasoning.ts";
import { writeFileSet } from "../model_folder.ts";
import { worldFolderFiles } from "../world/main.ts";
import { PRACTICE_DIALOGS, type WorldDataOptions } from "../world/dataset.ts";
import { ANSWER_STYLES } from "../world/styles.ts";
import { JobResult, JobSpec } from "./build_job.ts";
import {
  exportAdapterRun,
  exportModelRun,
  worldFileEntries,
  type WorldManifest,
} from "./build_export.ts";
import { exportLoraBaseRun } from "./build_export_lora.ts";
import { BuildOptions, planJobs, type PlannedJob } from "./build_plan.ts";

/** World settings of the quick build: a small world and vocabulary. */
const QUICK_WORLD = {
  sizes: { countries: 5, citiesPerCountry: 2, people: 12, organizations: 5, products: 6 },
  arithmeticTrain: 30,
  evalPerKind: 10,
} as const;

/**
 * The world data settings of a build: the quick world when `quick`, the practice dialogs
 * when `practice`.
 *
 * @example
 * ```ts
 * buildWorldData(7, worldDataOptions(BuildOptions.parse({ quick: true })));
 * ```
 */
export function worldDataOptions(o: BuildOptions): WorldDataOptions {
  return {
    ...(o.quick ? QUICK_WORLD : {}),
    ...(o.practice ? { practice: PRACTICE_DIALOGS } : {}),
  };
}

/** Render the world folder unless a previous build did; returns the world's file paths. */
async function worldPhase(o: BuildOptions, log: (s: string) => void): Promise<string[]> {
  const marker = `${o.runs}/world.done.json`;
  const done = (await readJson(marker)) as { files?: string[] } | undefined;
  if (done?.files !== undefined) {
    log(`world: done (${done.files.length} files)`);
    return done.files;
  }
  const t0 = performance.now();
  const files = worldFolderFiles(o.seed, o.quick ? 384 : undefined, worldDataOptions(o));
  await writeFileSet(o.out, files);
  const paths = [...files.keys()].sort();
  await Deno.mkdir(o.runs, { recursive: true });
  await Deno.writeTextFile(marker, `${JSON.stringify({ files: paths })}\n`);
  log(`world: ${paths.length} files in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return paths;
}

/** The world's file paths from a previous build's marker; throws when there is none. */
async function finishedWorld(o: BuildOptions): Promise<string[]> {
  const done = (await readJson(`${o.runs}/world.done.json`)) as { files?: string[] } | undefined;
  if (done?.files === undefined) {
    throw new Error(
      `Cannot export the models as the world was not rendered: current value is no ${o.runs}/world.done.json`,
    );
  }
  return done.files;
}

/** The done markers of the runs the exports read; throws naming the first unfinished one. */
async function finishedRuns(o: BuildOptions, names: readonly string[]) {
  const done = new Map<string, JobResult>();
  for (const name of names) {
    const parsed = JobResult.safeParse(await readJson(`${o.runs}/${name}/done.json`));
    if (!parsed.success) {
      throw new Error(
        `Cannot export the models as job '${name}' has not finished: current value is no valid ${o.runs}/${name}/done.json`,
      );
    }
    done.set(name, parsed.data);
  }
  return done;
}

/** Run one job in a child Deno process (or read its done marker). */
async function runChild(job: PlannedJob, log: (s: string) => void): Promise<JobResult> {
  const spec = JobSpec.parse(job.spec);
  const previous = JobResult.safeParse(await readJson(`${spec.run}/done.json`));
  if (previous.success) {
    log(`${spec.name}: done (${previous.data.steps} steps)`);
    return previous.data;
  }
  log(`${spec.name}: started`);
  const script = new URL("./build_job.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, JSON.stringify(spec)],
    stdout: "piped",
    stderr: "inherit",
  });
  const output = await child.output();
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  const parsed = JobResult.safeParse(output.success ? JSON.parse(lines.at(-1) ?? "null") : null);
  if (!parsed.success) {
    throw new Error(
      `Cannot finish job '${spec.name}' as its process failed: current value is exit code ${output.code}`,
    );
  }
  log(
    `${spec.name}: ${parsed.data.steps} steps, loss ${parsed.data.first_loss.toFixed(3)} -> ${
      parsed.data.final_loss_mean20.toFixed(3)
    }, ${parsed.data.wall_s} s`,
  );
  return parsed.data;
}

/** Run the planned jobs, at most two at a time, each after the jobs it waits for. */
async function runJobs(jobs: readonly PlannedJob[], log: (s: string) => void) {
  const done = new Map<string, JobResult>();
  const pending = [...jobs];
  const running = new Map<string, Promise<void>>();
  while (pending.length > 0 || running.size > 0) {
    for (const job of [...pending]) {
      if (running.size >= 2) break;
      if (!job.after.every((name) => done.has(name))) continue;
      pending.splice(pending.indexOf(job), 1);
      const name = job.spec.name;
      running.set(
        name,
        runChild(job, log).then((result) => {
          done.set(name, result);
          running.delete(name);
        }),
      );
    }
    if (running.size === 0) {
      throw new Error(
        `Cannot schedule the build as jobs wait on each other: current value is ${
          pending.map((j) => j.spec.name).join(", ")
        }`,
      );
    }
    await Promise.race(running.values());
  }
  return done;
}

/** How {@link buildModels} runs. */
export interface BuildMode {
  /** Only export finished runs and write the manifest: no world rendering, no training. */
  readonly exportOnly?: boolean;
}

/**
 * Run the whole pipeline (or, with `exportOnly`, its exports); returns the manifest it wrote
 * to `<out>/manifest.json`.
 *
 * @example
 * ```ts
 * const manifest = await buildModels(BuildOptions.parse({ quick: true, out: dir, runs: `${dir}/runs` }));
 * ```
 */
export async function buildModels(
  options: BuildOptions,
  log: (line: string) => void = console.log,
  mode: BuildMode = {},
): Promise<WorldManifest> {
  const exported = ["target", "draft", ...ANSWER_STYLES.map((s) => `adapter-${s}`)];
  const worldPaths = mode.exportOnly === true
    ? await finishedWorld(options)
    : await worldPhase(options, log);
  const results = mode.exportOnly === true
    ? await finishedRuns(options, exported)
    : await runJobs(planJobs(options), log);
  const run = (name: string) => `${options.runs}/${name}`;
  const target = results.get("target")!;
  const adapters = [];
  for (const style of ANSWER_STYLES) {
    const name = `adapter-${style}`;
    adapters.push(await exportAdapterRun(options.out, style, run(name), results.get(name)!));
  }
  const entries = [
    await exportModelRun(options.out, "target", run("target"), target),
    await exportModelRun(options.out, "draft", run("draft"), results.get("draft")!),
    // Sized from the adapters just exported, so both fit at once.
    await exportLoraBaseRun(options.out, run("target"), target, adapters.map((a) => a.path)),
    ...adapters,
    // The verifier, reader and thinking model of `deno task forge:reasoning`, when finished.
    ...(await exportReasoningRuns(options.out, options.runs)),
  ];
  const manifest: WorldManifest = {
    version: 1,
    generator: "verity-forge-world",
    quick: options.quick,
    minutes: options.minutes,
    draft: options.draft,
    entries,
    world_files: await worldFileEntries(options.out, worldPaths),
  };
  await Deno.writeTextFile(
    `${options.out}/manifest.json`,
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  log(`manifest: ${options.out}/manifest.json`);
  return manifest;
}

/**
 * Parse the command line; throws a RangeError in the house style on a bad value.
 *
 * @example
 * ```ts
 * parseBuildArgs(["--quick"]).quick; // true
 * ```
 */
export function parseBuildArgs(argv: readonly string[]): BuildOptions {
  return parseBuildCommand(argv).options;
}

/**
 * Parse the command line into the pipeline settings and the run mode (`--export-only`).
 *
 * @example
 * ```ts
 * parseBuildCommand(["--export-only"]).mode.exportOnly; // true
 * ```
 */
export function parseBuildCommand(
  argv: readonly string[],
): { options: BuildOptions; mode: BuildMode } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: "string" },
      runs: { type: "string" },
      minutes: { type: "string" },
      quick: { type: "boolean" },
      draft: { type: "string" },
      seed: { type: "string" },
      practice: { type: "boolean" },
      "export-only": { type: "boolean" },
    },
  });
  const { "export-only": exportOnly, ...rest } = values;
  const raw = {
    ...rest,
    minutes: values.minutes === undefined ? undefined : Number(values.minutes),
    seed: values.seed === undefined ? undefined : Number(values.seed),
  };
  const parsed = BuildOptions.safeParse(raw);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? "(root)");
    throw new RangeError(
      `Cannot build the models as '--${field}' is invalid: current value is ${
        JSON.stringify((values as Record<string, unknown>)[field])
      }`,
    );
  }
  return { options: parsed.data, mode: { exportOnly: exportOnly === true } };
}

if (import.meta.main) {
  try {
    const { options, mode } = parseBuildCommand(Deno.args);
    await buildModels(options, console.log, mode);
  } catch (error) {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    Deno.exit(1);
  }
}
