import assert from "node:assert/strict";
import { parseArgs } from "../../../../client/lab/cli_args.ts";
import { LAB_EXPERIMENTS, runLabExperiment } from "../../../../client/lab/experiments.ts";
import { pvgInput } from "../../../../client/lab/pvg/pvg_cli.ts";
import { labTest } from "../lab_fixtures.ts";

Deno.test("pvg flags map onto settings and absent flags stay absent", () => {
  const args = parseArgs(["pvg", "--rounds", "3", "--prover-steps", "7", "--base-accuracy", "0.4"]);
  assert.deepEqual(pvgInput(args), { rounds: 3, proverSteps: 7, baseAccuracy: 0.4 });
  assert.deepEqual(pvgInput(parseArgs(["pvg"])), {});
});

Deno.test("pvg is a lab experiment whose defaults are 8 rounds on p = 5", async () => {
  const entry = LAB_EXPERIMENTS.pvg;
  assert.equal(entry.defaults.rounds, 8);
  assert.equal(entry.defaults.p, 5);
  await assert.rejects(runLabExperiment("pvg", { rounds: 0 }), { name: "LabSettingsError" });
});

Deno.test(
  "deno task lab pvg --json prints one line of JSON with rounds last on stdout",
  labTest,
  async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "tools/lab.ts",
        "pvg",
        "--p",
        "3",
        "--rounds",
        "2",
        "--prover-steps",
        "3",
        "--verifier-steps",
        "10",
        "--json",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    const result = JSON.parse(lines[lines.length - 1]!);
    assert.equal(result.experiment, "pvg");
    assert.equal(result.rounds.length, 2);
    assert.equal(result.settings.proverSteps, 3);
    assert.ok(
      result.rounds.every((r: { helpful_accuracy: unknown }) =>
        Number.isFinite(r.helpful_accuracy)
      ),
    );
    assert.match(new TextDecoder().decode(out.stderr), /lab: pvg on wasm/);
  },
);
