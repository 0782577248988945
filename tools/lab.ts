/**
 * `deno task lab <experiment> [--json] [options]`: run a training-dynamics experiment
 * (grokking, llc, emergence, ntk, pvg) on jax-js from the command line. Progress goes to stderr;
 * with --json the result is printed as ONE line of JSON, the last line on stdout.
 *
 * @module
 */
import { parseArgs } from "../client/lab/cli_args.ts";
import { LAB_USAGE, runFromArgs } from "../client/lab/cli.ts";
import { summarizeResult } from "../client/lab/cli_summary.ts";
import { initLabDevice, LabDeviceName } from "../client/lab/device.ts";
import type { LabProgress } from "../client/lab/experiment.ts";

async function main(): Promise<number> {
  const args = parseArgs(Deno.args);
  if (args.flags.has("help") || args.experiment === "help") {
    console.log(LAB_USAGE);
    return 0;
  }
  const device = LabDeviceName.parse(args.values.get("device") ?? "auto");
  const info = await initLabDevice(device);
  console.error(`lab: ${args.experiment} on ${info.device}`);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  let last = 0;
  const onProgress = (p: LabProgress) => {
    const now = performance.now();
    if (now - last < 1000 && p.fraction < 1) return;
    last = now;
    console.error(`[${(p.fraction * 100).toFixed(0).padStart(3)}%] ${p.message}`);
  };
  try {
    const result = await runFromArgs(args, { signal: controller.signal, onProgress });
    console.log(args.flags.has("json") ? JSON.stringify(result) : summarizeResult(result));
    return 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}

if (import.meta.main) {
  try {
    // Exit explicitly: jax-js keeps its wasm worker pool alive.
    Deno.exit(await main());
  } catch (e) {
    const err = e as Error;
    console.error(`${err.name}: ${err.message}`);
    Deno.exit(1);
  }
}
