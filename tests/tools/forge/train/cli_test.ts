/**
 * `deno task train` flags and the progress line.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseTrainArgs } from "../../../../tools/forge/train/cli_args.ts";
import { formatDuration, progressLine } from "../../../../tools/forge/train/progress.ts";

Deno.test("parseTrainArgs() fills defaults and reads every flag", () => {
  const args = parseTrainArgs([
    "--preset",
    "draft",
    "--steps",
    "20",
    "--max-minutes",
    "1.5",
    "--resume",
  ]);
  assert.equal(args.preset, "draft");
  assert.equal(args.steps, 20);
  assert.equal(args.maxMinutes, 1.5);
  assert.equal(args.resume, true);
  assert.equal(args.batch, 16);
  assert.equal(args.world, "models/world");
});

Deno.test("parseTrainArgs() names the bad flag and its value", () => {
  assert.throws(
    () => parseTrainArgs(["--preset", "huge"]),
    /Cannot train as '--preset' is invalid .*: current value is "huge"/,
  );
  assert.throws(() => parseTrainArgs(["--steps", "2.5"]), /'--steps' is invalid .*"2.5"/);
});

Deno.test("progressLine() shows step, bar, loss, lr, throughput and ETA", () => {
  const line = progressLine({
    step: 50,
    total: 100,
    loss: 2.5,
    lr: 1e-3,
    elapsed: 10,
    stepsHere: 50,
    tokensPerStep: 2048,
  }, 10);
  assert.equal(line, "step 50/100 [#####     ] loss 2.5000 lr 1.00e-3 10240 tok/s ETA 10s");
  assert.equal(formatDuration(3725), "1h02m");
  assert.equal(formatDuration(187), "3m07s");
});
