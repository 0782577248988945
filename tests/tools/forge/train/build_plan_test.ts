/**
 * The build plan divides a time budget between two cores: stage one (target || draft) and
 * stage two (the adapters, and with distillation the draft's distillation) plus the fixed
 * overhead add up to the budget, and the quick plan uses fixed tiny step counts.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  BuildOptions,
  OVERHEAD_SECONDS,
  planJobs,
} from "../../../../tools/forge/train/build_plan.ts";

function seconds(jobs: ReturnType<typeof planJobs>, name: string): number {
  return jobs.find((j) => j.spec.name === name)!.spec.seconds!;
}

Deno.test("a 90-minute plan fills both cores: 78% target || draft, then the two adapters", () => {
  const jobs = planJobs(BuildOptions.parse({ minutes: 90 }));
  assert.deepEqual(jobs.map((j) => [j.spec.name, j.after]), [
    ["target", []],
    ["draft", []],
    ["adapter-terse", ["target"]],
    ["adapter-formal", ["target"]],
  ]);
  const stage1 = seconds(jobs, "target");
  assert.equal(seconds(jobs, "draft"), stage1);
  const stage2 = seconds(jobs, "adapter-terse");
  assert.ok(Math.abs(stage1 + stage2 + OVERHEAD_SECONDS - 90 * 60) < 1e-6);
  assert.ok(stage1 > 60 * 60 && stage2 > 15 * 60, `${stage1} s, ${stage2} s`);
  assert.ok(jobs.every((j) => j.spec.steps === undefined));
  assert.ok(jobs.every((j) => j.spec.batch === 8 && j.spec.seq === 128));
});

Deno.test("with --practice the target's rows hold the long S2A and CoVe dialogs whole", () => {
  const jobs = planJobs(BuildOptions.parse({ minutes: 90, practice: true }));
  const shapes = jobs.map((j) => [j.spec.name, j.spec.batch, j.spec.seq]);
  // Same 1,024 tokens a step for the target; the others keep 8 x 128.
  assert.deepEqual(shapes, [
    ["target", 4, 256],
    ["draft", 8, 128],
    ["adapter-terse", 8, 128],
    ["adapter-formal", 8, 128],
  ]);
});

Deno.test("with --draft distill the draft distills on one core while the adapters share the other", () => {
  const jobs = planJobs(BuildOptions.parse({ minutes: 90, draft: "distill" }));
  assert.deepEqual(jobs.map((j) => j.spec.name), [
    "target",
    "draft-ce",
    "draft",
    "adapter-terse",
    "adapter-formal",
  ]);
  const draft = jobs.find((j) => j.spec.name === "draft")!;
  assert.deepEqual(draft.after, ["target", "draft-ce"]);
  assert.equal(draft.spec.teacher?.run, "runs/forge-world/target");
  assert.equal(draft.spec.init, "runs/forge-world/draft-ce");
  const stage2 = seconds(jobs, "draft");
  assert.ok(
    Math.abs(seconds(jobs, "adapter-terse") + seconds(jobs, "adapter-formal") - stage2) < 1e-6,
  );
  assert.ok(Math.abs(seconds(jobs, "target") + stage2 + OVERHEAD_SECONDS - 90 * 60) < 1e-6);
});

Deno.test("the quick plan uses tiny presets and fixed step counts", () => {
  const jobs = planJobs(BuildOptions.parse({ quick: true }));
  assert.deepEqual(jobs.map((j) => [j.spec.preset, j.spec.steps, j.spec.seconds]), [
    ["tiny", 4, undefined],
    ["micro", 4, undefined],
    ["tiny", 3, undefined],
    ["tiny", 3, undefined],
  ]);
});
