import assert from "node:assert/strict";
import { LabSettingsError } from "../../../../client/lab/errors.ts";
import type { LabProgress } from "../../../../client/lab/experiment.ts";
import { attachLiveSlotProbe } from "../../../../client/lab/live_slots.ts";
import { runPvg } from "../../../../client/lab/pvg/pvg_experiment.ts";
import type { PvgSettingsInput } from "../../../../client/lab/pvg/pvg_settings.ts";
import { labTest, wasm } from "../lab_fixtures.ts";

const SHORT: PvgSettingsInput = {
  p: 3,
  rounds: 2,
  baseSteps: 20,
  proverSteps: 5,
  problemsPerStep: 8,
  verifierSteps: 20,
  verifierBatch: 32,
  seed: 3,
};

Deno.test(
  "a short game reports every round with figures in [0, 1] and plain JSON",
  labTest,
  async () => {
    await wasm();
    const events: LabProgress[] = [];
    const r = await runPvg(SHORT, { onProgress: (p) => events.push(p) });
    assert.equal(r.experiment, "pvg");
    assert.equal(r.rounds.length, 2);
    assert.deepEqual(r.rounds.map((x) => x.round), [0, 1]);
    assert.deepEqual(r.series.completeness, r.rounds.map((x) => x.completeness));
    for (const row of r.rounds) {
      for (
        const key of ["completeness", "soundness", "helpful_accuracy", "sneaky_accuracy"] as const
      ) {
        assert.ok(row[key] >= 0 && row[key] <= 1, `${key} = ${row[key]}`);
      }
      // Sneaky success is the accepted share of all sneaky mass, so it is bounded by both.
      assert.ok(row.sneaky_success <= 1 - row.sneaky_accuracy + 1e-12);
      assert.ok(
        Math.abs(row.sneaky_success - (1 - row.soundness) * (1 - row.sneaky_accuracy)) < 1e-9,
      );
      assert.ok(row.verifier_pairs > 0);
      const fool = row.sneaky_fool_step;
      assert.ok(
        fool === null || (Number.isInteger(fool) && fool >= 1 && fool <= 5),
        `${fool}`,
      );
    }
    assert.equal(events.filter((e) => e.series === "rounds").length, 2);
    assert.equal(events.filter((e) => e.series === "prover_training").length, 10);
    const first = events.find((e) => e.series === "prover_training")!.point!;
    assert.deepEqual(Object.keys(first).sort(), [
      "helpful_batch_accuracy",
      "helpful_reward",
      "sneaky_batch_accuracy",
      "sneaky_batch_fooled",
      "sneaky_reward",
      "step",
    ]);
    assert.equal(first.step, 1);
    // Round points carry every numeric field of the round (a null fool step is left out).
    const numeric = Object.entries(r.rounds[1]!).filter(([, v]) => typeof v === "number");
    assert.deepEqual(
      events.filter((e) => e.series === "rounds")[1]!.point,
      Object.fromEntries(numeric),
    );
    assert.equal(numeric.length, r.rounds[1]!.sneaky_fool_step === null ? 16 : 17);
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
    assert.equal(r.problems, 27);
    assert.equal(r.solutions, 9);
  },
);

Deno.test(
  "the same seed reproduces a game exactly and another seed does not",
  labTest,
  async () => {
    await wasm();
    const a = await runPvg(SHORT);
    const b = await runPvg(SHORT);
    const c = await runPvg({ ...SHORT, seed: 4 });
    assert.deepEqual(a.rounds, b.rounds);
    assert.notDeepEqual(a.rounds, c.rounds);
  },
);

Deno.test("a game leaves the number of live jax-js buffers unchanged", labTest, async () => {
  await wasm();
  const probe = attachLiveSlotProbe();
  await runPvg({ ...SHORT, rounds: 1 }); // compile and warm caches
  const before = probe.count();
  await runPvg({ ...SHORT, rounds: 3 });
  assert.equal(probe.count(), before);
});

Deno.test("invalid settings are rejected before anything runs", async () => {
  await assert.rejects(runPvg({ p: 2 }), LabSettingsError);
  await assert.rejects(runPvg({ samplesPerProblem: 1 }), LabSettingsError);
});

Deno.test("an aborted game rejects with LabAbortedError", labTest, async () => {
  await wasm();
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(runPvg(SHORT, { signal: controller.signal }), { name: "LabAbortedError" });
});
